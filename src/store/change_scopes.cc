// The pre-update hook's declarations in <sqlite3.h> are compiled in only
// with this macro; the library (the distribution's static archive) is built
// with it (its session extension needs the hook). First, before any header
// includes <sqlite3.h>.
#define SQLITE_ENABLE_PREUPDATE_HOOK 1

#include "store/change_scopes.h"

#include <algorithm>
#include <cstring>
#include <tuple>

namespace cammio {
namespace {

using Kind = ChangeRecorder::Kind;

// One rule per table of the schema (tests/store/change_scopes_test.cc checks
// that every table has one). `key`: the column naming the owner (nullptr: the
// rowid); `account`: the account column of a vacancy row (nullptr: looked up);
// `only_if`: the row matters only where that column is not NULL;
// `referenced`: answers reach a row only through a foreign key of another
// row (enforced: foreign_keys is on), so a new row is in no answer until a
// row that references it changes too, and its INSERT touches nothing.
// Ignored tables say why no cached answer (api/routes.cc, Cached rows) reads
// them.
struct RuleSpec {
  const char* table;
  Kind kind;
  const char* key;
  const char* account;
  const char* only_if;
  bool referenced = false;
};
constexpr RuleSpec kRules[] = {
    // Read by authentication, which runs for every request, hit or miss.
    {"access_tokens", Kind::kIgnore, nullptr, nullptr, nullptr},
    // Console sessions (last_seen_at moves as a session is used) and
    // set-password links: read by authentication and the console's own
    // uncached routes, never by a cached answer.
    {"console_sessions", Kind::kIgnore, nullptr, nullptr, nullptr},
    {"password_links", Kind::kIgnore, nullptr, nullptr, nullptr},
    // Bookkeeping no answer renders: the generation, idempotent replays,
    // outboxes (webhooks and mail; their own GETs are not cached), erasure
    // audit, forward-link openings, SQLite's AUTOINCREMENT counters.
    {"change_generation", Kind::kIgnore, nullptr, nullptr, nullptr},
    {"idempotency_keys", Kind::kIgnore, nullptr, nullptr, nullptr},
    {"notifications", Kind::kIgnore, nullptr, nullptr, nullptr},
    {"mail_outbox", Kind::kIgnore, nullptr, nullptr, nullptr},
    {"erasure_audit", Kind::kIgnore, nullptr, nullptr, nullptr},
    {"forward_link_openings", Kind::kIgnore, nullptr, nullptr, nullptr},
    {"sqlite_sequence", Kind::kIgnore, nullptr, nullptr, nullptr},
    // Cached answers name videos by id (a link); no cached GET reads a
    // videos row (GET /api/videos/:id is not cached).
    {"videos", Kind::kIgnore, nullptr, nullptr, nullptr},
    // Written only by schema 017's triggers on interviews: every change comes
    // with the change of an interviews row in the same transaction, which
    // touches that interview's vacancy and its account's lists.
    {"interview_day_counts", Kind::kIgnore, nullptr, nullptr, nullptr},

    {"vacancies", Kind::kVacancy, nullptr, "account_id", nullptr},
    {"questions", Kind::kVacancy, "vacancy_id", nullptr, nullptr},
    {"invitations", Kind::kVacancy, "vacancy_id", "account_id", nullptr},
    {"interviews", Kind::kVacancy, "vacancy_id", "account_id", nullptr},

    {"guests", Kind::kInvitation, "invitation_id", nullptr, nullptr},
    {"deleted_guests", Kind::kInvitation, "invitation_id", nullptr, nullptr},
    {"live_presence", Kind::kInvitation, "invitation_id", nullptr, nullptr},
    {"live_sessions", Kind::kInvitation, "invitation_id", nullptr, nullptr},
    // Only finished uploads (video_id set) are read (an interview's CV):
    // the chunks of one in progress change nothing an answer shows. A
    // recruiter's upload (no invitation) is in no answer: it becomes
    // visible only when a question or vacancy names its video, a write of
    // those rows.
    {"uploads", Kind::kInvitation, "invitation_id", nullptr, "video_id"},

    {"recordings", Kind::kInterview, "interview_id", nullptr, nullptr},
    {"reviewers", Kind::kInterview, "interview_id", nullptr, nullptr},
    {"reviews", Kind::kInterview, "interview_id", nullptr, nullptr},
    {"forward_links", Kind::kInterview, "interview_id", nullptr, nullptr},

    // Rendered in answers of every vacancy (recruiters, candidates), or
    // account-wide state: every answer of the account. A new candidate (a
    // new invitation's) or user is referenced by no row yet.
    {"accounts", Kind::kAccount, nullptr, nullptr, nullptr, true},
    {"users", Kind::kAccount, "account_id", nullptr, nullptr, true},
    {"candidates", Kind::kAccount, "account_id", nullptr, nullptr, true},
    {"notification_settings", Kind::kAccount, "account_id", nullptr, nullptr},
    {"mail_settings", Kind::kAccount, "account_id", nullptr, nullptr},
    {"retention_settings", Kind::kAccount, "account_id", nullptr, nullptr},
};

// Tables whose rows decide what credentials resolve to (store/accounts.h
// Authenticate, AuthenticateSession): every change of one is an auth change
// (ChangeSet::auth), except an UPDATE that changed only `bookkeeping`, a
// column written as credentials are used and never part of the decision (a
// token's last-used time). A missing bookkeeping column: every change counts.
struct AuthSpec {
  const char* table;
  const char* bookkeeping;
};
constexpr AuthSpec kAuthTables[] = {
    {"accounts", nullptr},
    {"users", nullptr},
    {"access_tokens", "last_used_at"},
};

constexpr const char kColumns[] = "SELECT cid, name FROM pragma_table_info(?1)";
constexpr const char kVacancyAccount[] = "SELECT account_id FROM vacancies WHERE id = ?1";
constexpr const char kInvitationOwner[] =
    "SELECT account_id, vacancy_id FROM invitations WHERE id = ?1";
constexpr const char kInterviewOwner[] =
    "SELECT account_id, vacancy_id FROM interviews WHERE id = ?1";

// Past this many rows in one transaction (a bulk erase), everything: the
// lookups would cost more than the misses.
constexpr size_t kMaxTouches = 4096;

bool SameValue(sqlite3_value* a, sqlite3_value* b) {
  int t = sqlite3_value_type(a);
  if (t != sqlite3_value_type(b)) return false;
  switch (t) {
    case SQLITE_NULL:
      return true;
    case SQLITE_INTEGER:
      return sqlite3_value_int64(a) == sqlite3_value_int64(b);
    case SQLITE_FLOAT:
      return sqlite3_value_double(a) == sqlite3_value_double(b);
    default: {
      int n = sqlite3_value_bytes(a);
      if (n != sqlite3_value_bytes(b)) return false;
      return n == 0 || std::memcmp(sqlite3_value_blob(a), sqlite3_value_blob(b), n) == 0;
    }
  }
}

// An UPDATE that wrote every column back as it was (but for column `skip`,
// when >= 0).
bool RowUnchanged(sqlite3* db, int skip = -1) {
  int n = sqlite3_preupdate_count(db);
  for (int i = 0; i < n; ++i) {
    if (i == skip) continue;
    sqlite3_value *a = nullptr, *b = nullptr;
    if (sqlite3_preupdate_old(db, i, &a) != SQLITE_OK || a == nullptr) return false;
    if (sqlite3_preupdate_new(db, i, &b) != SQLITE_OK || b == nullptr) return false;
    if (!SameValue(a, b)) return false;
  }
  return true;
}

// A column of the old or new row; null when it cannot be read.
sqlite3_value* Column(sqlite3* db, bool old_image, int col) {
  sqlite3_value* v = nullptr;
  int rc = old_image ? sqlite3_preupdate_old(db, col, &v) : sqlite3_preupdate_new(db, col, &v);
  return rc == SQLITE_OK ? v : nullptr;
}

// Finds a row's (account_id, vacancy_id) with `sql`; false if it is gone.
bool LookUp(Db& db, const char* sql, int64_t id, std::pair<int64_t, int64_t>* owner) {
  Stmt st = db.Prepare(sql);
  st.Bind(1, id);
  Status s;
  if (!st.Step(&s)) return false;
  *owner = {st.Int(0), st.Int(1)};
  return true;
}

}  // namespace

std::vector<std::string> ChangeRecorder::RuledTables() {
  std::vector<std::string> out;
  for (const RuleSpec& r : kRules) out.push_back(r.table);
  return out;
}

Result<std::unique_ptr<ChangeRecorder>> ChangeRecorder::Attach(Db& db) {
  std::unique_ptr<ChangeRecorder> rec(new ChangeRecorder(db));
  for (const RuleSpec& spec : kRules) {
    std::unordered_map<std::string, int> cols;
    Stmt st = db.Prepare(kColumns);
    st.Bind(1, spec.table);
    Status s;
    while (st.Step(&s)) cols[st.Text(1)] = static_cast<int>(st.Int(0));
    if (!s.ok()) return s;
    Rule rule;
    rule.kind = spec.kind;
    rule.referenced = spec.referenced;
    auto column = [&](const char* name, int* out) {
      if (name == nullptr) return;
      auto it = cols.find(name);
      if (it == cols.end()) {
        rule.broken = true;  // a schema without the column: everything
      } else {
        *out = it->second;
      }
    };
    column(spec.key, &rule.key);
    column(spec.account, &rule.account);
    column(spec.only_if, &rule.only_if);
    rule.self = std::strcmp(spec.table, "invitations") == 0
                    ? true
                    : std::strcmp(spec.table, "interviews") == 0;
    for (const AuthSpec& auth : kAuthTables) {
      if (std::strcmp(auth.table, spec.table) != 0) continue;
      rule.auth = true;
      if (auth.bookkeeping != nullptr) {
        auto it = cols.find(auth.bookkeeping);
        if (it != cols.end()) rule.auth_bookkeeping = it->second;
      }
    }
    rec->rules_[spec.table] = rule;
  }
  sqlite3_preupdate_hook(db.raw(), &ChangeRecorder::Hook, rec.get());
  return rec;
}

ChangeRecorder::~ChangeRecorder() { sqlite3_preupdate_hook(db_.raw(), nullptr, nullptr); }

void ChangeRecorder::Clear() {
  touches_.clear();
  invitations_.clear();
  interviews_.clear();
  seen_ = 0;
  global_ = false;
  auth_ = false;
}

void ChangeRecorder::Hook(void* self, sqlite3* db, int op, const char* schema, const char* table,
                          sqlite3_int64 old_rowid, sqlite3_int64 new_rowid) {
  auto* rec = static_cast<ChangeRecorder*>(self);
  ++rec->seen_;
  // Temporary tables are no one's data.
  if (std::strcmp(schema, "main") != 0 || rec->global_) return;
  rec->OnChange(db, op, table, old_rowid, new_rowid);
}

void ChangeRecorder::OnChange(sqlite3* db, int op, const char* table, int64_t old_rowid,
                              int64_t new_rowid) {
  auto it = rules_.find(table);
  if (it == rules_.end() || it->second.broken || touches_.size() >= kMaxTouches) {
    global_ = true;
    return;
  }
  const Rule& rule = it->second;
  if (rule.auth && !auth_) {
    auth_ =
        !(op == SQLITE_UPDATE && old_rowid == new_rowid && RowUnchanged(db, rule.auth_bookkeeping));
  }
  if (rule.kind == Kind::kIgnore || (op == SQLITE_INSERT && rule.referenced)) return;
  if (op == SQLITE_UPDATE && old_rowid == new_rowid && RowUnchanged(db)) return;
  const bool is_invitation = std::strcmp(table, "invitations") == 0;
  // Both images of an UPDATE: a row that moved changes its old owner too.
  if (op != SQLITE_INSERT) Record(db, rule, true, old_rowid, is_invitation);
  if (op != SQLITE_DELETE) Record(db, rule, false, new_rowid, is_invitation);
}

void ChangeRecorder::Record(sqlite3* db, const Rule& rule, bool old_image, int64_t rowid,
                            bool is_invitation) {
  if (rule.only_if >= 0) {
    sqlite3_value* v = Column(db, old_image, rule.only_if);
    if (v != nullptr && sqlite3_value_type(v) == SQLITE_NULL) return;
  }
  auto read = [&](int col, int64_t* out) {
    if (col < 0) {
      *out = rowid;
      return true;
    }
    sqlite3_value* v = Column(db, old_image, col);
    if (v == nullptr || sqlite3_value_type(v) != SQLITE_INTEGER) return false;
    *out = sqlite3_value_int64(v);
    return true;
  };
  // A NULL owner: the row belongs to no vacancy, invitation or interview
  // (an account's own upload, schema/018), so no cached answer shows it.
  if (rule.key >= 0) {
    sqlite3_value* owner = Column(db, old_image, rule.key);
    if (owner != nullptr && sqlite3_value_type(owner) == SQLITE_NULL) return;
  }
  Touch t{rule.kind, 0, 0};
  if (!read(rule.key, &t.key) || (rule.account >= 0 && !read(rule.account, &t.account))) {
    global_ = true;  // an owner that is not an id: cannot be scoped
    return;
  }
  touches_.push_back(t);
  if (rule.self) (is_invitation ? invitations_ : interviews_)[rowid] = {t.account, t.key};
}

ChangeSet ChangeRecorder::Resolve(Db& db, int64_t changes) {
  ChangeSet out;
  if (seen_ < changes) global_ = true;  // a change the hook did not see
  if (global_) {
    out.global = true;
    return out;
  }
  out.auth = auth_;
  std::sort(touches_.begin(), touches_.end(), [](const Touch& a, const Touch& b) {
    return std::tie(a.kind, a.key, a.account) < std::tie(b.kind, b.key, b.account);
  });
  // Accounts of the vacancies whose own rows changed (a question's
  // vacancy is often one of them, or deleted with it).
  std::unordered_map<int64_t, int64_t> vacancy_account;
  for (const Touch& t : touches_) {
    if (t.kind == Kind::kVacancy && t.account != 0) vacancy_account[t.key] = t.account;
  }
  const Touch* prev = nullptr;
  for (const Touch& t : touches_) {
    if (prev != nullptr && prev->kind == t.kind && prev->key == t.key &&
        prev->account == t.account) {
      continue;
    }
    prev = &t;
    std::pair<int64_t, int64_t> owner{t.account, t.key};  // (account, vacancy)
    bool found = true;
    switch (t.kind) {
      case Kind::kIgnore:
        continue;
      case Kind::kAccount:
        out.accounts.push_back(t.key);
        continue;
      case Kind::kVacancy:
        if (owner.first == 0) {
          auto it = vacancy_account.find(t.key);
          if (it != vacancy_account.end()) {
            owner.first = it->second;
          } else {
            Stmt st = db.Prepare(kVacancyAccount);
            st.Bind(1, t.key);
            Status s;
            found = st.Step(&s);
            if (found) owner.first = st.Int(0);
          }
        }
        break;
      case Kind::kInvitation:
      case Kind::kInterview: {
        const auto& seen = t.kind == Kind::kInvitation ? invitations_ : interviews_;
        auto it = seen.find(t.key);
        if (it != seen.end()) {
          owner = it->second;
        } else {
          found = LookUp(db, t.kind == Kind::kInvitation ? kInvitationOwner : kInterviewOwner,
                         t.key, &owner);
        }
        break;
      }
    }
    if (!found) {  // gone (or unreadable): who could have shown it is unknown
      out = ChangeSet();
      out.global = true;
      return out;
    }
    out.vacancies.push_back(owner);
  }
  std::sort(out.vacancies.begin(), out.vacancies.end());
  out.vacancies.erase(std::unique(out.vacancies.begin(), out.vacancies.end()), out.vacancies.end());
  std::sort(out.accounts.begin(), out.accounts.end());
  out.accounts.erase(std::unique(out.accounts.begin(), out.accounts.end()), out.accounts.end());
  return out;
}

}  // namespace cammio
