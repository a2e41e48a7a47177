// Idempotency-Key answers are stored in the same transaction as the write
// they answer (api/idempotency.h): a crash at any point of a keyed POST
// leaves either the resource and its answer, or neither, so the client's
// retry after the restart creates exactly one resource; and a keyed POST
// commits once, like an unkeyed one. Crashes are power failures of the lossy
// VFS (tests/testing/lossy_vfs.h) at each mutating file call of the request
// in turn; the server then restarts on the same data directory.
#include <doctest/doctest.h>

#include <string>

#include "testing/api_helpers.h"
#include "testing/lossy_vfs.h"
#include "util/log.h"

namespace cammio {
namespace {

using namespace cammio::testing;

struct QuietLogs {
  QuietLogs() { SetLogQuiet(true); }
  ~QuietLogs() { SetLogQuiet(false); }
};

const httplib::Headers kKey{{"Idempotency-Key", "ats-crash-1"}};

std::string Body(const std::string& title) { return VacancyBody(title, "automated"); }

int64_t Vacancies(TestServer& server, const std::string& title) {
  return CountRows(server, "SELECT COUNT(*) FROM vacancies WHERE title = '" + title + "'");
}

StoreOptions OnVfs(const LossyVfs& vfs) {
  StoreOptions so;
  so.vfs = vfs.name();
  return so;
}

TEST_CASE("idempotency: a keyed POST commits once, like an unkeyed one") {
  LossyVfs vfs("lossy-idempotency-count", LossyVfs::Mode::kDiscard, 1);
  TestServer server(testing::ServerOptions(), net::OutboundPolicy(), OnVfs(vfs));
  Api api(server);
  int64_t vacancy = CreateVacancy(api);  // warm-up: the WAL exists, statements are prepared

  auto syncs_of = [&](const std::string& path, const std::string& body, const httplib::Headers& h) {
    int64_t before = vfs.counts().syncs;
    Resp r = api.Post(path, body, "application/json", h);
    CHECK(r.status == 201);
    return vfs.counts().syncs - before;
  };
  int64_t plain = syncs_of("/api/vacancies", Body("plain"), {});
  int64_t keyed = syncs_of("/api/vacancies", Body("keyed"), {{"Idempotency-Key", "count-1"}});
  MESSAGE("syncs of a POST /api/vacancies: " << plain << " without a key, " << keyed
                                             << " with one");
  CHECK(plain >= 1);
  CHECK(keyed == plain);

  std::string inv = "{\"invitation\": {\"vacancy_id\": " + std::to_string(vacancy) + ", " +
                    InvitationFields("count@cammio.com") + "}}";
  std::string inv2 = ReplaceAll(inv, "count@", "count2@");
  int64_t plain_inv = syncs_of("/api/invitations", inv, {});
  int64_t keyed_inv = syncs_of("/api/invitations", inv2, {{"Idempotency-Key", "count-2"}});
  CHECK(keyed_inv == plain_inv);
  // The answer is there: the retry replays it.
  Resp again =
      api.Post("/api/invitations", inv2, "application/json", {{"Idempotency-Key", "count-2"}});
  CHECK(again.status == 201);
  CHECK(again.Header("Idempotent-Replayed") == "true");
}

// The mutating VFS calls of one keyed POST /api/vacancies on a warm server.
int64_t MutationsOfKeyedPost() {
  LossyVfs vfs("lossy-idempotency-dry", LossyVfs::Mode::kDiscard, 1);
  TestServer server(testing::ServerOptions(), net::OutboundPolicy(), OnVfs(vfs));
  Api api(server);
  CreateVacancy(api);
  vfs.ArmCrash(0);
  CHECK(api.Post("/api/vacancies", Body("dry"), "application/json", kKey).status == 201);
  int64_t n = vfs.counts().mutations;
  server.Shutdown();
  return n;
}

TEST_CASE("idempotency: a crash anywhere in a keyed POST, then the retry: exactly one resource") {
  QuietLogs quiet;
  const int64_t calls = MutationsOfKeyedPost();
  REQUIRE(calls > 0);
  int answered_before_crash = 0;
  // calls + 1: the power fails only after the request was answered.
  for (int64_t crash_at = 1; crash_at <= calls + 1; ++crash_at) {
    INFO("power failure at mutating call " << crash_at << " of " << calls);
    LossyVfs vfs("lossy-idempotency-crash", LossyVfs::Mode::kDiscard, 1);
    TestServer server(testing::ServerOptions(), net::OutboundPolicy(), OnVfs(vfs));
    Api api(server);
    CreateVacancy(api);
    vfs.ArmCrash(crash_at);
    Resp first = api.Post("/api/vacancies", Body("crash"), "application/json", kKey);
    vfs.CrashNow();
    server.Restart();  // the default VFS: what the disk held at the power failure

    Api retry_api(server);
    Resp retry = retry_api.Post("/api/vacancies", Body("crash"), "application/json", kKey);
    CHECK(retry.status == 201);
    CHECK(Vacancies(server, "crash") == 1);
    if (first.status == 201) {
      ++answered_before_crash;
      // The client was told about a vacancy: the retry names the same one.
      CHECK(retry.Header("Idempotent-Replayed") == "true");
      CHECK(retry.body == first.body);
    }
    CHECK(CountRows(server, "SELECT COUNT(*) FROM idempotency_keys") == 1);
  }
  // The last power failure came after the answer.
  CHECK(answered_before_crash >= 1);
}

}  // namespace
}  // namespace cammio
