#include "cli/ops_commands.h"

#include <iostream>

#include "cammio/document.h"
#include "ops/backup.h"
#include "ops/candidate_data.h"
#include "ops/check.h"
#include "ops/restore.h"
#include "ops/retention.h"
#include "store/store.h"
#include "util/log.h"
#include "util/time.h"

namespace cammio {
namespace {

Value ManifestSummary(const ops::Manifest& m, const std::string& file) {
  Value o = Value::Object();
  o.Set("file", Value::String(file));
  o.Set("kind", Value::String(m.kind));
  o.Set("schema_version", Value::Int(m.schema_version));
  o.Set("created_at", Value::Datetime(FormatUtc(m.created_at)));
  int64_t bytes = 0;
  for (const auto& mm : m.members) bytes += mm.size;
  o.Set("files", Value::Int(static_cast<int64_t>(m.members.size())));
  o.Set("bytes", Value::Int(bytes));
  o.Set("includes_media", Value::Bool(m.includes_media));
  o.Set("includes_tls", Value::Bool(m.includes_tls));
  return o;
}

// A "yes"/"no" flag into *out (absent: no); false for any other text.
bool YesNo(const Args& a, const char* flag, bool* out) {
  std::string v = a.Get(flag, "no");
  *out = v == "yes";
  return v == "yes" || v == "no";
}

int BackupCommand(const Args& a, const Config& config, int64_t now) {
  bool tls = false;
  if (a.Get("to").empty() || !YesNo(a, "include-tls", &tls)) {
    return CliUsage("backup --to FILE [--include-tls yes|no]");
  }
  ops::Manifest m;
  Status s = ops::BackupDataDir(config.data_dir, a.Get("to"), now, &m, tls);
  if (!s.ok()) return CliFail(s);
  if (tls) {
    std::cerr << "cammio: " << a.Get("to")
              << " holds the server's TLS PRIVATE KEY (tls/key.pem): keep it as secret as the "
                 "key itself\n";
  } else {
    std::cerr << "cammio: " << a.Get("to")
              << " does not hold tls/ (certificate and key); a restore on new hardware makes a "
                 "new certificate unless the backup is made with --include-tls yes\n";
  }
  CliPrint(ManifestSummary(m, a.Get("to")));
  return 0;
}

int RestoreCommand(const Args& a, const Config& config, int64_t now) {
  ops::RestoreOptions options;
  if (a.Get("from").empty() || !YesNo(a, "restore-tls", &options.restore_tls)) {
    return CliUsage("restore --from FILE [--restore-tls yes|no]");
  }
  ops::RestoreResult r;
  Status s = ops::RestoreBackup(a.Get("from"), config.data_dir, now, &r, options);
  if (!s.ok()) return CliFail(s);
  Value o = ManifestSummary(r.manifest, a.Get("from"));
  o.Set("previous_data", r.previous_dir.empty() ? Value::Null() : Value::String(r.previous_dir));
  o.Set("tls_restored", Value::Bool(r.tls_restored));
  if (r.manifest.includes_tls && !r.tls_restored) {
    std::cerr << "cammio: the archive holds tls/; the current certificate was kept "
                 "(--restore-tls yes puts the archive's back)\n";
  }
  CliPrint(o);
  return 0;
}

int CandidateCommand(const Args& a, const Config& config, Store& store) {
  std::string sub = a.words.size() > 1 ? a.words[1] : "";
  int64_t account = 0;
  if ((sub != "erase" && sub != "export") || !ParsePositive(a.Get("account"), &account) ||
      a.Get("email").empty() || (sub == "export" && a.Get("to").empty())) {
    return CliUsage(
        "candidate erase --account ID --email EMAIL | candidate export --account ID "
        "--email EMAIL --to FILE");
  }
  int64_t now = SystemClock().Now();
  Value o = Value::Object();
  if (sub == "erase") {
    ops::EraseResult r;
    Status s = ops::EraseCandidate(store, config.data_dir, account, a.Get("email"), now, &r);
    if (!s.ok()) return CliFail(s);
    o.Set("reference", Value::String(r.reference));
    o.Set("invitations", Value::Int(r.counts.invitations));
    o.Set("interviews", Value::Int(r.counts.interviews));
    o.Set("media_files", Value::Int(r.counts.media_files));
    o.Set("files_not_removed", Value::Int(r.files_not_removed));
  } else {
    ops::ExportResult r;
    Status s =
        ops::ExportCandidate(store, config.data_dir, account, a.Get("email"), now, a.Get("to"), &r);
    if (!s.ok()) return CliFail(s);
    o.Set("file", Value::String(a.Get("to")));
    o.Set("invitations", Value::Int(r.invitations));
    o.Set("interviews", Value::Int(r.interviews));
    o.Set("media_files", Value::Int(r.media_files));
  }
  CliPrint(o);
  return 0;
}

int RetentionCommand(const Args& a, const Config& config, Store& store) {
  std::string sub = a.words.size() > 1 ? a.words[1] : "";
  int64_t now = SystemClock().Now();
  if (sub == "run") {
    ops::RetentionRun run;
    Status s = ops::ApplyRetention(store, config.data_dir, now, &run);
    if (!s.ok()) return CliFail(s);
    Value o = Value::Object();
    o.Set("interviews", Value::Int(run.interviews));
    o.Set("media_files", Value::Int(run.media_files));
    CliPrint(o);
    return 0;
  }
  int64_t account = 0, days = 0;
  if (!ParsePositive(a.Get("account"), &account) ||
      (sub == "set" && !ParsePositive(a.Get("days"), &days)) ||
      (sub != "set" && sub != "clear" && sub != "show")) {
    return CliUsage(
        "retention set --account ID --days N | clear --account ID | show --account ID "
        "| run");
  }
  if (sub != "show") {
    Status s = ops::SetRetentionDays(
        store, account, sub == "set" ? std::optional<int64_t>(days) : std::nullopt, now);
    if (!s.ok()) return CliFail(s);
  }
  auto current = ops::GetRetentionDays(store, account);
  if (!current.ok()) return CliFail(current.status());
  Value o = Value::Object();
  o.Set("account_id", Value::Int(account));
  o.Set("interview_days", *current ? Value::Int(**current) : Value::Null());
  CliPrint(o);
  return 0;
}

}  // namespace

bool IsOpsCommand(const std::string& c) {
  return c == "backup" || c == "restore" || c == "check" || c == "candidate" || c == "retention";
}

int RunOpsCommand(const Args& a, const Config& config) {
  const std::string& cmd = a.words[0];
  SetLogLevel(LogLevel::kWarn);
  int64_t now = SystemClock().Now();
  if (cmd == "backup") return BackupCommand(a, config, now);
  if (cmd == "restore") return RestoreCommand(a, config, now);
  if (cmd == "check") {
    ops::CheckOptions o;
    o.now = now;
    auto items = ops::RunChecks(config, o);
    CliPrint(ops::ChecksJson(items));
    return ops::ChecksPassed(items) ? 0 : 1;
  }
  auto store = OpenDataStore(config);
  if (!store.ok()) return CliFail(store.status());
  if (cmd == "candidate") return CandidateCommand(a, config, **store);
  if (cmd == "retention") return RetentionCommand(a, config, **store);
  return CliUsage("unknown command '" + cmd + "'");
}

}  // namespace cammio
