// The principal cache (api/principal_cache.h) in the server: checked API
// credentials are reused across writes that change no account, user or
// token, and every change that does (revocation, disabling, a new role,
// another process's commit) decides the very next request.
#include "api/principal_cache.h"

#include <doctest/doctest.h>

#include <string>

#include "api/metrics.h"
#include "store/store.h"
#include "testing/api_helpers.h"
#include "testing/test_support.h"
#include "util/crypto.h"

namespace cammio {
namespace {

using testing::Credentials;
using testing::TestServer;

httplib::Headers Basic(const Credentials& c) {
  return {{"Authorization", "Basic " + Base64Encode(c.email + ":" + c.token)}};
}

int GetStatus(TestServer& server, const Credentials& c,
              const std::string& path = "/api/vacancies") {
  auto res = server.Client()->Get(path, Basic(c));
  REQUIRE(res);
  return res->status;
}

struct Lookups {
  int64_t hits = 0, misses = 0;
};

Lookups Count(TestServer& server) {
  const std::string text = server.metrics().Render();
  auto sample = [&](const std::string& name) {
    const size_t at = text.find(name);
    REQUIRE(at != std::string::npos);
    return std::stoll(text.substr(at + name.size()));
  };
  return Lookups{sample("cammio_principal_cache_lookups_total{result=\"hit\"} "),
                 sample("cammio_principal_cache_lookups_total{result=\"miss\"} ")};
}

TEST_CASE("principal cache: keys name the user and a hash of the token, never the token") {
  const std::string k = PrincipalCache::Key("a@x.test", "cmo_secret_token");
  CHECK(k.find("cmo_secret_token") == std::string::npos);
  CHECK(k != PrincipalCache::Key("a@x.test", "cmo_secret_tokem"));
  CHECK(k != PrincipalCache::Key("b@x.test", "cmo_secret_token"));
  CHECK(k == PrincipalCache::Key("a@x.test", "cmo_secret_token"));
}

TEST_CASE("principal cache: an entry is served only while the log shows no auth change") {
  PrincipalCache cache(2);
  ChangeLog log;
  log.Observe(4);
  Principal p;
  p.user.id = 7;
  p.token_id = 3;
  CHECK_FALSE(cache.Find("k", 4, log));
  cache.Put("k", p, 4);
  REQUIRE(cache.Find("k", 4, log));
  CHECK(cache.Find("k", 4, log)->user.id == 7);
  CHECK_FALSE(cache.Find("k", 3, log));  // an older snapshot
  ChangeSet bookkeeping;
  log.Register(5, bookkeeping);
  log.Committed(5);
  CHECK(cache.Find("k", 5, log));
  cache.NoteTokenUsed("k", 99);
  CHECK(cache.Find("k", 5, log)->token_last_used_at == 99);
  ChangeSet auth;
  auth.auth = true;
  log.Register(6, auth);
  log.Committed(6);
  CHECK_FALSE(cache.Find("k", 6, log));
  // A slow request's older answer does not replace a newer one.
  cache.Put("k", p, 6);
  Principal older = p;
  older.user.id = 8;
  cache.Put("k", older, 5);
  CHECK(cache.Find("k", 6, log)->user.id == 7);
  // The bound: past it the cache starts empty again.
  cache.Put("k2", p, 6);
  CHECK(cache.size() == 2);
  cache.Put("k3", p, 6);
  CHECK(cache.size() == 1);
  CHECK(cache.Find("k3", 6, log));
}

TEST_CASE("principal cache: credentials are checked once across unrelated writes") {
  TestServer server;
  const Credentials& me = server.creds();
  REQUIRE(GetStatus(server, me) == 200);
  const Lookups before = Count(server);
  REQUIRE(GetStatus(server, me) == 200);
  testing::Api api(server);
  const int64_t vacancy = testing::CreateVacancy(api);
  testing::CreateInvitationId(api, vacancy, "cand@example.test");
  REQUIRE(GetStatus(server, me) == 200);
  const Lookups after = Count(server);
  CHECK(after.misses == before.misses);
  CHECK(after.hits >= before.hits + 4);  // two GETs, the two POSTs
  // Wrong credentials are never served from memory, and never cached.
  Credentials wrong = me;
  wrong.token += "x";
  CHECK(GetStatus(server, wrong) == 403);
  CHECK(GetStatus(server, wrong) == 403);
  CHECK(Count(server).misses == after.misses + 2);
}

TEST_CASE("principal cache: every change to who the credentials name decides the next request") {
  TestServer server;
  const Credentials me = server.creds();
  const std::string uid = std::to_string(me.user_id);
  const std::string aid = std::to_string(me.account_id);
  REQUIRE(GetStatus(server, me) == 200);
  REQUIRE(GetStatus(server, me) == 200);  // from the cache now
  REQUIRE(Count(server).hits >= 1);

  SUBCASE("revoking the token") {
    WriteSql(server, "UPDATE access_tokens SET revoked_at = 1 WHERE user_id = " + uid);
    CHECK(GetStatus(server, me) == 403);
  }
  SUBCASE("disabling the user") {
    WriteSql(server, "UPDATE users SET disabled = 1 WHERE id = " + uid);
    CHECK(GetStatus(server, me) == 401);
  }
  SUBCASE("disabling the account") {
    WriteSql(server, "UPDATE accounts SET disabled = 1 WHERE id = " + aid);
    CHECK(GetStatus(server, me) == 401);
  }
  SUBCASE("a new role") {
    // Changing the notification settings takes the admin role
    // (api/notifications.cc); "{}" then fails its validation instead.
    auto put = [&] {
      auto res =
          server.Client()->Put("/api/settings/notifications", Basic(me), "{}", "application/json");
      REQUIRE(res);
      return res->body;
    };
    const std::string refused = "only an account admin";
    CHECK(put().find(refused) == std::string::npos);
    WriteSql(server, "UPDATE users SET role = 'recruiter' WHERE id = " + uid);
    CHECK(put().find(refused) != std::string::npos);
  }
  SUBCASE("a revocation by another process on the same file (the admin CLI)") {
    testing::WriteAsCli(server, [&](Db& db) {
      return db.Prepare("UPDATE access_tokens SET revoked_at = 1 WHERE user_id = ?1")
          .Bind(1, me.user_id)
          .Run();
    });
    CHECK(GetStatus(server, me) == 403);
  }
  SUBCASE("a token's last-used time is bookkeeping: still served from memory") {
    const Lookups before = Count(server);
    WriteSql(server, "UPDATE access_tokens SET last_used_at = 12345 WHERE user_id = " + uid);
    CHECK(GetStatus(server, me) == 200);
    CHECK(Count(server).misses == before.misses);
  }
}

}  // namespace
}  // namespace cammio
