// The mail outbox's due queries (mail/outbox.h): only accounts with a relay
// are asked for, in due order across accounts, however much mail of
// accounts without a relay waits (schema/012's partial index).
#include "mail/outbox.h"

#include <doctest/doctest.h>

#include <memory>
#include <string>
#include <vector>

#include "mail/message.h"
#include "mail/settings.h"
#include "store/accounts.h"
#include "store/store.h"
#include "testing/test_support.h"

namespace cammio::mail {
namespace {

struct Outbox {
  Outbox() {
    StoreOptions so;
    so.path = dir.path() + "/cammio.db";
    auto s = Store::Open(so);
    REQUIRE(s.ok());
    store = std::move(s.value());
  }
  int64_t Account(const std::string& name) {
    int64_t id = 0;
    REQUIRE(store
                ->Write([&](Db& db) {
                  auto a = CreateAccount(db, name, 100);
                  if (a.ok()) id = a->id;
                  return a.status();
                })
                .ok());
    return id;
  }
  void Relay(int64_t account) {
    RelaySettings r;
    r.account_id = account;
    r.host = "smtp.example.com";
    r.from_address = "no-reply@agency.test";
    REQUIRE(store->Write([&](Db& db) { return PutRelaySettings(db, r, 100); }).ok());
  }
  // A pending mail created at `created`, next due at `due`.
  int64_t Mail(int64_t account, int64_t created, int64_t due) {
    OutboxMail m;
    m.account_id = account;
    m.kind = "candidate_invitation";
    m.ref_id = 1;
    m.to_address = "cand@example.com";
    m.subject = "Your interview";
    m.body_text = "text";
    m.body_html = "<p>html</p>";
    m.message_id = NewMessageId("cammio.test");
    m.created_at = created;
    REQUIRE(store
                ->Write([&](Db& db) {
                  Status s = InsertMail(db, &m);
                  if (s.ok() && due != created) s = MarkMailRetry(db, m.id, created, due, "451");
                  return s;
                })
                .ok());
    return m.id;
  }
  std::vector<int64_t> Due(int64_t now, int limit) {
    std::vector<OutboxMail> due;
    REQUIRE(store->Read([&](Db& db) { return ListDueMail(db, now, limit, &due); }).ok());
    std::vector<int64_t> ids;
    for (const auto& m : due) ids.push_back(m.id);
    return ids;
  }
  std::optional<int64_t> Next() {
    std::optional<int64_t> next;
    REQUIRE(store
                ->Read([&](Db& db) {
                  auto n = NextDueTime(db);
                  if (n.ok()) next = *n;
                  return n.status();
                })
                .ok());
    return next;
  }
  testing::TempDir dir;
  std::unique_ptr<Store> store;
};

TEST_CASE("mail outbox: due mail of relay accounts only, in due order across accounts") {
  Outbox o;
  const int64_t a = o.Account("A"), b = o.Account("B"), c = o.Account("C");
  o.Relay(a);
  o.Relay(b);
  for (int i = 0; i < 50; ++i) o.Mail(c, 100 + i, 100 + i);  // no relay: waits
  const int64_t a1 = o.Mail(a, 100, 300);
  const int64_t b1 = o.Mail(b, 100, 200);
  const int64_t a2 = o.Mail(a, 150, 150);
  const int64_t b2 = o.Mail(b, 100, 900);  // not due at 500
  CHECK(o.Due(500, 10) == std::vector<int64_t>{a2, b1, a1});
  CHECK(o.Due(500, 2) == std::vector<int64_t>{a2, b1});
  CHECK(o.Due(160, 10) == std::vector<int64_t>{a2});
  CHECK(o.Next() == 150);
  // Mail of the same due time goes by id.
  const int64_t b3 = o.Mail(b, 150, 150);
  CHECK(o.Due(150, 10) == std::vector<int64_t>{a2, b3});
  // Sent mail is no longer due; C's mail becomes due once C has a relay.
  REQUIRE(o.store->Write([&](Db& db) { return MarkMailSent(db, a2, 400); }).ok());
  REQUIRE(o.store->Write([&](Db& db) { return MarkMailSent(db, b3, 400); }).ok());
  CHECK(o.Due(500, 10) == std::vector<int64_t>{b1, a1});
  CHECK(o.Next() == 200);
  o.Relay(c);
  CHECK(o.Due(1000, 100).size() == 53);  // b1, a1, b2 and C's 50
  (void)b2;
}

TEST_CASE("mail outbox: nothing is due without a relay") {
  Outbox o;
  const int64_t a = o.Account("A");
  o.Mail(a, 100, 100);
  CHECK(o.Due(1000, 10).empty());
  CHECK_FALSE(o.Next().has_value());
}

TEST_CASE("mail outbox: pruning deletes the mail sent before the cutoff, nothing else") {
  Outbox o;
  const int64_t a = o.Account("A");
  o.Relay(a);
  const int64_t old_sent = o.Mail(a, 100, 100), new_sent = o.Mail(a, 100, 100);
  const int64_t pending = o.Mail(a, 100, 100);
  REQUIRE(o.store
              ->Write([&](Db& db) {
                Status s = MarkMailSent(db, old_sent, 200);
                return s.ok() ? MarkMailSent(db, new_sent, 400) : s;
              })
              .ok());
  REQUIRE(o.store->Write([&](Db& db) { return PruneSentMail(db, 300); }).ok());
  std::vector<OutboxMail> left;
  REQUIRE(o.store->Read([&](Db& db) { return ListMail(db, MailFilter{}, &left); }).ok());
  std::vector<int64_t> ids;
  for (const auto& m : left) ids.push_back(m.id);
  CHECK(ids == std::vector<int64_t>{new_sent, pending});
}

TEST_CASE(
    "mail outbox: without its relay an account's mail waits; no relay to delete is NotFound") {
  Outbox o;
  const int64_t a = o.Account("A"), b = o.Account("B");
  o.Relay(a);
  o.Relay(b);
  const int64_t ma = o.Mail(a, 100, 100), mb = o.Mail(b, 100, 100);
  CHECK(o.Due(500, 10) == std::vector<int64_t>{ma, mb});
  REQUIRE(o.store->Write([&](Db& db) { return DeleteRelaySettings(db, a); }).ok());
  CHECK(o.Due(500, 10) == std::vector<int64_t>{mb});
  CHECK(o.store->Write([&](Db& db) { return DeleteRelaySettings(db, a); }).code() ==
        Status::Code::kNotFound);
  CHECK(o.Due(500, 10) == std::vector<int64_t>{mb});
}

}  // namespace
}  // namespace cammio::mail
