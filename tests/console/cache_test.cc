// A console session's use (last_seen_at, idle expiry) and sign-ins write
// rows no cached answer shows: they must not invalidate the response cache
// (store/change_scopes.cc rules for console_sessions and password_links).
#include <doctest/doctest.h>

#include "console/console_helpers.h"
#include "store/console_sessions.h"
#include "testing/wait.h"
#include "util/crypto.h"

namespace cammio {
namespace {

using namespace testing;

TEST_CASE("console: session use and sign-ins keep cached answers as hits") {
  TestServer server;
  SetUserPassword(server, server.creds().email, "a long enough secret");
  ConsoleSession me = SignIn(server, server.creds().email, "a long enough secret");
  auto c = server.Client();
  auto get = [&] {
    auto r = c->Get("/api/invitations", SessionHeaders(me, ""));
    REQUIRE(r);
    REQUIRE(r->status == 200);
  };
  get();  // primes the cache
  const uint64_t hits = server.response_cache().stats().hits;
  get();
  CHECK(server.response_cache().stats().hits == hits + 1);
  // Two minutes later the request marks the session used (a write) ...
  server.clock().Advance(120);
  get();
  REQUIRE(WaitUntil([&] {
    int64_t last = 0;
    Status s = server.store().Read([&](Db& db) {
      auto p = AuthenticateSession(db, Sha256(me.id), server.clock().Now());
      if (p.ok()) last = p->session->last_seen_at;
      return Status::OK();
    });
    return s.ok() && last == server.clock().Now();
  }));
  // ... another sign-in, a set-password link ...
  SignIn(server, server.creds().email, "a long enough secret");
  REQUIRE(server.store()
              .Write([&](Db& db) {
                return CreatePasswordLink(db, server.creds().user_id, server.clock().Now(), 3600)
                    .status();
              })
              .ok());
  // ... and the cached answer is still served.
  const uint64_t before = server.response_cache().stats().hits;
  get();
  CHECK(server.response_cache().stats().hits == before + 1);
}

}  // namespace
}  // namespace cammio
