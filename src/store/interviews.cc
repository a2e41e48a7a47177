#include "store/interviews.h"

#include <algorithm>

namespace cammio {
namespace {

// The candidate's and invitation's values are the interview's copies
// (schema/019: what the join to candidates and invitations gave, kept by
// triggers), so a row costs one lookup (its vacancy) instead of three.
#define INTERVIEW_SELECT                                                                       \
  "SELECT w.id, w.account_id, w.vacancy_id, w.invitation_id, w.candidate_id, "                 \
  "w.candidate_email, w.candidate_name, w.candidate_phone, w.candidate_gender, "               \
  "w.datetime_scheduled, w.datetime_start_ts, w.datetime_end_ts, w.datetime_synchronized_ts, " \
  "w.thumbnail_video_id, w.updated_at, v.title, v.kind, v.scope, v.num_questions, "            \
  "w.num_recordings, w.num_reviewers, w.num_reviews "                                          \
  "FROM interviews w JOIN vacancies v ON v.id = w.vacancy_id "

// Three shapes of the same filter, so that SQLite can use an index for each:
// a prepared `(?2 IS NULL OR w.vacancy_id = ?2)` would force a scan of the
// whole account. Parameters: ?1 account, ?2 vacancy, ?3 from, ?4 to,
// ?5 updated_since, ?6 limit, ?7 offset. Absent bounds are bound as the
// extremes of int64 so the range predicates stay plain.
#define INTERVIEW_TAIL "AND (?5 IS NULL OR w.updated_at >= ?5) "
#define INTERVIEW_BY_ACCOUNT \
  "WHERE w.account_id = ?1 AND ?2 IS NULL AND ?3 IS NULL AND ?4 IS NULL " INTERVIEW_TAIL
#define INTERVIEW_BY_RANGE \
  "WHERE w.account_id = ?1 AND ?2 IS NULL AND w.datetime_end_ts BETWEEN ?3 AND ?4 " INTERVIEW_TAIL
// The unary `+` keeps SQLite off interviews_account_end here: with the
// account-wide bounds it would walk every interview of the account; the
// vacancy's own index (vacancy_id, id) is small and already in id order.
#define INTERVIEW_BY_VACANCY                                           \
  "WHERE w.vacancy_id = ?2 AND +w.account_id = ?1 "                    \
  "AND +w.datetime_end_ts BETWEEN COALESCE(?3, -9223372036854775807) " \
  "AND COALESCE(?4, 9223372036854775807) " INTERVIEW_TAIL

// A page is chosen on ids alone, then only its rows are joined and counted:
// a `from` range holds tens of thousands of interviews that are sorted by id
// through the covering index (account_id, datetime_end_ts, updated_at; the id
// is its rowid), and the correlated COUNTs of INTERVIEW_SELECT must not run
// for each of them.
#define INTERVIEW_PAGE(filter)                                            \
  INTERVIEW_SELECT "WHERE w.id IN (SELECT w.id FROM interviews w " filter \
                   "ORDER BY w.id LIMIT ?6 OFFSET ?7) ORDER BY w.id"

constexpr const char kSelectInterview[] = INTERVIEW_SELECT "WHERE w.account_id = ?1 AND w.id = ?2";
constexpr const char kListByAccount[] = INTERVIEW_PAGE(INTERVIEW_BY_ACCOUNT);
constexpr const char kListByRange[] = INTERVIEW_PAGE(INTERVIEW_BY_RANGE);
constexpr const char kListByVacancy[] = INTERVIEW_PAGE(INTERVIEW_BY_VACANCY);
// Unpaginated lists are streamed row by row: an IN list of every id would be
// materialised first and grow with the account.
constexpr const char kStreamByAccount[] =
    INTERVIEW_SELECT INTERVIEW_BY_ACCOUNT "ORDER BY w.id LIMIT ?6 OFFSET ?7";
constexpr const char kStreamByRange[] =
    INTERVIEW_SELECT INTERVIEW_BY_RANGE "ORDER BY w.id LIMIT ?6 OFFSET ?7";
constexpr const char kStreamByVacancy[] =
    INTERVIEW_SELECT INTERVIEW_BY_VACANCY "ORDER BY w.id LIMIT ?6 OFFSET ?7";
// A `from`/`to` page walked in id order from the range's lowest id. An
// interview is created when it ends, so ids and datetime_end rise together
// and the next matches follow the lowest one closely: reading the interviews
// of a short id span in id order replaces sorting the whole range (tens of
// thousands of index entries) by id. ?8 is at most the range's lowest id
// (CountAndLowest: exact unless interviews of that day were deleted), ?9 the
// last id of the span; ListInterviews falls back to kListByRange when the
// span held too few matches. The rows come straight from the rowid range in
// id order (the unary `+` keeps SQLite off interviews_account_end), so there
// is no sort, no id list and no second lookup of each row: only a matching
// row is joined to its vacancy, and the LIMIT ends the walk.
constexpr const char kListByRangeWalk[] = INTERVIEW_SELECT
    "WHERE w.id BETWEEN ?8 AND ?9 AND +w.account_id = ?1 AND ?2 IS NULL "
    "AND +w.datetime_end_ts BETWEEN ?3 AND ?4 " INTERVIEW_TAIL "ORDER BY w.id LIMIT ?6 OFFSET ?7";
// The counters of schema/017 (interview_day_counts, vacancies.num_interviews),
// for the filters without updated_since: a page's X-Total-Count then reads a
// row per day of its range instead of every interview in it.
constexpr const char kSumDays[] =
    "SELECT COALESCE(SUM(n), 0), MIN(min_id) FROM interview_day_counts "
    "WHERE account_id = ?1 AND day BETWEEN ?2 AND ?3";
constexpr const char kCountAndMinByEnd[] =
    "SELECT COUNT(*), MIN(id) FROM interviews "
    "WHERE account_id = ?1 AND datetime_end_ts BETWEEN ?2 AND ?3";
constexpr const char kVacancyInterviews[] =
    "SELECT num_interviews FROM vacancies WHERE id = ?2 AND account_id = ?1";
constexpr const char kCountAndMinByRange[] =
    "SELECT COUNT(*), MIN(w.id) FROM interviews w " INTERVIEW_BY_RANGE;
constexpr const char kCountByAccount[] = "SELECT COUNT(*) FROM interviews w " INTERVIEW_BY_ACCOUNT;
constexpr const char kCountByRange[] = "SELECT COUNT(*) FROM interviews w " INTERVIEW_BY_RANGE;
constexpr const char kCountByVacancy[] = "SELECT COUNT(*) FROM interviews w " INTERVIEW_BY_VACANCY;
constexpr const char kInsertInterview[] =
    "INSERT INTO interviews (account_id, vacancy_id, invitation_id, candidate_id, "
    "datetime_start_ts, datetime_end_ts, thumbnail_video_id, created_at, updated_at) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8)";
constexpr const char kInsertRecording[] =
    "INSERT INTO recordings (account_id, interview_id, idx, title, required, video_id, "
    "thumbnail_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)";
constexpr const char kListRecordings[] =
    "SELECT id, idx, title, required, video_id, thumbnail_id, participant, recorded_at "
    "FROM recordings WHERE interview_id = ?1 ORDER BY idx, id";
constexpr const char kSelectInvitationState[] =
    "SELECT account_id, vacancy_id, candidate_id, status FROM invitations WHERE id = ?1";
constexpr const char kSetSynchronized[] =
    "UPDATE interviews SET datetime_synchronized_ts = ?2, updated_at = ?2 WHERE id = ?1";
constexpr const char kTouchInterview[] = "UPDATE interviews SET updated_at = ?2 WHERE id = ?1";

constexpr const char kInsertReviewer[] =
    "INSERT INTO reviewers (account_id, interview_id, name, email, phone, token, created_at) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)";
constexpr const char kSelectReviewer[] =
    "SELECT id, interview_id, name, email, phone, token FROM reviewers "
    "WHERE account_id = ?1 AND interview_id = ?2 AND id = ?3";
constexpr const char kSelectReviewerByToken[] =
    "SELECT id, interview_id, name, email, phone, token FROM reviewers WHERE token = ?1";
constexpr const char kListReviewers[] =
    "SELECT id, interview_id, name, email, phone, token FROM reviewers "
    "WHERE account_id = ?1 AND interview_id = ?2 ORDER BY id";
constexpr const char kUpdateReviewer[] =
    "UPDATE reviewers SET name = ?3, email = ?4, phone = ?5 WHERE account_id = ?1 AND id = ?2";
constexpr const char kDeleteReviewer[] = "DELETE FROM reviewers WHERE id = ?1";

constexpr const char kInsertReview[] =
    "INSERT INTO reviews (account_id, interview_id, reviewer_name, user_id, rating, remarks, "
    "created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)";
constexpr const char kSelectReview[] =
    "SELECT id, interview_id, reviewer_name, rating, remarks FROM reviews "
    "WHERE account_id = ?1 AND interview_id = ?2 AND id = ?3";
constexpr const char kListReviews[] =
    "SELECT id, interview_id, reviewer_name, rating, remarks FROM reviews "
    "WHERE account_id = ?1 AND interview_id = ?2 ORDER BY id";
constexpr const char kDeleteReview[] = "DELETE FROM reviews WHERE id = ?1";

constexpr const char kInsertForwardLink[] =
    "INSERT INTO forward_links (account_id, interview_id, token, created_at, expires_at, "
    "opens_left) VALUES (?1, ?2, ?3, ?4, ?5, ?6)";
constexpr const char kSelectForwardLink[] =
    "SELECT id, account_id, interview_id, token, created_at, expires_at, opens_left "
    "FROM forward_links WHERE token = ?1";
constexpr const char kUseForwardLink[] =
    "UPDATE forward_links SET opens_left = opens_left - 1 WHERE id = ?1 AND opens_left > 0";

Interview FromRow(const Stmt& st) {
  Interview w;
  w.id = st.Int(0);
  w.account_id = st.Int(1);
  w.vacancy_id = st.Int(2);
  w.invitation_id = st.OptInt(3);
  w.candidate_id = st.Int(4);
  w.candidate_email = st.Text(5);
  w.candidate_name = st.Text(6);
  w.candidate_phone = st.OptText(7);
  w.candidate_gender = st.OptText(8);
  w.datetime_scheduled = st.OptText(9);
  w.datetime_start_ts = st.Int(10);
  w.datetime_end_ts = st.Int(11);
  w.datetime_synchronized_ts = st.OptInt(12);
  w.thumbnail_video_id = st.OptInt(13);
  w.updated_at = st.Int(14);
  w.title = st.Text(15);
  w.kind = st.Text(16);
  w.scope = st.Text(17);
  w.num_of_questions = st.Int(18);
  w.num_of_recordings = st.Int(19);
  w.num_of_review_invitations = st.Int(20);
  w.num_of_reviews = st.Int(21);
  return w;
}

Reviewer ReviewerFromRow(const Stmt& st) {
  return Reviewer{st.Int(0), st.Int(1), st.Text(2), st.Text(3), st.OptText(4), st.Text(5)};
}

Review ReviewFromRow(const Stmt& st) {
  return Review{st.Int(0), st.Int(1), st.Text(2), st.Int(3), st.OptText(4)};
}

// The statement shape for `f` (see INTERVIEW_BY_*), as {list, count}.
std::pair<const char*, const char*> ShapeFor(const InterviewFilter& f) {
  const bool page = f.limit >= 0;
  if (f.vacancy_id) return {page ? kListByVacancy : kStreamByVacancy, kCountByVacancy};
  if (f.from || f.to) return {page ? kListByRange : kStreamByRange, kCountByRange};
  return {page ? kListByAccount : kStreamByAccount, kCountByAccount};
}

void BindFilter(Stmt& st, int64_t account_id, const InterviewFilter& f) {
  st.Bind(1, account_id).Bind(2, f.vacancy_id).Bind(5, f.updated_since);
  if (!f.vacancy_id && (f.from || f.to)) {
    st.Bind(3, f.from.value_or(INT64_MIN)).Bind(4, f.to.value_or(INT64_MAX));
  } else {
    st.Bind(3, f.from).Bind(4, f.to);
  }
}

// Adds the COUNT and MIN of `st` (bound already) to *count and *lowest.
Status AddCountAndMin(Stmt& st, int64_t* count, std::optional<int64_t>* lowest) {
  Status s;
  if (!st.Step(&s)) return s.ok() ? Status::Internal("an aggregate returned no row") : s;
  *count += st.Int(0);
  const std::optional<int64_t> min = st.OptInt(1);
  if (min && (!*lowest || *min < **lowest)) *lowest = min;
  return Status::OK();
}

constexpr int64_t kDay = 86400;  // interview_day_counts.day is floor(datetime_end_ts / kDay)

int64_t FloorDiv(int64_t a, int64_t d) { return a / d - (a % d < 0 ? 1 : 0); }

// The account's interviews whose datetime_end_ts is in [lo, hi]: their count,
// and into *lowest a lower bound of their smallest id (nullopt: none). The
// whole days of the range come from interview_day_counts, the part-days at
// either end (at most a day each) from interviews_account_end.
Status CountEnded(Db& db, int64_t account_id, int64_t lo, int64_t hi, int64_t* count,
                  std::optional<int64_t>* lowest) {
  *count = 0;
  lowest->reset();
  if (lo > hi) return Status::OK();
  auto by_index = [&](int64_t from, int64_t to) {
    Stmt st = db.Prepare(kCountAndMinByEnd);
    st.Bind(1, account_id).Bind(2, from).Bind(3, to);
    return AddCountAndMin(st, count, lowest);
  };
  // Whole days: the first that starts at or after lo, the last that ends at
  // or before hi (the days holding INT64_MIN and INT64_MAX count as whole).
  // Bounds within two days of the int64 ends (never real dates) go to the
  // index, so that no day arithmetic below can overflow.
  constexpr int64_t kEdge = 2 * kDay;
  auto near_end = [](int64_t t) {
    return t != INT64_MIN && t != INT64_MAX && (t < INT64_MIN + kEdge || t > INT64_MAX - kEdge);
  };
  if (near_end(lo) || near_end(hi)) {
    return by_index(lo, hi);
  }
  const int64_t lo_day = FloorDiv(lo, kDay);
  const int64_t hi_day = FloorDiv(hi, kDay);
  const int64_t first = (lo == INT64_MIN || lo == lo_day * kDay) ? lo_day : lo_day + 1;
  const int64_t last = (hi == INT64_MAX || hi - hi_day * kDay == kDay - 1) ? hi_day : hi_day - 1;
  if (first > last) return by_index(lo, hi);  // under two days: the index alone
  Stmt days = db.Prepare(kSumDays);
  days.Bind(1, account_id).Bind(2, first).Bind(3, last);
  Status s = AddCountAndMin(days, count, lowest);
  if (s.ok() && first != lo_day) s = by_index(lo, first * kDay - 1);
  if (s.ok() && last != hi_day) s = by_index((last + 1) * kDay, hi);
  return s;
}

// *total for `f`, and for a `from`/`to` filter a lower bound of the lowest
// matching id into *lowest (nullopt: no match). Without updated_since the
// counters of schema/017 answer; with it, the interviews themselves.
Status CountAndLowest(Db& db, int64_t account_id, const InterviewFilter& f, int64_t* total,
                      std::optional<int64_t>* lowest) {
  lowest->reset();
  *total = 0;
  Status s;
  if (!f.updated_since && !f.vacancy_id) {
    return CountEnded(db, account_id, f.from.value_or(INT64_MIN), f.to.value_or(INT64_MAX), total,
                      lowest);
  }
  if (f.vacancy_id && !f.updated_since && !f.from && !f.to) {
    Stmt st = db.Prepare(kVacancyInterviews);
    st.Bind(1, account_id).Bind(2, *f.vacancy_id);
    if (st.Step(&s)) *total = st.Int(0);
    return s;  // no row: not a vacancy of the account, so none of its interviews
  }
  const bool range = !f.vacancy_id;
  Stmt count = db.Prepare(range ? kCountAndMinByRange : ShapeFor(f).second);
  BindFilter(count, account_id, f);
  if (count.Step(&s)) {
    *total = count.Int(0);
    if (range) *lowest = count.OptInt(1);
  }
  return s;
}

}  // namespace

Status CountInterviews(Db& db, int64_t account_id, const InterviewFilter& f, int64_t* total) {
  std::optional<int64_t> lowest;
  return CountAndLowest(db, account_id, f, total, &lowest);
}

namespace {

template <typename T>
Result<T> OneRow(Stmt& st, T (*from_row)(const Stmt&), const std::string& what) {
  Status s;
  if (st.Step(&s)) return from_row(st);
  if (!s.ok()) return s;
  return Status::NotFound("no " + what);
}

}  // namespace

Status CompleteInvitation(Db& db, int64_t invitation_id, const Completion& c,
                          int64_t* interview_id) {
  Stmt find = db.Prepare(kSelectInvitationState);
  find.Bind(1, invitation_id);
  Status s;
  if (!find.Step(&s)) return s.ok() ? Status::NotFound("no such invitation") : s;
  if (find.Text(3) != "open") {
    return Status::PreconditionFailed("the invitation is " + find.Text(3) + ", not open");
  }
  int64_t account_id = find.Int(0), vacancy_id = find.Int(1), candidate_id = find.Int(2);
  std::optional<int64_t> thumb;
  for (const auto& r : c.recordings) {
    if (r.thumbnail_id) {
      thumb = r.thumbnail_id;
      break;
    }
  }
  s = db.Prepare(kInsertInterview)
          .Bind(1, account_id)
          .Bind(2, vacancy_id)
          .Bind(3, invitation_id)
          .Bind(4, candidate_id)
          .Bind(5, c.started_at)
          .Bind(6, c.ended_at)
          .Bind(7, thumb)
          .Bind(8, c.ended_at)
          .Run();
  if (!s.ok()) return s;
  *interview_id = db.LastInsertId();
  for (const auto& r : c.recordings) {
    s = db.Prepare(kInsertRecording)
            .Bind(1, account_id)
            .Bind(2, *interview_id)
            .Bind(3, r.index)
            .Bind(4, r.title)
            .Bind(5, r.required ? 1 : 0)
            .Bind(6, r.video_id)
            .Bind(7, r.thumbnail_id)
            .Run();
    if (!s.ok()) return s;
  }
  return MarkInvitationCompleted(db, invitation_id, c.ended_at);
}

constexpr const char kFindInterviewOfInvitation[] =
    "SELECT id FROM interviews WHERE invitation_id = ?1 ORDER BY id LIMIT 1";
constexpr const char kCountReviewsOfInterview[] =
    "SELECT COUNT(*) FROM reviews WHERE interview_id = ?1";

Result<int64_t> FindInterviewIdOfInvitation(Db& db, int64_t invitation_id) {
  Stmt st = db.Prepare(kFindInterviewOfInvitation);
  st.Bind(1, invitation_id);
  Status s;
  if (st.Step(&s)) return st.Int(0);
  if (!s.ok()) return s;
  return int64_t{0};
}

Result<int64_t> CountReviewsOfInterview(Db& db, int64_t interview_id) {
  Stmt st = db.Prepare(kCountReviewsOfInterview);
  st.Bind(1, interview_id);
  Status s;
  if (st.Step(&s)) return st.Int(0);
  if (!s.ok()) return s;
  return int64_t{0};
}

Result<Interview> GetInterview(Db& db, int64_t account_id, int64_t id) {
  Stmt st = db.Prepare(kSelectInterview);
  st.Bind(1, account_id).Bind(2, id);
  return OneRow<Interview>(st, FromRow, "interview with id " + std::to_string(id));
}

InterviewCursor::InterviewCursor(Db& db, int64_t account_id, const InterviewFilter& f)
    : st_(db.Prepare(ShapeFor(f).first)) {
  BindFilter(st_, account_id, f);
  st_.Bind(6, f.limit).Bind(7, f.offset);
}

bool InterviewCursor::Next(Interview* out, Status* status) {
  if (!st_.Step(status)) return false;
  *out = FromRow(st_);
  return true;
}

namespace {

// The id span the id-order walk may read for a page ending at row `end` of
// the range (at most that many rows: ids are unique). A short walk first (the
// usual case: ids and end times rise together, so few ids after the lowest
// belong to rows outside the range), then a long one.
struct WalkBudget {
  int64_t ids_per_match, slack;
};
constexpr WalkBudget kWalkBudgets[] = {{2, 16}, {4, 256}};
constexpr int64_t kWalkMaxEnd = 2000;  // deeper pages go straight to the sorted range

// The range page by kListByRangeWalk. Sets *total in every case; *done is
// false when the walk read its budget before reaching the page's last row
// (the caller then sorts the range instead; `out` is left empty).
Status ListRangeByWalk(Db& db, int64_t account_id, const InterviewFilter& f,
                       std::vector<Interview>* out, int64_t* total, bool* done) {
  *done = false;
  std::optional<int64_t> lowest;
  Status s = CountAndLowest(db, account_id, f, total, &lowest);
  if (!s.ok()) return s;
  const int64_t expected = std::max<int64_t>(0, std::min(f.limit, *total - f.offset));
  if (expected == 0 || !lowest) {
    *done = true;
    return Status::OK();
  }
  for (const WalkBudget& budget : kWalkBudgets) {
    Stmt page = db.Prepare(kListByRangeWalk);
    BindFilter(page, account_id, f);
    page.Bind(6, f.limit).Bind(7, f.offset).Bind(8, *lowest);
    // lowest is an id (far below INT64_MAX) and the span at most ~10^4.
    page.Bind(9, *lowest + budget.ids_per_match * (f.offset + f.limit) + budget.slack - 1);
    std::vector<Interview> rows;
    rows.reserve(static_cast<size_t>(expected));
    while (page.Step(&s)) rows.push_back(FromRow(page));
    if (!s.ok()) return s;
    // Every match is at or above ?8 and the span is a prefix of the ids from
    // there, so a walk that produced the whole page produced the right page.
    if (static_cast<int64_t>(rows.size()) == expected) {
      if (out->empty()) {
        out->swap(rows);
      } else {
        for (auto& w : rows) out->push_back(std::move(w));
      }
      *done = true;
      return Status::OK();
    }
  }
  return Status::OK();
}

}  // namespace

Status ListInterviews(Db& db, int64_t account_id, const InterviewFilter& f,
                      std::vector<Interview>* out, int64_t* total) {
  Status s;
  if (ShapeFor(f).first == kListByRange && f.offset + f.limit <= kWalkMaxEnd) {
    bool done = false;
    s = ListRangeByWalk(db, account_id, f, out, total, &done);  // counts, too
    if (!s.ok() || done) return s;
  } else {
    s = CountInterviews(db, account_id, f, total);
    if (!s.ok()) return s;
  }
  InterviewCursor cursor(db, account_id, f);
  if (f.limit > 0)
    out->reserve(out->size() + static_cast<size_t>(std::min<int64_t>(f.limit, 1000)));
  Interview w;
  while (cursor.Next(&w, &s)) out->push_back(std::move(w));
  return s;
}

Status ListRecordings(Db& db, int64_t interview_id, std::vector<Recording>* out) {
  Stmt st = db.Prepare(kListRecordings);
  st.Bind(1, interview_id);
  Status s;
  while (st.Step(&s)) {
    out->push_back(Recording{st.Int(0), st.Int(1), st.Text(2), st.Int(3) != 0, st.OptInt(4),
                             st.OptInt(5), st.OptText(6), st.OptInt(7)});
  }
  return s;
}

Status SetInterviewSynchronized(Db& db, int64_t interview_id, int64_t when) {
  return db.Prepare(kSetSynchronized).Bind(1, interview_id).Bind(2, when).Run();
}

Status InsertReviewer(Db& db, int64_t account_id, Reviewer* r, int64_t now) {
  Status s = db.Prepare(kInsertReviewer)
                 .Bind(1, account_id)
                 .Bind(2, r->interview_id)
                 .Bind(3, r->name)
                 .Bind(4, r->email)
                 .Bind(5, r->phone)
                 .Bind(6, r->token)
                 .Bind(7, now)
                 .Run();
  r->id = db.LastInsertId();
  if (s.ok()) s = db.Prepare(kTouchInterview).Bind(1, r->interview_id).Bind(2, now).Run();
  return s;
}

Result<Reviewer> GetReviewer(Db& db, int64_t account_id, int64_t interview_id, int64_t id) {
  Stmt st = db.Prepare(kSelectReviewer);
  st.Bind(1, account_id).Bind(2, interview_id).Bind(3, id);
  return OneRow<Reviewer>(st, ReviewerFromRow, "reviewer with id " + std::to_string(id));
}

Result<Reviewer> GetReviewerByToken(Db& db, const std::string& token) {
  Stmt st = db.Prepare(kSelectReviewerByToken);
  st.Bind(1, token);
  return OneRow<Reviewer>(st, ReviewerFromRow, "reviewer invitation with that link");
}

Status ListReviewers(Db& db, int64_t account_id, int64_t interview_id, std::vector<Reviewer>* out) {
  Stmt st = db.Prepare(kListReviewers);
  st.Bind(1, account_id).Bind(2, interview_id);
  Status s;
  while (st.Step(&s)) out->push_back(ReviewerFromRow(st));
  return s;
}

Status UpdateReviewer(Db& db, int64_t account_id, const Reviewer& r) {
  return db.Prepare(kUpdateReviewer)
      .Bind(1, account_id)
      .Bind(2, r.id)
      .Bind(3, r.name)
      .Bind(4, r.email)
      .Bind(5, r.phone)
      .Run();
}

Status DeleteReviewer(Db& db, int64_t account_id, int64_t interview_id, int64_t id, int64_t now) {
  auto r = GetReviewer(db, account_id, interview_id, id);
  if (!r.ok()) return r.status();
  Status s = db.Prepare(kDeleteReviewer).Bind(1, id).Run();
  if (s.ok()) s = db.Prepare(kTouchInterview).Bind(1, interview_id).Bind(2, now).Run();
  return s;
}

Status InsertReview(Db& db, int64_t account_id, Review* r, std::optional<int64_t> user_id,
                    int64_t now) {
  Status s = db.Prepare(kInsertReview)
                 .Bind(1, account_id)
                 .Bind(2, r->interview_id)
                 .Bind(3, r->reviewer_name)
                 .Bind(4, user_id)
                 .Bind(5, r->rating)
                 .Bind(6, r->remarks)
                 .Bind(7, now)
                 .Run();
  r->id = db.LastInsertId();
  if (s.ok()) s = db.Prepare(kTouchInterview).Bind(1, r->interview_id).Bind(2, now).Run();
  return s;
}

Result<Review> GetReview(Db& db, int64_t account_id, int64_t interview_id, int64_t id) {
  Stmt st = db.Prepare(kSelectReview);
  st.Bind(1, account_id).Bind(2, interview_id).Bind(3, id);
  return OneRow<Review>(st, ReviewFromRow, "review with id " + std::to_string(id));
}

Status ListReviews(Db& db, int64_t account_id, int64_t interview_id, std::vector<Review>* out) {
  Stmt st = db.Prepare(kListReviews);
  st.Bind(1, account_id).Bind(2, interview_id);
  Status s;
  while (st.Step(&s)) out->push_back(ReviewFromRow(st));
  return s;
}

Status DeleteReview(Db& db, int64_t account_id, int64_t interview_id, int64_t id, int64_t now) {
  auto r = GetReview(db, account_id, interview_id, id);
  if (!r.ok()) return r.status();
  Status s = db.Prepare(kDeleteReview).Bind(1, id).Run();
  if (s.ok()) s = db.Prepare(kTouchInterview).Bind(1, interview_id).Bind(2, now).Run();
  return s;
}

Status InsertForwardLink(Db& db, ForwardLink* link) {
  Status s = db.Prepare(kInsertForwardLink)
                 .Bind(1, link->account_id)
                 .Bind(2, link->interview_id)
                 .Bind(3, link->token)
                 .Bind(4, link->created_at)
                 .Bind(5, link->expires_at)
                 .Bind(6, link->opens_left)
                 .Run();
  link->id = db.LastInsertId();
  return s;
}

static ForwardLink LinkFromRow(const Stmt& st) {
  return ForwardLink{st.Int(0), st.Int(1), st.Int(2), st.Text(3), st.Int(4), st.Int(5), st.Int(6)};
}

Result<ForwardLink> GetForwardLink(Db& db, const std::string& token) {
  Stmt st = db.Prepare(kSelectForwardLink);
  st.Bind(1, token);
  return OneRow<ForwardLink>(st, LinkFromRow, "forward link");
}

Status UseForwardLink(Db& db, const std::string& token, int64_t now, ForwardLink* link) {
  auto l = GetForwardLink(db, token);
  if (!l.ok()) return l.status();
  if (now > l->expires_at) return Status::Gone("this link expired");
  if (l->opens_left <= 0) return Status::Gone("this link was used up");
  Status s = db.Prepare(kUseForwardLink).Bind(1, l->id).Run();
  if (!s.ok()) return s;
  *link = l.value();
  link->opens_left -= 1;
  return Status::OK();
}

}  // namespace cammio
