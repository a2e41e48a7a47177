// Interview pages by `from`/`to` (store/interviews.cc): the id-order walk
// from the range's lowest id must give exactly the page that sorting the
// whole range gives (InterviewCursor), with the same total, for ids that rise
// with the end time, for ids that do not, for deep pages and for every
// filter combination.
#include <doctest/doctest.h>

#include <random>
#include <string>
#include <vector>

#include "store/interviews.h"
#include "testing/api_helpers.h"
#include "testing/test_support.h"

namespace cammio {
namespace {

using namespace testing;  // NOLINT: the helpers of api_helpers.h

std::vector<int64_t> Reference(Store& store, int64_t account, const InterviewFilter& f,
                               int64_t* total) {
  std::vector<int64_t> ids;
  REQUIRE(store
              .Read([&](Db& db) {
                Status s = CountInterviews(db, account, f, total);
                InterviewCursor cursor(db, account, f);  // sorts the range by id
                Interview w;
                while (s.ok() && cursor.Next(&w, &s)) ids.push_back(w.id);
                return s;
              })
              .ok());
  return ids;
}

std::vector<int64_t> Listed(Store& store, int64_t account, const InterviewFilter& f,
                            int64_t* total) {
  std::vector<Interview> rows;
  REQUIRE(store.Read([&](Db& db) { return ListInterviews(db, account, f, &rows, total); }).ok());
  std::vector<int64_t> ids;
  for (const auto& w : rows) ids.push_back(w.id);
  return ids;
}

TEST_CASE("interview pages: the id-order walk equals the sorted range for every filter") {
  TestServer server;
  Api api(server);
  const int64_t vacancy = CreateVacancy(api);
  const int64_t base = 1700000000;
  std::mt19937 rng(11);
  // 120 interviews that end in id order, then 120 that end at random times
  // across the same span, then 40 more in order.
  std::vector<int64_t> ends;
  for (int i = 0; i < 120; ++i) ends.push_back(base + i * 60);
  for (int i = 0; i < 120; ++i) ends.push_back(base + static_cast<int64_t>(rng() % (280 * 60)));
  for (int i = 0; i < 40; ++i) ends.push_back(base + (240 + i) * 60);
  for (size_t i = 0; i < ends.size(); ++i) {
    int64_t inv = CreateInvitationId(api, vacancy, "c" + std::to_string(i) + "@example.test");
    Complete(server, inv, ends[i] - 600, ends[i]);
  }
  Credentials other = server.NewAccount("Other", "other@agency.test");
  Api them(server, other);
  const int64_t their_vacancy = CreateVacancy(them);
  for (int i = 0; i < 20; ++i) {  // another account's interviews in between
    int64_t inv =
        CreateInvitationId(them, their_vacancy, "t" + std::to_string(i) + "@example.test");
    Complete(server, inv, base, base + i * 600);
  }

  const int64_t account = server.creds().account_id;
  const std::vector<std::pair<std::optional<int64_t>, std::optional<int64_t>>> ranges = {
      {base, std::nullopt},
      {base + 100 * 60, std::nullopt},
      {std::nullopt, base + 50 * 60},
      {base + 30 * 60, base + 200 * 60},
      {base + 250 * 60, std::nullopt},
      {base + 10000 * 60, std::nullopt}};
  int cases = 0;
  // Not a structured binding: clang 14 cannot capture one in doctest's INFO.
  for (const auto& range : ranges) {
    const auto& from = range.first;
    const auto& to = range.second;
    for (int64_t limit : {0, 1, 7, 50, 300}) {
      for (int64_t offset : {0, 3, 60, 119, 250, 400}) {
        for (std::optional<int64_t> updated :
             {std::optional<int64_t>(), std::optional<int64_t>(base + 150 * 60)}) {
          InterviewFilter f;
          f.from = from;
          f.to = to;
          f.limit = limit;
          f.offset = offset;
          f.updated_since = updated;
          int64_t want_total = -1, got_total = -2;
          auto want = Reference(server.store(), account, f, &want_total);
          auto got = Listed(server.store(), account, f, &got_total);
          INFO("from " << from.value_or(-1) << " to " << to.value_or(-1) << " limit " << limit
                       << " offset " << offset << " updated_since " << updated.value_or(-1));
          CHECK(got_total == want_total);
          CHECK(got == want);
          ++cases;
        }
      }
    }
  }
  CHECK(cases == 360);
}

}  // namespace
}  // namespace cammio
