// `cammio mail ...`: the outbox and each account's SMTP relay.
//   cammio mail list [--status pending|sent|failed] [--account ID] [--limit N]
//   cammio mail settings --account ID
//       [--host H] [--port P] [--security starttls|tls|none]
//       [--user U] [--password P | --password-file FILE]
//       [--from ADDR] [--from-name NAME] [--ca-file PEM] [--verify on|off]
//       [--helo NAME]
// `settings` with only --account prints the relay; with more flags it
// creates (needs --host and --from) or updates it and prints the result. An
// empty value (--user '') clears an optional field. The password is never
// printed. Configuring a relay makes the account's pending mail due at once.
#include <iostream>

#include "cammio/document.h"
#include "cli/cli.h"
#include "mail/outbox.h"
#include "mail/settings.h"
#include "store/accounts.h"
#include "store/store.h"
#include "util/fs.h"
#include "util/time.h"

namespace cammio {
namespace {

Value OptTime(const std::optional<int64_t>& t) {
  return t ? Value::Datetime(FormatUtc(*t)) : Value::Null();
}

Value MailJson(const mail::OutboxMail& m) {
  Value o = Value::Object();
  o.Set("id", Value::Int(m.id));
  o.Set("account_id", Value::Int(m.account_id));
  o.Set("kind", Value::String(m.kind));
  o.Set("to", Value::String(m.to_address));
  o.Set("to_name", Value::StringOrNull(m.to_name));
  o.Set("subject", Value::String(m.subject));
  o.Set("status", Value::String(m.status));
  o.Set("attempts", Value::Int(m.attempts));
  o.Set("reason", Value::StringOrNull(m.last_error));
  o.Set("created_at", Value::Datetime(FormatUtc(m.created_at)));
  o.Set("next_attempt_at",
        m.status == "pending" ? Value::Datetime(FormatUtc(m.next_attempt_at)) : Value::Null());
  o.Set("sent_at", OptTime(m.sent_at));
  o.Set("message_id", Value::String(m.message_id));
  return o;
}

Value RelayJson(const mail::RelaySettings& r) {
  Value o = Value::Object();
  o.Set("account_id", Value::Int(r.account_id));
  o.Set("host", Value::String(r.host));
  o.Set("port", Value::Int(r.port));
  o.Set("security", Value::String(mail::SecurityName(r.security)));
  o.Set("user", Value::StringOrNull(r.username));
  o.Set("password_set", Value::Bool(r.password.has_value()));
  o.Set("from", Value::String(r.from_address));
  o.Set("from_name", Value::StringOrNull(r.from_name));
  o.Set("ca_pem_set", Value::Bool(r.ca_pem.has_value()));
  o.Set("verify", Value::Bool(r.verify_tls));
  o.Set("helo_name", Value::StringOrNull(r.helo_name));
  o.Set("updated_at", Value::Datetime(FormatUtc(r.updated_at)));
  return o;
}

// An optional field from a flag: absent keeps, empty clears.
void ApplyOptional(const Args& a, const char* flag, std::optional<std::string>* field) {
  if (!a.Has(flag)) return;
  std::string v = a.Get(flag);
  if (v.empty()) {
    field->reset();
  } else {
    *field = v;
  }
}

int MailList(const Args& a, Store& store) {
  mail::MailFilter f;
  if (a.Has("status")) {
    std::string st = a.Get("status");
    if (st != "pending" && st != "sent" && st != "failed") {
      return CliUsage("--status must be pending, sent or failed");
    }
    f.status = st;
  }
  if (a.Has("account")) {
    int64_t id = 0;
    if (!ParsePositive(a.Get("account"), &id)) return CliUsage("--account needs an account ID");
    f.account_id = id;
  }
  if (a.Has("limit")) {
    int64_t n = 0;
    if (!ParsePositive(a.Get("limit"), &n)) return CliUsage("--limit needs a positive number");
    f.limit = n;
  }
  std::vector<mail::OutboxMail> rows;
  Status s = store.Read([&](Db& db) { return mail::ListMail(db, f, &rows); });
  if (!s.ok()) return CliFail(s);
  Value arr = Value::Array();
  for (const auto& m : rows) arr.Push(MailJson(m));
  std::cout << RenderJson(arr) << "\n";
  return 0;
}

int MailSettings(const Args& a, Store& store) {
  int64_t account_id = 0;
  if (!ParsePositive(a.Get("account"), &account_id)) {
    return CliUsage("mail settings needs --account ID");
  }
  static const char* const kSettable[] = {"host",     "port",          "security", "user",
                                          "password", "password-file", "from",     "from-name",
                                          "ca-file",  "verify",        "helo"};
  bool change = false;
  for (const char* f : kSettable) change = change || a.Has(f);
  for (const auto& [flag, value] : a.flags) {
    // Besides the settings: the flags every command takes (cli.h).
    bool known = flag == "account" || flag == "data" || flag == "config" || flag == "listen" ||
                 flag == "http-listen" || flag == "public-url";
    for (const char* f : kSettable) known = known || flag == f;
    if (!known) return CliUsage("unknown flag --" + flag + " for mail settings");
  }

  if (!change) {
    Result<mail::RelaySettings> r = Status::Internal("unset");
    Status s = store.Read([&](Db& db) {
      auto acc = GetAccount(db, account_id);
      if (!acc.ok()) return acc.status();
      r = mail::GetRelaySettings(db, account_id);
      return r.ok() || r.status().IsNotFound() ? Status::OK() : r.status();
    });
    if (!s.ok()) return CliFail(s);
    if (!r.ok()) {
      std::cerr << "cammio: account " << account_id
                << " has no relay configured; its mail stays pending\n";
      std::cout << "null\n";
      return 0;
    }
    std::cout << RenderJson(RelayJson(*r)) << "\n";
    return 0;
  }

  // Values from files and flags, checked before touching the database.
  std::optional<std::string> password_from_file;
  if (a.Has("password-file")) {
    if (a.Has("password")) return CliUsage("give --password or --password-file, not both");
    auto read = ReadWholeFile(a.Get("password-file"));
    if (!read.ok()) return CliFail(Status::IoError("cannot read " + a.Get("password-file")));
    std::string text = std::move(read.value());
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
    password_from_file = text;
  }
  std::optional<std::string> ca_pem;
  bool ca_given = a.Has("ca-file");
  if (ca_given && !a.Get("ca-file").empty()) {
    auto read = ReadWholeFile(a.Get("ca-file"));
    if (!read.ok()) return CliFail(Status::IoError("cannot read " + a.Get("ca-file")));
    ca_pem = std::move(read.value());
  }
  mail::Security security = mail::Security::kStartTls;
  if (a.Has("security") && !mail::ParseSecurity(a.Get("security"), &security)) {
    return CliUsage("--security must be starttls, tls or none");
  }
  int64_t port = 0;
  if (a.Has("port") && (!ParsePositive(a.Get("port"), &port) || port > 65535)) {
    return CliUsage("--port must be 1..65535");
  }
  if (a.Has("verify") && a.Get("verify") != "on" && a.Get("verify") != "off") {
    return CliUsage("--verify must be on or off");
  }

  const int64_t now = SystemClock().Now();
  mail::RelaySettings result;
  Status s = store.Write([&](Db& db) {
    auto acc = GetAccount(db, account_id);
    if (!acc.ok()) return acc.status();
    auto existing = mail::GetRelaySettings(db, account_id);
    if (!existing.ok() && !existing.status().IsNotFound()) return existing.status();
    mail::RelaySettings r;
    r.account_id = account_id;
    if (existing.ok()) {
      r = *existing;
    } else if (!a.Has("host") || !a.Has("from")) {
      return Status::PreconditionFailed("account " + std::to_string(account_id) +
                                        " has no relay yet: --host and --from are required");
    }
    const mail::Security old_security = r.security;
    const int old_port = r.port;
    if (a.Has("host")) r.host = a.Get("host");
    if (a.Has("security")) r.security = security;
    if (a.Has("port")) {
      r.port = static_cast<int>(port);
    } else if (!existing.ok() ||
               (r.security != old_security && old_port == mail::DefaultPort(old_security))) {
      r.port = mail::DefaultPort(r.security);
    }
    ApplyOptional(a, "user", &r.username);
    if (!r.username) r.password.reset();
    if (a.Has("password")) ApplyOptional(a, "password", &r.password);
    if (password_from_file) {
      r.password = *password_from_file;
      if (r.password->empty()) r.password.reset();
    }
    if (a.Has("from")) r.from_address = a.Get("from");
    ApplyOptional(a, "from-name", &r.from_name);
    if (ca_given) r.ca_pem = ca_pem;
    if (a.Has("verify")) r.verify_tls = a.Get("verify") == "on";
    ApplyOptional(a, "helo", &r.helo_name);
    Status st = mail::PutRelaySettings(db, r, now);
    if (!st.ok()) return st;
    r.updated_at = now;
    result = r;
    return Status::OK();
  });
  if (!s.ok()) return CliFail(s);
  std::cout << RenderJson(RelayJson(result)) << "\n";
  return 0;
}

}  // namespace

int MailCommand(const Args& a, Store& store) {
  std::string sub = a.words.size() > 1 ? a.words[1] : "";
  if (sub == "list") return MailList(a, store);
  if (sub == "settings") return MailSettings(a, store);
  return CliUsage("unknown mail command '" + sub + "' (list, settings)");
}

}  // namespace cammio
