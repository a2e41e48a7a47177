// Tests for src/store/erase: the deletes that candidate erasure adds to the
// Eraser's (mail to the address, remembered answers quoting it) touch only
// the account's rows that name the candidate, in any case.
#include "store/erase.h"

#include <doctest/doctest.h>

#include <memory>
#include <string>

#include "store/accounts.h"
#include "store/store.h"
#include "testing/test_support.h"

namespace cammio {
namespace {

// The first column of every row of `sql`, each followed by '\n'.
std::string Rows(Store& store, const std::string& sql) {
  std::string out;
  REQUIRE(store
              .Read([&](Db& db) {
                auto st = db.PrepareDynamic(sql);
                if (!st.ok()) return st.status();
                Status s;
                while (st->Step(&s)) out += st->Text(0) + "\n";
                return s;
              })
              .ok());
  return out;
}

TEST_CASE("store erase: mail to an address and answers quoting it go, of that account only") {
  testing::TempDir dir;
  StoreOptions so;
  so.path = dir.path() + "/cammio.db";
  auto opened = Store::Open(so);
  REQUIRE(opened.ok());
  std::unique_ptr<Store> store = std::move(opened.value());
  int64_t a = 0, b = 0;
  REQUIRE(store
              ->Write([&](Db& db) {
                auto x = CreateAccount(db, "A", 1);
                auto y = CreateAccount(db, "B", 1);
                if (!x.ok() || !y.ok()) return x.ok() ? y.status() : x.status();
                a = x->id;
                b = y->id;
                return Status::OK();
              })
              .ok());
  // Account A: mail to ann (another case) and to bob, an answer quoting each;
  // account B: the same for ann.
  auto row = [](int64_t account, const std::string& rest) {
    return "(" + std::to_string(account) + ", " + rest + ")";
  };
  const std::string mail =
      "INSERT INTO mail_outbox (account_id, kind, ref_id, to_address, subject, body_text,"
      " body_html, message_id, next_attempt_at, created_at, updated_at) VALUES " +
      row(a, "'candidate_invitation', 1, 'Ann@Cand.test', 's', 't', 'h', 'm1', 0, 0, 0") + ", " +
      row(a, "'candidate_invitation', 2, 'bob@cand.test', 's', 't', 'h', 'm2', 0, 0, 0") + ", " +
      row(b, "'candidate_invitation', 3, 'ann@cand.test', 's', 't', 'h', 'm3', 0, 0, 0");
  const std::string answers =
      "INSERT INTO idempotency_keys (account_id, key, request_hash, status, content_type, body,"
      " created_at) VALUES " +
      row(a, "'ka', x'00', 201, 'text/plain', CAST('for ANN@cand.test' AS BLOB), 0") + ", " +
      row(a, "'kb', x'00', 201, 'text/plain', CAST('for bob@cand.test' AS BLOB), 0") + ", " +
      row(b, "'kc', x'00', 201, 'text/plain', CAST('for ann@cand.test' AS BLOB), 0");
  Status inserted = store->Write([&](Db& db) {
    Status s = db.Exec(mail.c_str());
    return s.ok() ? db.Exec(answers.c_str()) : s;
  });
  REQUIRE_MESSAGE(inserted.ok(), inserted.ToString());

  REQUIRE(store
              ->Write([&](Db& db) {
                Eraser e(db, a, dir.path() + "/media");
                Status s = e.MailTo("ann@cand.test");
                return s.ok() ? e.IdempotencyQuoting("ann@cand.test") : s;
              })
              .ok());
  CHECK(Rows(*store, "SELECT message_id FROM mail_outbox ORDER BY id") == "m2\nm3\n");
  CHECK(Rows(*store, "SELECT key FROM idempotency_keys ORDER BY key") == "kb\nkc\n");
}

}  // namespace
}  // namespace cammio
