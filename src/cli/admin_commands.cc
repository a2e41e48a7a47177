// account / user / token / demo commands: they open the same database as a
// running server (WAL + busy timeout make that safe) and print JSON.
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include <cstdlib>
#include <iostream>

#include "cammio/document.h"
#include "cli/cli.h"
#include "config/public_links.h"
#include "console/invite.h"
#include "ops/pre_migration.h"
#include "store/accounts.h"
#include "store/console_sessions.h"
#include "store/store.h"
#include "store/users.h"
#include "util/log.h"
#include "util/password.h"
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
  o.Set("role", Value::String(u.role));
  o.Set("disabled", Value::Bool(u.disabled));
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

// One line of standard input, without its line end; prompted on stderr and
// without echo when stdin is a terminal. False at end of input.
bool ReadSecretLine(const char* prompt, std::string* out) {
  const bool tty = ::isatty(0) == 1;
  termios saved{};
  if (tty) {
    std::cerr << prompt << std::flush;
    if (::tcgetattr(0, &saved) == 0) {
      termios quiet = saved;
      quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
      ::tcsetattr(0, TCSAFLUSH, &quiet);
    }
  }
  const bool ok = static_cast<bool>(std::getline(std::cin, *out));
  if (tty) {
    ::tcsetattr(0, TCSAFLUSH, &saved);
    std::cerr << "\n";
  }
  if (!out->empty() && out->back() == '\r') out->pop_back();
  return ok;
}

// The server's links, as `serve` makes them from the configuration.
PublicLinks LinksOf(const Config& config) {
  std::string port = config.listen.substr(config.listen.rfind(':') + 1);
  return PublicLinks(config.public_url, std::atoi(port.c_str()));
}

// `cammio user password EMAIL`: the new password from standard input (twice
// on a terminal); the user's console sessions end.
int UserPasswordCommand(const Args& a, Store& store, const Config& config) {
  if (a.words.size() < 3) return CliUsage("user password needs an EMAIL");
  const std::string email = a.words[2];
  Result<User> user = Status::Internal("unset");
  Status s = store.Read([&](Db& db) {
    user = GetUserByEmail(db, email);
    return user.status();
  });
  if (!s.ok()) return CliFail(s);
  std::string password, again;
  if (!ReadSecretLine("New password: ", &password)) {
    return CliFail(Status::InvalidArgument("no password on standard input"));
  }
  s = CheckNewPassword(password, user->email);
  if (!s.ok()) return CliFail(s);
  if (::isatty(0) == 1) {
    if (!ReadSecretLine("Again: ", &again) || again != password) {
      return CliFail(Status::InvalidArgument("the two passwords differ"));
    }
  }
  const std::string hash = HashPassword(password, config.password_iterations);
  const int64_t now = SystemClock().Now();
  s = store.Write([&](Db& db) {
    Status r = SetPasswordHash(db, user->id, hash);
    if (!r.ok()) return r;
    return RevokeAllConsoleSessions(db, user->id, now);
  });
  if (!s.ok()) return CliFail(s);
  std::cerr << "password of " << user->email << " set; their console sessions ended\n";
  return 0;
}

int UserCommand(const Args& a, Store& store, const Config& config) {
  std::string sub = a.words.size() > 1 ? a.words[1] : "";
  if (sub == "password") return UserPasswordCommand(a, store, config);
  if (sub != "create") return CliUsage("unknown user command '" + sub + "'");
  int64_t account_id = 0;
  if (!ParsePositive(a.Get("account"), &account_id) || !a.Has("email") || !a.Has("name")) {
    return CliUsage("user create needs --account ID --email EMAIL --name NAME");
  }
  const std::string role = a.Get("role", "admin");
  if (!IsValidRole(role)) return CliUsage("--role takes admin or recruiter");
  const std::string invite = a.Get("invite", "no");
  if (invite != "yes" && invite != "no") return CliUsage("--invite takes yes or no");
  const std::string lang = a.Get("lang", "en");
  if (lang != "en" && lang != "nl") return CliUsage("--lang takes en or nl");
  std::optional<std::string> phone;
  if (a.Has("phone")) phone = a.Get("phone");
  int64_t now = SystemClock().Now();
  const PublicLinks links = LinksOf(config);
  User user;
  std::string token, link;
  Status s = store.Write([&](Db& db) {
    auto u = CreateUser(db, account_id, a.Get("email"), a.Get("name"), phone, now);
    if (!u.ok()) return u.status();
    UserChange change;
    change.role = role;
    auto changed = UpdateAccountUser(db, account_id, u->id, change, now);
    if (!changed.ok()) return changed.status();
    user = *changed;
    auto t = CreateToken(db, user.id, now, nullptr);
    if (!t.ok()) return t.status();
    token = *t;
    if (invite == "yes") {
      auto url = console::IssuePasswordLink(db, links, user, true, lang, now);
      if (!url.ok()) return url.status();
      link = *url;
    }
    return Status::OK();
  });
  if (!s.ok()) return CliFail(s);
  Value o = UserJson(user);
  o.Set("access_token", Value::String(token));
  if (!link.empty()) o.Set("set_password_link", Value::String(link));
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
  options.writer_nice = config.writer_nice;
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
  if (cmd == "user") return UserCommand(a, **store, config);
  if (cmd == "token") return TokenCommand(a, **store);
  if (cmd == "mail") return MailCommand(a, **store);
  if (cmd == "notifications") return NotificationsCommand(a, **store);
  if (a.Has("alongside") && a.Get("alongside") != "yes" && a.Get("alongside") != "no") {
    return CliUsage("--alongside takes yes or no");
  }
  return DemoCommand(config, **store, a.Get("alongside") == "yes");
}

}  // namespace cammio
