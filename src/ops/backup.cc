#include "ops/backup.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <map>

#include "cammio/document.h"
#include "ops/restore.h"
#include "ops/tar.h"
#include "store/integrity.h"
#include "store/maintenance.h"
#include "util/fs.h"
#include "util/time.h"
#include "util/version.h"

namespace cammio::ops {
Status AddFileToArchive(TarWriter& tar, const std::string& name, const std::string& path,
                        bool missing_ok, Manifest* m) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT && missing_ok) return Status::OK();  // deleted since listed
    return ErrnoStatus(errno, "opening " + path);
  }
  struct stat st;
  Status s;
  if (::fstat(fd, &st) != 0) s = ErrnoStatus(errno, "stat " + path);
  ManifestMember member;
  member.name = name;
  member.size = st.st_size;
  if (s.ok()) s = tar.AddFromFd(name, fd, st.st_size, st.st_mtime, &member.sha256);
  ::close(fd);
  if (s.ok()) m->members.push_back(member);
  return s;
}

namespace {

Status WriteArchive(Db& src, const std::string& data_dir, const std::string& partial,
                    const std::string& db_copy, const BackupOptions& options, Manifest* m) {
  Status s = BackupDatabaseTo(src, db_copy, &m->schema_version);
  // The copy has the source's pages as they are: checking it checks the
  // source without holding a read transaction on it meanwhile.
  if (s.ok()) s = CheckDatabaseIntegrity(db_copy, /*quick=*/false, "the database");
  if (!s.ok() && s.code() == Status::Code::kIoError &&
      s.details().find("integrity check") != std::string::npos) {
    s = Status::IoError(s.details() +
                        "; no backup was written (a backup of a damaged database cannot be "
                        "restored). See docs/operations.md, \"Damaged database\"");
  }
  if (!s.ok()) return s;
  int fd = ::open(partial.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return ErrnoStatus(errno, "creating " + partial);
  TarWriter tar(fd, partial);
  s = AddFileToArchive(tar, kDatabaseMember, db_copy, false, m);
  RemoveFile(db_copy);
  if (s.ok() && options.include_media) {
    auto files = ListFiles(data_dir + "/media");
    s = files.status();
    for (size_t i = 0; s.ok() && i < files->size(); ++i) {
      const std::string& rel = (*files)[i];
      s = AddFileToArchive(tar, "media/" + rel, data_dir + "/media/" + rel, true, m);
    }
  }
  if (s.ok() && options.include_tls) {
    const std::string tls = data_dir + "/" + kTlsDir;
    auto files = ListFiles(tls);
    s = files.status();
    for (size_t i = 0; s.ok() && i < files->size(); ++i) {
      const std::string& rel = (*files)[i];
      s = AddFileToArchive(tar, std::string(kTlsDir) + "/" + rel, tls + "/" + rel, false, m);
    }
  }
  if (s.ok()) s = tar.AddBytes(kManifestName, ManifestToJson(*m), options.now, nullptr);
  if (s.ok()) s = tar.Finish();
  if (s.ok() && ::fsync(fd) != 0) s = ErrnoStatus(errno, "syncing " + partial);
  if (::close(fd) != 0 && s.ok()) s = ErrnoStatus(errno, "closing " + partial);
  return s;
}

}  // namespace

std::string FileStamp(int64_t epoch) {
  std::string out;
  for (char c : FormatUtc(epoch)) {
    if (c != '-' && c != ':') out.push_back(c);
  }
  return out;
}

Status CreateBackup(Db& src, const std::string& data_dir, const std::string& archive_path,
                    const BackupOptions& options, Manifest* manifest) {
  if (PathExists(archive_path)) {
    return Status::InvalidArgument(archive_path + " already exists; choose a new file");
  }
  if (options.include_tls && !IsDirectory(data_dir + "/" + kTlsDir)) {
    return Status::InvalidArgument("there is no " + data_dir + "/" + kTlsDir +
                                   " to include (is the certificate configured elsewhere with "
                                   "tls_cert/tls_key?)");
  }
  Manifest m;
  m.kind = options.kind;
  m.includes_media = options.include_media;
  m.includes_tls = options.include_tls;
  m.cammio_version = CammioVersion();
  m.created_at = options.now;
  const std::string partial = archive_path + ".partial";
  const std::string db_copy = archive_path + ".db-partial";
  Status s = WriteArchive(src, data_dir, partial, db_copy, options, &m);
  if (s.ok() && ::rename(partial.c_str(), archive_path.c_str()) != 0) {
    s = ErrnoStatus(errno, "renaming " + partial);
  }
  if (s.ok()) s = SyncDir(DirName(archive_path));
  if (!s.ok()) {
    RemoveFile(partial);
    RemoveFile(db_copy);
    RemoveFile(db_copy + "-journal");
    return s;
  }
  if (manifest != nullptr) *manifest = std::move(m);
  return Status::OK();
}

Status BackupDataDir(const std::string& data_dir, const std::string& archive_path, int64_t now,
                     Manifest* manifest, bool include_tls) {
  const std::string path = data_dir + "/" + kDatabaseFile;
  if (!PathExists(path)) return Status::NotFound("there is no database at " + path);
  Db::Options o;
  o.read_only = true;
  auto db = Db::Open(path, o);
  if (!db.ok()) return db.status();
  BackupOptions options;
  options.now = now;
  options.include_tls = include_tls;
  return CreateBackup(**db, data_dir, archive_path, options, manifest);
}

Status VerifyBackup(const std::string& archive_path, Manifest* manifest) {
  int fd = ::open(archive_path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return ErrnoStatus(errno, "opening " + archive_path);
  TarReader tar(fd, archive_path);
  std::map<std::string, ManifestMember> seen;
  std::string manifest_text;
  bool have_manifest = false;
  Status s;
  for (;;) {
    TarEntry e;
    bool more = false;
    s = tar.Next(&e, &more);
    if (!s.ok() || !more) break;
    if (have_manifest) {
      s = Status::IoError(archive_path + " has members after its manifest");
      break;
    }
    ManifestMember got;
    got.name = e.name;
    got.size = e.size;
    if (e.name == kManifestName) {
      have_manifest = true;
      s = tar.ReadData(
          [&](const char* d, size_t n) {
            manifest_text.append(d, n);
            return Status::OK();
          },
          nullptr);
    } else {
      s = tar.ReadData([](const char*, size_t) { return Status::OK(); }, &got.sha256);
      if (s.ok() && !seen.emplace(e.name, got).second) {
        s = Status::IoError(archive_path + " holds " + e.name + " twice");
      }
    }
    if (!s.ok()) break;
  }
  ::close(fd);
  if (!s.ok()) return s;
  if (!have_manifest) return Status::IoError(archive_path + " has no manifest (incomplete?)");
  auto m = ManifestFromJson(manifest_text);
  if (!m.ok()) return m.status();
  if (m->members.size() != seen.size()) {
    return Status::IoError(archive_path + " does not hold exactly the members its manifest lists");
  }
  bool has_db = false;
  for (const auto& want : m->members) {
    auto it = seen.find(want.name);
    if (it == seen.end()) return Status::IoError(archive_path + " lacks " + want.name);
    if (it->second.size != want.size || it->second.sha256 != want.sha256) {
      return Status::IoError(archive_path + ": " + want.name + " does not match its checksum");
    }
    has_db = has_db || want.name == kDatabaseMember;
  }
  if (!has_db) return Status::IoError(archive_path + " holds no database");
  if (manifest != nullptr) *manifest = std::move(m.value());
  return Status::OK();
}

std::string ManifestToJson(const Manifest& m) {
  Value o = Value::Object();
  o.Set("format", Value::Int(m.format));
  o.Set("kind", Value::String(m.kind));
  o.Set("includes_media", Value::Bool(m.includes_media));
  o.Set("includes_tls", Value::Bool(m.includes_tls));
  o.Set("cammio_version", Value::String(m.cammio_version));
  o.Set("schema_version", Value::Int(m.schema_version));
  o.Set("created_at", Value::Int(m.created_at));
  o.Set("created_at_utc", Value::String(FormatUtc(m.created_at)));
  Value members = Value::Array();
  for (const auto& mm : m.members) {
    Value e = Value::Object();
    e.Set("name", Value::String(mm.name));
    e.Set("size", Value::Int(mm.size));
    e.Set("sha256", Value::String(mm.sha256));
    members.Push(std::move(e));
  }
  o.Set("members", std::move(members));
  return RenderJson(Value::Wrap("cammio_backup", std::move(o)));
}

Result<Manifest> ManifestFromJson(const std::string& text) {
  auto v = ParseJson(text);
  if (!v.ok()) return Status::IoError("the manifest is not JSON: " + v.status().details());
  const Value* o = v->Find("cammio_backup");
  Status bad = Status::IoError("the manifest is malformed");
  if (o == nullptr || !o->is_object()) return bad;
  auto get = [&](const char* k, Value::Type t) -> const Value* {
    const Value* f = o->Find(k);
    return f != nullptr && f->type() == t ? f : nullptr;
  };
  const Value *format = get("format", Value::Type::kInt), *kind = get("kind", Value::Type::kString),
              *media = get("includes_media", Value::Type::kBool),
              *version = get("cammio_version", Value::Type::kString),
              *schema = get("schema_version", Value::Type::kInt),
              *created = get("created_at", Value::Type::kInt),
              *members = get("members", Value::Type::kArray);
  if (!format || !kind || !media || !version || !schema || !created || !members) return bad;
  if (format->as_int() != 1) {
    return Status::IoError("the backup format " + std::to_string(format->as_int()) +
                           " is not known to this cammio");
  }
  Manifest m;
  m.kind = kind->as_string();
  m.includes_media = media->as_bool();
  const Value* tls = get("includes_tls", Value::Type::kBool);
  m.includes_tls = tls != nullptr && tls->as_bool();
  m.cammio_version = version->as_string();
  m.schema_version = static_cast<int>(schema->as_int());
  m.created_at = created->as_int();
  for (const Value& e : members->items()) {
    const Value *name = e.Find("name"), *size = e.Find("size"), *sha = e.Find("sha256");
    if (!name || !size || !sha || !name->is_string() || size->type() != Value::Type::kInt ||
        !sha->is_string()) {
      return bad;
    }
    m.members.push_back({name->as_string(), size->as_int(), sha->as_string()});
  }
  return m;
}

}  // namespace cammio::ops
