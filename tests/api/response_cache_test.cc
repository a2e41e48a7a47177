// The response cache (api/response_cache.h): the cache on its own (keys,
// generations, memory bound), the change generation it relies on
// (store/store.h), and the server answering cached routes: a second GET is a
// hit, any committed write (through the server, or through a second Store on
// the same file as the admin CLI has) is visible at once, and authentication
// and tenancy hold for hits.
#include <doctest/doctest.h>

#include <map>
#include <string>

#include "api/metrics.h"
#include "api/response_cache.h"
#include "store/accounts.h"
#include "store/store.h"
#include "testing/api_helpers.h"
#include "testing/test_support.h"

namespace cammio {
namespace {

using namespace testing;  // NOLINT: the helpers of api_helpers.h

std::shared_ptr<ResponseCache::Entry> MakeEntry(int64_t generation, const std::string& body) {
  auto e = std::make_shared<ResponseCache::Entry>();
  e->generation = generation;
  e->body = body;
  e->headers = {{"Content-Type", "application/json"}, {"X-Total-Count", "3"}};
  return e;
}

TEST_CASE("response cache: keys name user, format, path and canonical query") {
  using P = std::multimap<std::string, std::string>;
  auto k = [](int64_t user, const char* fmt, const char* path, const P& params) {
    return ResponseCache::Key(user, fmt, "GET", path, params);
  };
  const std::string base =
      k(7, "json", "/api/interviews", {{"from", "2026-01-01"}, {"limit", "5"}});
  CHECK(base == k(7, "json", "/api/interviews", {{"limit", "5"}, {"from", "2026-01-01"}}));
  CHECK(base != k(8, "json", "/api/interviews", {{"from", "2026-01-01"}, {"limit", "5"}}));
  CHECK(base != k(7, "xml", "/api/interviews", {{"from", "2026-01-01"}, {"limit", "5"}}));
  CHECK(base != k(7, "json", "/api/interviews", {{"from", "2026-01-01"}, {"limit", "50"}}));
  CHECK(base != k(7, "json", "/api/interviews", {{"from", "2026-01-01"}}));
  // Text that looks like a separator cannot join two parts into one.
  CHECK(k(7, "json", "/a", {{"b", "c"}}) != k(7, "json", "/a1:b", {{"", "c"}}));
  CHECK(k(7, "json", "/a", {{"x", "1"}, {"x", "2"}}) !=
        k(7, "json", "/a", {{"x", "2"}, {"x", "1"}}));
}

TEST_CASE("response cache: an entry is served only at its own generation") {
  ResponseCache cache(1 << 20);
  CHECK(cache.Find("k", 5) == nullptr);
  cache.Put("k", MakeEntry(5, "five"));
  auto hit = cache.Find("k", 5);
  REQUIRE(hit != nullptr);
  CHECK(hit->body == "five");
  CHECK(hit->headers.size() == 2);
  // A request that read an older generation does not get the newer answer,
  // and the newer entry stays for the requests that read it.
  CHECK(cache.Find("k", 4) == nullptr);
  CHECK(cache.Find("k", 5) != nullptr);
  // A slow request that read generation 4 cannot replace the newer entry.
  cache.Put("k", MakeEntry(4, "four"));
  CHECK(cache.Find("k", 5)->body == "five");
  // Once generation 6 is seen, the entry of 5 is dead and dropped.
  CHECK(cache.Find("k", 6) == nullptr);
  CHECK(cache.stats().entries == 0);
  CHECK(cache.stats().bytes == 0);
  cache.Put("k", MakeEntry(6, "six"));
  CHECK(cache.Find("k", 6)->body == "six");
  CHECK(cache.stats().hits == 4);
  CHECK(cache.stats().misses == 3);
}

TEST_CASE("response cache: with a change log, an entry outlives changes to other scopes") {
  ResponseCache cache(1 << 20);
  ChangeLog log;
  auto e = MakeEntry(5, "five");
  e->scope = ChangeScope{1, 10};  // vacancy 10 of account 1
  CHECK(cache.Find("k", 5, &log) == nullptr);
  cache.Put("k", e, &log);
  ChangeSet elsewhere;
  elsewhere.vacancies.push_back({1, 20});
  log.Register(6, elsewhere);
  log.Committed(6);
  auto hit = cache.Find("k", 6, &log);
  REQUIRE(hit != nullptr);
  CHECK(hit->body == "five");
  CHECK(cache.Find("k", 4, &log) == nullptr);  // a request that read an older state
  ChangeSet here;
  here.vacancies.push_back({1, 10});
  log.Register(7, here);
  log.Committed(7);
  CHECK(cache.Find("k", 7, &log) == nullptr);
  CHECK(cache.stats().entries == 0);  // dropped: it can never be served again
  // A generation no commit of this process made (the admin CLI's).
  cache.Put("k", MakeEntry(7, "seven"), &log);
  CHECK(cache.Find("k", 8, &log) == nullptr);
}

TEST_CASE("response cache: memory stays under the limit, least recently used go first") {
  ResponseCache cache(64 * 1024);
  const std::string body(4000, 'x');  // under max/8 with the overhead
  for (int i = 0; i < 10; ++i) {
    cache.Put("k" + std::to_string(i), MakeEntry(1, body));
    CHECK(cache.stats().bytes <= 64 * 1024);
  }
  CHECK(cache.stats().entries == 10);
  CHECK(cache.Find("k0", 1) != nullptr);  // k0 is now the most recently used
  for (int i = 10; i < 20; ++i) cache.Put("k" + std::to_string(i), MakeEntry(1, body));
  CHECK(cache.stats().bytes <= 64 * 1024);
  CHECK(cache.stats().entries < 20);
  CHECK(cache.Find("k0", 1) != nullptr);
  CHECK(cache.Find("k1", 1) == nullptr);  // the oldest untouched one went first
  CHECK(cache.Find("k19", 1) != nullptr);
  // An answer over an eighth of the memory is not kept; an off cache keeps nothing.
  cache.Put("big", MakeEntry(1, std::string(9000, 'y')));
  CHECK(cache.Find("big", 1) == nullptr);
  ResponseCache off(0);
  off.Put("k", MakeEntry(1, "small"));
  CHECK(off.Find("k", 1) == nullptr);
}

TEST_CASE("change generation: moves with every committed change, in any process's Store") {
  TempDir dir;
  StoreOptions so;
  so.path = dir.path() + "/cammio.db";
  auto a = Store::Open(so);
  REQUIRE(a.ok());
  Store& store = *a.value();
  const int64_t g0 = CurrentGeneration(store);
  CHECK(g0 >= 1);
  // A write that changes nothing leaves it.
  REQUIRE(store.Write([](Db& db) { return db.Prepare("SELECT 1").Run(); }).ok());
  CHECK(CurrentGeneration(store) == g0);
  REQUIRE(store.Write([](Db& db) { return CreateAccount(db, "A", 1).status(); }).ok());
  const int64_t g1 = CurrentGeneration(store);
  CHECK(g1 > g0);
  // A failed write is rolled back; the generation may move (a needless miss),
  // but never backwards.
  CHECK_FALSE(store
                  .Write([](Db& db) {
                    Status s = CreateAccount(db, "B", 1).status();
                    return s.ok() ? Status::InvalidArgument("rolled back") : s;
                  })
                  .ok());
  CHECK(CurrentGeneration(store) >= g1);
  // A second Store on the same file (the admin CLI) moves it for the first.
  const int64_t before = CurrentGeneration(store);
  {
    auto b = Store::Open(so);
    REQUIRE(b.ok());
    REQUIRE(b.value()->Write([](Db& db) { return CreateAccount(db, "C", 1).status(); }).ok());
  }
  CHECK(CurrentGeneration(store) > before);
}

int64_t Hits(TestServer& server) {
  const std::string text = server.metrics().Render();
  const std::string key = "cammio_response_cache_lookups_total{result=\"hit\"} ";
  size_t at = text.find(key);
  REQUIRE(at != std::string::npos);
  return std::stoll(text.substr(at + key.size()));
}

TEST_CASE("response cache: the server serves hits and never a stale answer") {
  TestServer server;
  Api api(server);
  const int64_t id = CreateVacancy(api, "automated", "", "First title");
  const std::string path = "/api/vacancies/" + std::to_string(id);

  Resp first = api.Get(path);
  REQUIRE(first.status == 200);
  int64_t hits = Hits(server);
  Resp second = api.Get(path);
  CHECK(Hits(server) == hits + 1);
  CHECK(second.status == 200);
  CHECK(second.body == first.body);
  CHECK(second.Header("Content-Type") == first.Header("Content-Type"));
  CHECK(second.Header("X-Request-Id") != first.Header("X-Request-Id"));

  SUBCASE("a write through the API is visible at once") {
    Resp put = api.Put(path, VacancyBody("Second title", "automated"));
    REQUIRE(put.status == 200);
    CHECK(Str(Object(api.Get(path), 200, "vacancy"), "title") == "Second title");
  }
  SUBCASE("a write through another Store on the same file (the CLI) is visible at once") {
    WriteAsCli(server, [&](Db& db) {
      return db.Prepare("UPDATE vacancies SET title = 'From the CLI' WHERE id = ?1")
          .Bind(1, id)
          .Run();
    });
    CHECK(Str(Object(api.Get(path), 200, "vacancy"), "title") == "From the CLI");
  }
  SUBCASE("a new invitation shows in the embedded list and the counters") {
    CreateInvitationId(api, id, "cand@example.test");
    Value v = Object(api.Get(path), 200, "vacancy");
    CHECK(Int(v, "num_of_invitations") == 1);
  }
  SUBCASE("XML and JSON answers are kept apart") {
    Resp xml = api.Get(path + ".xml");
    CHECK(xml.status == 200);
    CHECK(xml.Header("Content-Type") == kXmlType);
    CHECK(api.Get(path + ".xml").body == xml.body);
    CHECK(api.Get(path).Header("Content-Type") == kJsonType);
  }
  SUBCASE("authentication still runs for every request") {
    Credentials wrong = server.creds();
    wrong.token = "not-the-token-at-all";
    Api intruder(server, wrong);
    CHECK(intruder.Get(path).status == 403);
  }
  SUBCASE("another account gets its own 404, not the cached answer") {
    Credentials other = server.NewAccount("Other Agency", "other@agency.test");
    Api them(server, other);
    ErrorDetails(them.Get(path), 404);
  }
}

TEST_CASE("response cache: lists keep X-Total-Count and follow writes") {
  TestServer server;
  Api api(server);
  const int64_t vacancy = CreateVacancy(api);
  CreateInvitationId(api, vacancy, "one@example.test");
  Resp a = api.Get("/api/invitations?limit=1");
  Resp b = api.Get("/api/invitations?limit=1");
  CHECK(b.body == a.body);
  CHECK(TotalCount(b) == 1);
  CreateInvitationId(api, vacancy, "two@example.test");
  CHECK(TotalCount(api.Get("/api/invitations?limit=1")) == 2);
  // A different query is a different answer.
  CHECK(List(api.Get("/api/invitations?limit=2"), "invitation").size() == 2);
}

}  // namespace
}  // namespace cammio
