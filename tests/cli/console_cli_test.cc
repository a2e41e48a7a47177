// The console's commands of the real binary (src/cli/admin_commands.cc,
// src/cli/demo.cc): `user password` from standard input, `user create
// --role --invite`, and `demo`'s console sign-in.
#include <doctest/doctest.h>

#include <cstdio>
#include <regex>
#include <string>

#include "store/store.h"
#include "store/users.h"
#include "testing/test_support.h"
#include "util/password.h"

namespace cammio {
namespace {

struct Run {
  int status = -1;
  std::string out;  // stdout and stderr
};

Run Cammio(const std::string& args, const std::string& dir, const std::string& stdin_text = "") {
  std::string cmd = std::string(CAMMIO_BINARY) + " " + args + " --data " + dir + " 2>&1";
  if (!stdin_text.empty())
    cmd = "printf '%s\\n' '" + stdin_text + "' | " + cmd;
  else
    cmd += " </dev/null";
  Run r;
  FILE* p = ::popen(cmd.c_str(), "r");
  REQUIRE(p != nullptr);
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) r.out.append(buf, n);
  int st = ::pclose(p);
  r.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  return r;
}

std::optional<UserCredentials> Credentials(const std::string& dir, const std::string& email) {
  StoreOptions o;
  o.path = dir + "/cammio.db";
  auto store = Store::Open(o);
  REQUIRE(store.ok());
  std::optional<UserCredentials> out;
  REQUIRE((*store)
              ->Read([&](Db& db) {
                auto c = GetUserCredentials(db, email);
                if (c.ok()) out = *c;
                return Status::OK();
              })
              .ok());
  return out;
}

TEST_CASE("cli console: user create --role --invite, then user password from stdin") {
  testing::TempDir dir;
  REQUIRE(Cammio("account create --name Agency", dir.path()).status == 0);
  Run created = Cammio(
      "user create --account 1 --email rita@agency.test --name Rita --role recruiter --invite yes "
      "--lang nl --public-url https://console.test",
      dir.path());
  INFO(created.out);
  REQUIRE(created.status == 0);
  CHECK(created.out.find("\"role\":\"recruiter\"") != std::string::npos);
  std::smatch m;
  REQUIRE(std::regex_search(
      created.out, m,
      std::regex("https://console.test/console/set-password\\?token=[a-z0-9]{52}")));
  Run mail = Cammio("mail list", dir.path());
  CHECK(mail.out.find("\"kind\":\"console_invitation\"") != std::string::npos);
  CHECK(mail.out.find("Je account") != std::string::npos);
  auto before = Credentials(dir.path(), "rita@agency.test");
  REQUIRE(before);
  CHECK_FALSE(before->password_hash);

  CHECK(Cammio("user create --account 1 --email x@agency.test --name X --role boss", dir.path())
            .status != 0);
  Run too_short = Cammio("user password rita@agency.test", dir.path(), "short");
  CHECK(too_short.status != 0);
  CHECK(too_short.out.find("at least 10 characters") != std::string::npos);
  Run is_email = Cammio("user password rita@agency.test", dir.path(), "RITA@agency.test");
  CHECK(is_email.status != 0);
  Run nobody = Cammio("user password nobody@agency.test", dir.path(), "a fine password");
  CHECK(nobody.status != 0);
  Run ok = Cammio("user password rita@agency.test", dir.path(), "a fine password");
  INFO(ok.out);
  CHECK(ok.status == 0);
  auto after = Credentials(dir.path(), "rita@agency.test");
  REQUIRE(after);
  REQUIRE(after->password_hash);
  CHECK(VerifyPassword("a fine password", *after->password_hash));
  CHECK(after->password_hash->rfind("pbkdf2-sha256$200000$", 0) == 0);
}

TEST_CASE("cli console: demo prints the console's URL, email and a password that signs in") {
  testing::TempDir dir;
  Run demo = Cammio("demo --public-url https://demo.test", dir.path());
  INFO(demo.out);
  REQUIRE(demo.status == 0);
  CHECK(demo.out.find("https://demo.test/console\n") != std::string::npos);
  std::smatch m;
  REQUIRE(std::regex_search(demo.out, m, std::regex("  email:    (\\S+)\\n  password: (\\S+)\\n")));
  auto c = Credentials(dir.path(), m[1]);
  REQUIRE(c);
  CHECK(c->user.role == "admin");
  REQUIRE(c->password_hash);
  CHECK(VerifyPassword(m[2].str(), *c->password_hash));
}

}  // namespace
}  // namespace cammio
