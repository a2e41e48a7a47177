// The lookups `cammio demo` uses to find its story again (src/cli/demo.cc):
// 0 when nothing matches, and the accounts count without a user. That they
// find the story's rows: tests/cli/demo_test.cc (a second run adds nothing).
#include <doctest/doctest.h>

#include "store/accounts.h"
#include "store/interviews.h"
#include "store/invitations.h"
#include "store/store.h"
#include "store/vacancies.h"
#include "testing/test_support.h"

namespace cammio {
namespace {

TEST_CASE("store lookups: nothing found is 0; accounts without a user are counted") {
  testing::TempDir dir;
  StoreOptions so;
  so.path = dir.path() + "/cammio.db";
  auto store = Store::Open(so);
  REQUIRE(store.ok());
  Status s = (*store)->Write([&](Db& db) -> Status {
    CHECK(*CountAccountsWithoutUser(db, "demo@example.test") == 0);
    auto a = CreateAccount(db, "Demo", 1);
    REQUIRE(a.ok());
    CHECK(*CountAccountsWithoutUser(db, "demo@example.test") == 1);
    REQUIRE(CreateUser(db, a->id, "demo@example.test", "Demo", "", 1).ok());
    CHECK(*CountAccountsWithoutUser(db, "demo@example.test") == 0);
    CHECK(*CountAccountsWithoutUser(db, "other@example.test") == 1);
    REQUIRE(CreateAccount(db, "Other", 1).ok());
    CHECK(*CountAccountsWithoutUser(db, "demo@example.test") == 1);
    CHECK(*CountAccountsWithoutUser(db, "other@example.test") == 2);

    CHECK(*FindVacancyIdByReference(db, a->id, "no-such-reference") == 0);
    CHECK(*FindInvitationIdByEmail(db, 12345, "nobody@example.test") == 0);
    CHECK(*FindInterviewIdOfInvitation(db, 12345) == 0);
    CHECK(*CountReviewsOfInterview(db, 12345) == 0);
    return Status::OK();
  });
  CHECK(s.ok());
}

}  // namespace
}  // namespace cammio
