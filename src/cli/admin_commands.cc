// account / user / token / demo commands: they open the same database as a
// running server (WAL + busy timeout make that safe) and print JSON.
#include <sys/stat.h>

#include <iostream>

#include "cammio/document.h"
#include "cli/cli.h"
#include "ops/pre_migration.h"
#include "store/accounts.h"
#include "store/store.h"
#include "util/log.h"
#include "util/time.h"

namespace cammio {
namespace {

Value AccountJson(const Account& a) {
  Value o = Value::Object();
  o.Set("id", Value::Int(a.id));
  o.Set("name", Value::String(a.name));
  o.Set("disabled", Value::Bool(a.disabled));
  o.Set("created_at", Value::Datetime(FormatUtc(a.created_at)));
  return o;
}

Value UserJson(const User& u) {
  Value o = Value::Object();
  o.Set("id", Value::Int(u.id));
  o.Set("account_id", Value::Int(u.account_id));
  o.Set("email", Value::String(u.email));
  o.Set("name", Value::String(u.name));
  o.Set("phone", u.phone ? Value::String(*u.phone) : Value::Null());
  return o;
}

Value TokenJson(const TokenInfo& t) {
  Value o = Value::Object();
  o.Set("id", Value::Int(t.id));
  o.Set("email", Value::String(t.email));
  o.Set("prefix", Value::String(t.prefix));
  o.Set("created_at", Value::Datetime(FormatUtc(t.created_at)));
  o.Set("last_used_at",
        t.last_used_at ? Value::Datetime(FormatUtc(*t.last_used_at)) : Value::Null());
  o.Set("revoked", Value::Bool(t.revoked_at.has_value()));
  return o;
}

int AccountCommand(const Args& a, Store& store) {
  std::string sub = a.words.size() > 1 ? a.words[1] : "";
  int64_t now = SystemClock().Now();
  if (sub == "create") {
    if (!a.Has("name")) return CliUsage("account create needs --name NAME");
    Result<Account> acc = Status::Internal("unset");
    Status s = store.Write([&](Db& db) {
      acc = CreateAccount(db, a.Get("name"), now);
      return acc.status();
    });
    if (!s.ok()) return CliFail(s);
    CliPrint(AccountJson(*acc));
    return 0;
  }
  if (sub == "list") {
    Result<std::vector<Account>> list = Status::Internal("unset");
    Status s = store.Read([&](Db& db) {
      list = ListAccounts(db);
      return list.status();
    });
    if (!s.ok()) return CliFail(s);
    Value arr = Value::Array();
    for (const auto& acc : *list) arr.Push(AccountJson(acc));
    CliPrint(arr);
    return 0;
  }
  if (sub == "disable" || sub == "enable") {
    int64_t id = 0;
    if (a.words.size() < 3 || !ParsePositive(a.words[2], &id)) {
      return CliUsage("account " + sub + " needs an account ID");
    }
    Status s = store.Write([&](Db& db) { return SetAccountDisabled(db, id, sub == "disable"); });
    if (!s.ok()) return CliFail(s);
    std::cerr << "account " << id << (sub == "disable" ? " disabled" : " enabled") << "\n";
    return 0;
  }
  return CliUsage("unknown account command '" + sub + "'");
}

int UserCommand(const Args& a, Store& store) {
  std::string sub = a.words.size() > 1 ? a.words[1] : "";
  if (sub != "create") return CliUsage("unknown user command '" + sub + "'");
  int64_t account_id = 0;
  if (!ParsePositive(a.Get("account"), &account_id) || !a.Has("email") || !a.Has("name")) {
    return CliUsage("user create needs --account ID --email EMAIL --name NAME");
  }
  std::optional<std::string> phone;
  if (a.Has("phone")) phone = a.Get("phone");
  int64_t now = SystemClock().Now();
  User user;
  std::string token;
  Status s = store.Write([&](Db& db) {
    auto u = CreateUser(db, account_id, a.Get("email"), a.Get("name"), phone, now);
    if (!u.ok()) return u.status();
    user = *u;
    auto t = CreateToken(db, user.id, now, nullptr);
    if (!t.ok()) return t.status();
    token = *t;
    return Status::OK();
  });
  if (!s.ok()) return CliFail(s);
  Value o = UserJson(user);
  o.Set("access_token", Value::String(token));
  CliPrint(o);
  return 0;
}

int TokenCommand(const Args& a, Store& store) {
  std::string sub = a.words.size() > 1 ? a.words[1] : "";
  int64_t now = SystemClock().Now();
  if (sub == "create") {
    if (!a.Has("email")) return CliUsage("token create needs --email EMAIL");
    std::string token;
    TokenInfo info;
    Status s = store.Write([&](Db& db) {
      auto u = GetUserByEmail(db, a.Get("email"));
      if (!u.ok()) return u.status();
      auto t = CreateToken(db, u->id, now, &info);
      if (!t.ok()) return t.status();
      token = *t;
      info.email = u->email;
      return Status::OK();
    });
    if (!s.ok()) return CliFail(s);
    Value o = TokenJson(info);
    o.Set("access_token", Value::String(token));
    CliPrint(o);
    return 0;
  }
  if (sub == "revoke") {
    int64_t id = 0;
    if (!ParsePositive(a.Get("id"), &id)) return CliUsage("token revoke needs --id ID");
    Status s = store.Write([&](Db& db) { return RevokeToken(db, id, now); });
    if (!s.ok()) return CliFail(s);
    std::cerr << "token " << id << " revoked\n";
    return 0;
  }
  if (sub == "list") {
    Result<std::vector<TokenInfo>> list = Status::Internal("unset");
    Status s = store.Read([&](Db& db) {
      list = ListTokens(db, a.Get("email"));
      return list.status();
    });
    if (!s.ok()) return CliFail(s);
    Value arr = Value::Array();
    for (const auto& t : *list) arr.Push(TokenJson(t));
    CliPrint(arr);
    return 0;
  }
  return CliUsage("unknown token command '" + sub + "'");
}

}  // namespace

Status EnsureDataDir(const std::string& dir) {
  struct stat st;
  if (::stat(dir.c_str(), &st) == 0) {
    return S_ISDIR(st.st_mode) ? Status::OK() : Status::IoError(dir + " is not a directory");
  }
  if (::mkdir(dir.c_str(), 0700) != 0) return Status::IoError("cannot create " + dir);
  return Status::OK();
}

Result<std::unique_ptr<Store>> OpenDataStore(const Config& config) {
  Status s = EnsureDataDir(config.data_dir);
  if (!s.ok()) return s;
  StoreOptions options;
  options.path = config.data_dir + "/cammio.db";
  // An upgrade of an existing database is backed up first (serve, and every
  // admin or ops command that opens the data store).
  options.before_migration = ops::BackupBeforeMigrations;
  return Store::Open(options);
}

int RunAdminCommand(const Args& a, const Config& config) {
  const std::string& cmd = a.words[0];
  if (cmd != "account" && cmd != "user" && cmd != "token" && cmd != "demo" && cmd != "mail" &&
      cmd != "notifications") {
    return CliUsage("unknown command '" + cmd + "'");
  }
  SetLogLevel(LogLevel::kWarn);
  auto store = OpenDataStore(config);
  if (!store.ok()) return CliFail(store.status());
  if (cmd == "account") return AccountCommand(a, **store);
  if (cmd == "user") return UserCommand(a, **store);
  if (cmd == "token") return TokenCommand(a, **store);
  if (cmd == "mail") return MailCommand(a, **store);
  if (cmd == "notifications") return NotificationsCommand(a, **store);
  if (a.Has("alongside") && a.Get("alongside") != "yes" && a.Get("alongside") != "no") {
    return CliUsage("--alongside takes yes or no");
  }
  return DemoCommand(config, **store, a.Get("alongside") == "yes");
}

}  // namespace cammio
