#include "ops/check.h"

#include <fcntl.h>

#include <unistd.h>

#include <set>
#include <vector>

#include "ops/backup.h"
#include "ops/data_lock.h"
#include "ops/restore.h"
#include "store/integrity.h"
#include "store/maintenance.h"
#include "store/migrate.h"
#include "tls/certificate.h"
#include "tls/session.h"
#include "util/fs.h"
#include "util/time.h"
#include "util/version.h"

namespace cammio::ops {
namespace {

CheckItem Item(const char* name, const char* status, std::string detail) {
  return CheckItem{name, status, std::move(detail)};
}

int LatestSchema() {
  auto ms = EmbeddedMigrations();
  return ms.empty() ? 0 : ms.back().version;
}

std::string Mib(int64_t bytes) { return std::to_string(bytes >> 20) + " MiB"; }

CheckItem CheckConfig(const Config& config) {
  if (!IsDirectory(config.data_dir)) {
    return Item("config", "fail", "the data directory " + config.data_dir + " does not exist");
  }
  const std::string probe = config.data_dir + "/.cammio-check-probe";
  int fd = ::open(probe.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) {
    return Item("config", "fail",
                "the data directory is not writable: " + ErrnoStatus(errno, probe).details());
  }
  ::close(fd);
  ::unlink(probe.c_str());
  return Item("config", "ok", "configuration valid; data directory " + config.data_dir);
}

CheckItem CheckCertificate(const Config& config, const CheckOptions& o) {
  std::string cert = config.tls_cert, key = config.tls_key;
  if (cert.empty()) {
    cert = config.data_dir + "/tls/cert.pem";
    key = config.data_dir + "/tls/key.pem";
    if (!PathExists(cert)) {
      return Item("certificate", "ok", "none yet: a self-signed one is generated at first start");
    }
  }
  if (!PathExists(key)) return Item("certificate", "fail", "the key " + key + " is missing");
  auto not_after = tls::CertificateNotAfter(cert);
  if (!not_after.ok()) return Item("certificate", "fail", not_after.status().details());
  auto when = ParseDatetime(*not_after, "notAfter");
  if (!when.ok()) return Item("certificate", "fail", "unreadable expiry " + *not_after);
  int64_t days = (when->epoch - o.now) / 86400;
  if (when->epoch <= o.now) return Item("certificate", "fail", cert + " expired on " + *not_after);
  if (days < o.cert_warn_days) {
    return Item("certificate", "warn",
                cert + " expires in " + std::to_string(days) + " days (" + *not_after + ")");
  }
  return Item("certificate", "ok",
              cert + " valid until " + *not_after + " (" + std::to_string(days) + " days)");
}

CheckItem CheckDisk(const Config& config, const CheckOptions& o) {
  auto d = GetDiskSpace(config.data_dir);
  if (!d.ok()) return Item("disk", "fail", d.status().details());
  std::string text = Mib(d->free_bytes) + " free of " + Mib(d->total_bytes);
  if (d->free_bytes < o.min_free_fail_bytes) return Item("disk", "fail", text);
  if (d->free_bytes < o.min_free_warn_bytes || d->free_bytes * 20 < d->total_bytes) {
    return Item("disk", "warn", text);
  }
  return Item("disk", "ok", text);
}

void CheckDatabaseAndMedia(const Config& config, std::vector<CheckItem>* out) {
  const std::string path = config.data_dir + "/" + kDatabaseFile;
  if (!PathExists(path)) {
    out->push_back(Item("database", "ok", "none yet: created at first start"));
    return;
  }
  Status s = CheckDatabaseIntegrity(path);
  if (!s.ok()) {
    out->push_back(Item("database", "fail", s.details()));
    return;
  }
  Db::Options o;
  o.read_only = true;
  auto db = Db::Open(path, o);
  if (!db.ok()) {
    out->push_back(Item("database", "fail", db.status().details()));
    return;
  }
  int version = 0;
  std::set<std::string> indexed, missing;
  s = ReadSchemaVersion(**db, &version);
  int latest = LatestSchema();
  std::string text = "integrity ok, schema v" + std::to_string(version);
  if (version > latest) {
    out->push_back(Item("database", "fail",
                        text + ", newer than this binary (v" + std::to_string(latest) + ")"));
  } else if (version < latest) {
    out->push_back(Item(
        "database", "warn",
        text + "; the next start migrates it to v" + std::to_string(latest) + " (after a backup)"));
  } else {
    out->push_back(Item("database", "ok", text));
  }
  if (version < 4) return;  // no media index or uploads yet
  {
    std::vector<std::string> paths;
    std::vector<int64_t> uploads;
    s = ListMediaPaths(**db, &paths);
    if (s.ok()) s = ListUnfinishedUploadIds(**db, &uploads);
    indexed.insert(paths.begin(), paths.end());
    for (int64_t id : uploads) indexed.insert("uploads/" + std::to_string(id) + ".part");
  }
  if (!s.ok()) {
    out->push_back(Item("media", "fail", s.details()));
    return;
  }
  auto files = ListFiles(config.data_dir + "/media");
  if (!files.ok()) {
    out->push_back(Item("media", "fail", files.status().details()));
    return;
  }
  std::set<std::string> on_disk(files->begin(), files->end());
  int64_t absent = 0, orphans = 0;
  for (const auto& p : indexed) {
    if (!on_disk.count(p) && p.rfind("uploads/", 0) != 0) ++absent;
  }
  for (const auto& p : on_disk) orphans += indexed.count(p) ? 0 : 1;
  std::string detail = std::to_string(on_disk.size()) + " files; " + std::to_string(absent) +
                       " indexed files missing; " + std::to_string(orphans) + " unreferenced";
  out->push_back(Item("media", absent > 0 ? "fail" : orphans > 0 ? "warn" : "ok", detail));
  if (version < 18) return;  // no intro videos yet
  // Videos the candidates are shown (question and intro videos) whose
  // `videos` row is gone: the candidate page would show a broken player.
  std::vector<std::string> dangling;
  s = ListDanglingVideoReferences(**db, 6, &dangling);
  if (!s.ok()) {
    out->push_back(Item("video references", "fail", s.details()));
  } else if (dangling.empty()) {
    out->push_back(Item("video references", "ok", "every question and intro video exists"));
  } else {
    std::string list;
    for (size_t i = 0; i < dangling.size() && i < 5; ++i) list += (i ? "; " : "") + dangling[i];
    if (dangling.size() > 5) list += "; ...";
    out->push_back(Item("video references", "warn",
                        "videos shown to candidates that no longer exist: " + list +
                            " (attach another video or detach it: docs/operations.md)"));
  }
}

}  // namespace

std::vector<CheckItem> RunChecks(const Config& config, const CheckOptions& options) {
  std::vector<CheckItem> items;
  items.push_back(CheckConfig(config));
  items.push_back(CheckCertificate(config, options));
  if (IsDirectory(config.data_dir)) {
    items.push_back(CheckDisk(config, options));
    CheckDatabaseAndMedia(config, &items);
    items.push_back(Item("server", "ok",
                         DataDirLock::IsHeld(config.data_dir) ? "a server is running on it"
                                                              : "no server is running on it"));
  }
  return items;
}

bool ChecksPassed(const std::vector<CheckItem>& items) {
  for (const auto& i : items) {
    if (i.status == "fail") return false;
  }
  return true;
}

Value ChecksJson(const std::vector<CheckItem>& items) {
  Value arr = Value::Array();
  for (const auto& i : items) {
    Value o = Value::Object();
    o.Set("name", Value::String(i.name));
    o.Set("status", Value::String(i.status));
    o.Set("detail", Value::String(i.detail));
    arr.Push(std::move(o));
  }
  Value out = Value::Object();
  out.Set("ok", Value::Bool(ChecksPassed(items)));
  out.Set("checks", std::move(arr));
  return out;
}

std::string VersionText() {
  return std::string("cammio ") + CammioVersion() + "\nschema " + std::to_string(LatestSchema()) +
         "\nsqlite " + DatabaseLibraryVersion() + "\n" + tls::LibraryName() + " " +
         tls::LibraryVersion() + "\n";
}

}  // namespace cammio::ops
