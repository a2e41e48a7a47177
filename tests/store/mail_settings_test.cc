// Tests for store/mail_settings.h: the relay row as stored, read back, and
// the restart of the account's pending mail; the rules on top of them are
// tested in tests/mail. Mail rows are planted with foreign keys off.
#include <doctest/doctest.h>

#include <memory>
#include <string>

#include "store/mail_settings.h"
#include "store/planted_db.h"
#include "store/store.h"
#include "testing/test_support.h"

namespace cammio {
namespace {

using Planted = testing::PlantedDb;

TEST_CASE("store mail settings: relay upsert restarts the account's pending mail") {
  Planted p;
  CHECK(SelectMailRelay(*p.db, 1).status().IsNotFound());
  p.Plant(
      "INSERT INTO mail_outbox (account_id, kind, ref_id, to_address, subject, body_text,"
      " body_html, message_id, next_attempt_at, attempts, first_attempt_at, created_at,"
      " updated_at, status) VALUES"
      " (1, 'candidate_invitation', 1, 'a@b.test', 's', 't', 'h', 'm1', 900, 3, 50, 0, 0, "
      "'pending'),"
      " (1, 'candidate_invitation', 2, 'a@b.test', 's', 't', 'h', 'm2', 900, 3, 50, 0, 0, 'sent'),"
      " (2, 'candidate_invitation', 3, 'a@b.test', 's', 't', 'h', 'm3', 900, 3, 50, 0, 0, "
      "'pending')");
  MailRelayRow r;
  r.account_id = 1;
  r.host = "relay.test";
  r.port = 2525;
  r.security = "none";
  r.username = "u";
  r.from_address = "from@x.test";
  r.verify_tls = false;
  REQUIRE(UpsertMailRelay(*p.db, r, 100).ok());
  auto back = SelectMailRelay(*p.db, 1);
  REQUIRE(back.ok());
  CHECK(back->host == "relay.test");
  CHECK(back->port == 2525);
  CHECK(back->security == "none");
  CHECK(back->username.value_or("") == "u");
  CHECK_FALSE(back->password.has_value());
  CHECK_FALSE(back->verify_tls);
  CHECK(back->updated_at == 100);
  std::string rows;
  Status s = [&] {
    auto st = p.db->PrepareDynamic(
        "SELECT ref_id, next_attempt_at, attempts, first_attempt_at IS NULL FROM mail_outbox"
        " ORDER BY ref_id");
    if (!st.ok()) return st.status();
    Status r2;
    while (st->Step(&r2)) {
      rows += std::to_string(st->Int(0)) + ":" + std::to_string(st->Int(1)) + "," +
              std::to_string(st->Int(2)) + "," + std::to_string(st->Int(3)) + " ";
    }
    return r2;
  }();
  REQUIRE(s.ok());
  // Only account 1's pending mail: due now, a fresh retry window.
  CHECK(rows == "1:100,0,1 2:900,3,0 3:900,3,0 ");
}

}  // namespace
}  // namespace cammio
