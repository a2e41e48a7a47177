// The change log (store/change_log.h) on its own: which answers a registered
// commit leaves current, generations of another process, pending and
// abandoned commits, and the memory bound.
#include "store/change_log.h"

#include <doctest/doctest.h>

namespace cammio {
namespace {

ChangeSet Vacancy(int64_t account, int64_t vacancy) {
  ChangeSet c;
  c.vacancies.push_back({account, vacancy});
  return c;
}

ChangeSet Account(int64_t account) {
  ChangeSet c;
  c.accounts.push_back(account);
  return c;
}

void Commit(ChangeLog& log, int64_t g, const ChangeSet& c) {
  log.Register(g, c);
  log.Committed(g);
}

const ChangeScope kV{1, 10}, kW{1, 20}, kAccount1{1, 0}, kOther{2, 30}, kAccount2{2, 0};

TEST_CASE("change log: a vacancy's change leaves other vacancies and accounts current") {
  ChangeLog log;
  log.Observe(5);
  Commit(log, 6, Vacancy(1, 10));
  CHECK_FALSE(log.Unchanged(kV, 5, 6));
  CHECK(log.Unchanged(kV, 6, 6));
  CHECK(log.Unchanged(kW, 5, 6));
  CHECK_FALSE(log.Unchanged(kAccount1, 5, 6));  // its lists show vacancy 10's rows
  CHECK(log.Unchanged(kOther, 5, 6));
  CHECK(log.Unchanged(kAccount2, 5, 6));
  // An answer is never served to a request that read an older generation.
  CHECK_FALSE(log.Unchanged(kW, 6, 5));
}

TEST_CASE("change log: account-wide rows reach every answer of that account only") {
  ChangeLog log;
  log.Observe(1);
  Commit(log, 2, Account(1));
  CHECK_FALSE(log.Unchanged(kV, 1, 2));
  CHECK_FALSE(log.Unchanged(kW, 1, 2));
  CHECK_FALSE(log.Unchanged(kAccount1, 1, 2));
  CHECK(log.Unchanged(kOther, 1, 2));
  ChangeSet global;
  global.global = true;
  Commit(log, 3, global);
  CHECK_FALSE(log.Unchanged(kOther, 2, 3));
  CHECK(log.Unchanged(kOther, 3, 3));
  // A commit that touched nothing an answer shows (token last-used).
  Commit(log, 4, ChangeSet());
  CHECK(log.Unchanged(kV, 3, 4));
  CHECK(log.Unchanged(kAccount2, 3, 4));
}

TEST_CASE("change log: a generation no commit here registered invalidates everything") {
  ChangeLog log;
  log.Observe(1);
  Commit(log, 2, Vacancy(1, 10));
  // Another process committed 3: a reader sees it first.
  CHECK_FALSE(log.Unchanged(kW, 2, 3));
  CHECK(log.Unchanged(kW, 3, 3));
  // Another process committed 4, then this one 5: the writer learns of 4.
  Commit(log, 5, Vacancy(1, 10));
  CHECK_FALSE(log.Unchanged(kW, 3, 5));
  CHECK(log.Unchanged(kW, 4, 5));
  // A fresh log (a restarted server) knows nothing before what it observes.
  ChangeLog fresh;
  CHECK_FALSE(fresh.Unchanged(kW, 6, 7));
  CHECK(fresh.Unchanged(kW, 7, 7));
}

TEST_CASE("change log: a pending commit is trusted only once it committed") {
  ChangeLog log;
  log.Observe(1);
  log.Register(2, Vacancy(1, 10));
  // Visible to a reader before the writer learnt the outcome: not served.
  CHECK_FALSE(log.Unchanged(kW, 1, 2));
  CHECK(log.Unchanged(kW, 1, 1));
  log.Committed(2);
  CHECK(log.Unchanged(kW, 1, 2));

  // A failed COMMIT: the same generation may later be another process's.
  log.Register(3, Vacancy(1, 10));
  log.Abandoned(3);
  CHECK_FALSE(log.Unchanged(kW, 2, 3));  // 3 seen: not registered, so everything
  CHECK(log.Unchanged(kW, 3, 3));
}

TEST_CASE("change log: past its bound it forgets scopes for one global change") {
  ChangeLog log(8);
  log.Observe(1);
  for (int64_t g = 2; g < 10; ++g) Commit(log, g, Vacancy(1, 100 + g));
  CHECK(log.stats().scopes <= 8);
  // Answers made before the reset are no longer current; later ones are.
  CHECK_FALSE(log.Unchanged(kW, 5, 9));
  Commit(log, 10, Vacancy(1, 10));
  CHECK(log.Unchanged(kW, 9, 10));
  CHECK_FALSE(log.Unchanged(kV, 9, 10));
  CHECK(log.stats().known == 10);
}

}  // namespace
}  // namespace cammio

namespace cammio {
namespace {

ChangeSet AuthChange() {
  ChangeSet c;
  c.auth = true;
  return c;
}

TEST_CASE("change log: authentication is unchanged across every commit but an auth change") {
  ChangeLog log;
  log.Observe(1);
  Commit(log, 2, Vacancy(1, 10));
  Commit(log, 3, Account(1));
  Commit(log, 4, ChangeSet());  // bookkeeping (a token's last-used time)
  CHECK(log.AuthUnchanged(1, 4));
  CHECK_FALSE(log.AuthUnchanged(4, 3));  // never for an older snapshot
  Commit(log, 5, AuthChange());
  CHECK_FALSE(log.AuthUnchanged(4, 5));
  CHECK(log.AuthUnchanged(5, 5));
  CHECK(log.stats().auth == 5);
  // An auth change is a change to no answer's scope by itself.
  CHECK(log.Unchanged(kV, 4, 5));
  CHECK_FALSE(AuthChange().empty());

  // A global change, a pending commit, another process's commit: unsure.
  ChangeSet global;
  global.global = true;
  Commit(log, 6, global);
  CHECK_FALSE(log.AuthUnchanged(5, 6));
  log.Register(7, Vacancy(1, 10));
  CHECK_FALSE(log.AuthUnchanged(6, 7));
  log.Committed(7);
  CHECK(log.AuthUnchanged(6, 7));
  CHECK_FALSE(log.AuthUnchanged(7, 8));  // 8: committed by another process
  CHECK(log.AuthUnchanged(8, 8));
}

}  // namespace
}  // namespace cammio
