#include "store/vacancies.h"

#include "store/erase.h"
#include "util/random.h"

namespace cammio {
namespace {

#define VACANCY_COLUMNS                                                                      \
  "SELECT v.id, v.account_id, v.recruiter_id, u.name, u.email, u.phone, v.title, v.kind, "   \
  "v.scope, v.language, v.reference_id, v.datetime_start, v.datetime_start_ts, "             \
  "v.datetime_end, v.datetime_end_ts, v.answering_time, v.cv_upload_required, "              \
  "v.external_info_url, v.generic_invitation_text, v.num_of_retries, v.play_test_question, " \
  "v.use_as_template, v.template_id, v.public_token, v.created_at, v.updated_at, "           \
  "v.live_recording, v.intro_video_id, "
#define VACANCY_FROM "FROM vacancies v JOIN users u ON u.id = v.recruiter_id "
// The counters are kept by the triggers of schema/017.
#define VACANCY_SELECT VACANCY_COLUMNS "v.num_open_invitations, v.num_interviews " VACANCY_FROM

#define VACANCY_FILTER                                                                         \
  "WHERE v.account_id = ?1 AND (?2 = 0 OR v.use_as_template = 'yes') "                         \
  "AND (?3 IS NULL OR (v.datetime_start_ts <= ?3 AND v.datetime_end_ts >= ?3)) "               \
  "AND (?4 IS NULL OR v.datetime_end_ts >= ?4) AND (?5 IS NULL OR v.datetime_start_ts <= ?5) " \
  "AND (?6 IS NULL OR v.updated_at >= ?6) "

constexpr const char kSelectVacancy[] = VACANCY_SELECT "WHERE v.account_id = ?1 AND v.id = ?2";
// Without the counters: they walk every invitation and interview of the vacancy.
constexpr const char kSelectVacancyRow[] =
    VACANCY_COLUMNS "0, 0 " VACANCY_FROM "WHERE v.account_id = ?1 AND v.id = ?2";
constexpr const char kListVacancies[] =
    VACANCY_SELECT VACANCY_FILTER "ORDER BY v.id LIMIT ?7 OFFSET ?8";
constexpr const char kCountVacancies[] = "SELECT COUNT(*) FROM vacancies v " VACANCY_FILTER;

constexpr const char kVacancyExists[] = "SELECT 1 FROM vacancies WHERE account_id = ?1 AND id = ?2";
constexpr const char kSelectKind[] = "SELECT kind FROM vacancies WHERE account_id = ?1 AND id = ?2";
constexpr const char kInsertVacancy[] =
    "INSERT INTO vacancies (account_id, recruiter_id, title, kind, scope, language, "
    "reference_id, datetime_start, datetime_start_ts, datetime_end, datetime_end_ts, "
    "answering_time, cv_upload_required, external_info_url, generic_invitation_text, "
    "num_of_retries, play_test_question, use_as_template, template_id, public_token, "
    "created_at, updated_at, live_recording, intro_video_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, "
    "?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24)";
constexpr const char kUpdateVacancy[] =
    "UPDATE vacancies SET title = ?3, kind = ?4, scope = ?5, language = ?6, reference_id = ?7, "
    "datetime_start = ?8, datetime_start_ts = ?9, datetime_end = ?10, datetime_end_ts = ?11, "
    "answering_time = ?12, cv_upload_required = ?13, external_info_url = ?14, "
    "generic_invitation_text = ?15, num_of_retries = ?16, play_test_question = ?17, "
    "use_as_template = ?18, updated_at = ?19, live_recording = ?20, intro_video_id = ?21 "
    "WHERE account_id = ?1 AND id = ?2";
constexpr const char kSelectQuestions[] =
    "SELECT id, idx, title, text, video_id, answering_time, required FROM questions "
    "WHERE vacancy_id = ?1 ORDER BY idx, id";
constexpr const char kInsertQuestion[] =
    "INSERT INTO questions (vacancy_id, idx, title, text, video_id, answering_time, required) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)";
constexpr const char kDeleteQuestions[] = "DELETE FROM questions WHERE vacancy_id = ?1";
constexpr const char kCountBlockers[] =
    "SELECT (SELECT COUNT(*) FROM invitations WHERE vacancy_id = ?1 AND status != 'revoked'), "
    "(SELECT COUNT(*) FROM interviews WHERE vacancy_id = ?1)";

Vacancy FromRow(const Stmt& st) {
  Vacancy v;
  v.id = st.Int(0);
  v.account_id = st.Int(1);
  v.recruiter_id = st.Int(2);
  v.recruiter_name = st.Text(3);
  v.recruiter_email = st.Text(4);
  v.recruiter_phone = st.OptText(5);
  v.title = st.Text(6);
  v.kind = st.Text(7);
  v.scope = st.Text(8);
  v.language = st.OptText(9);
  v.reference_id = st.OptText(10);
  v.datetime_start = st.Text(11);
  v.datetime_start_ts = st.Int(12);
  v.datetime_end = st.Text(13);
  v.datetime_end_ts = st.Int(14);
  v.answering_time = st.Text(15);
  v.cv_upload_required = st.Text(16);
  v.external_info_url = st.OptText(17);
  v.generic_invitation_text = st.OptText(18);
  v.num_of_retries = st.OptInt(19);
  v.play_test_question = st.OptText(20);
  v.use_as_template = st.Text(21);
  v.template_id = st.OptInt(22);
  v.public_token = st.Text(23);
  v.created_at = st.Int(24);
  v.updated_at = st.Int(25);
  v.live_recording = st.Int(26) != 0;
  v.intro_video_id = st.OptInt(27);
  v.num_of_invitations = st.Int(28);
  v.num_of_interviews = st.Int(29);
  return v;
}

// Binds the fields shared by INSERT and UPDATE at positions 3..18.
void BindFields(Stmt& st, const Vacancy& v) {
  st.Bind(3, v.title)
      .Bind(4, v.kind)
      .Bind(5, v.scope)
      .Bind(6, v.language)
      .Bind(7, v.reference_id)
      .Bind(8, v.datetime_start)
      .Bind(9, v.datetime_start_ts)
      .Bind(10, v.datetime_end)
      .Bind(11, v.datetime_end_ts)
      .Bind(12, v.answering_time)
      .Bind(13, v.cv_upload_required)
      .Bind(14, v.external_info_url)
      .Bind(15, v.generic_invitation_text)
      .Bind(16, v.num_of_retries)
      .Bind(17, v.play_test_question)
      .Bind(18, v.use_as_template);
}

Status InsertQuestions(Db& db, int64_t vacancy_id, std::vector<Question>* questions) {
  for (Question& q : *questions) {
    Status s = db.Prepare(kInsertQuestion)
                   .Bind(1, vacancy_id)
                   .Bind(2, q.index)
                   .Bind(3, q.title)
                   .Bind(4, q.text)
                   .Bind(5, q.video_id)
                   .Bind(6, q.answering_time)
                   .Bind(7, q.required ? 1 : 0)
                   .Run();
    if (!s.ok()) return s;
    q.id = db.LastInsertId();
  }
  return Status::OK();
}

Status LoadQuestions(Db& db, Vacancy* v) {
  Stmt st = db.Prepare(kSelectQuestions);
  st.Bind(1, v->id);
  Status s;
  v->questions.clear();
  while (st.Step(&s)) {
    v->questions.push_back(Question{st.Int(0), st.Int(1), st.Text(2), st.OptText(3), st.OptInt(4),
                                    st.OptText(5), st.Int(6) != 0});
  }
  return s;
}

}  // namespace

Status InsertVacancy(Db& db, Vacancy* v) {
  v->public_token = RandomToken(20);
  v->updated_at = v->created_at;
  Stmt st = db.Prepare(kInsertVacancy);
  st.Bind(1, v->account_id).Bind(2, v->recruiter_id);
  BindFields(st, *v);
  st.Bind(19, v->template_id)
      .Bind(20, v->public_token)
      .Bind(21, v->created_at)
      .Bind(22, v->updated_at)
      .Bind(23, v->live_recording ? 1 : 0)
      .Bind(24, v->intro_video_id);
  Status s = st.Run();
  if (!s.ok()) return s;
  v->id = db.LastInsertId();
  return InsertQuestions(db, v->id, &v->questions);
}

Status UpdateVacancy(Db& db, const Vacancy& v, bool replace_questions) {
  Stmt st = db.Prepare(kUpdateVacancy);
  st.Bind(1, v.account_id).Bind(2, v.id);
  BindFields(st, v);
  st.Bind(19, v.updated_at).Bind(20, v.live_recording ? 1 : 0).Bind(21, v.intro_video_id);
  Status s = st.Run();
  if (s.ok() && db.Changes() == 0) return Status::NotFound("vacancy " + std::to_string(v.id));
  if (s.ok() && replace_questions) {
    s = db.Prepare(kDeleteQuestions).Bind(1, v.id).Run();
    std::vector<Question> qs = v.questions;
    if (s.ok()) s = InsertQuestions(db, v.id, &qs);
  }
  return s;
}

namespace {

Result<Vacancy> SelectVacancy(Db& db, const char* sql, int64_t account_id, int64_t id) {
  Stmt st = db.Prepare(sql);
  st.Bind(1, account_id).Bind(2, id);
  Status s;
  if (!st.Step(&s)) {
    if (!s.ok()) return s;
    return Status::NotFound("no vacancy with id " + std::to_string(id));
  }
  return FromRow(st);
}

}  // namespace

Result<Vacancy> GetVacancyRow(Db& db, int64_t account_id, int64_t id) {
  return SelectVacancy(db, kSelectVacancyRow, account_id, id);
}

Result<Vacancy> GetVacancy(Db& db, int64_t account_id, int64_t id) {
  auto v = SelectVacancy(db, kSelectVacancy, account_id, id);
  if (!v.ok()) return v;
  Status s = LoadQuestions(db, &v.value());
  if (!s.ok()) return s;
  return v;
}

Result<std::string> GetVacancyKind(Db& db, int64_t account_id, int64_t id) {
  Stmt st = db.Prepare(kSelectKind);
  st.Bind(1, account_id).Bind(2, id);
  Status s;
  if (st.Step(&s)) return st.Text(0);
  if (!s.ok()) return s;
  return Status::NotFound("no vacancy with id " + std::to_string(id));
}

Result<bool> VacancyExists(Db& db, int64_t account_id, int64_t id) {
  Stmt st = db.Prepare(kVacancyExists);
  st.Bind(1, account_id).Bind(2, id);
  Status s;
  if (st.Step(&s)) return true;
  if (!s.ok()) return s;
  return false;
}

constexpr const char kFindVacancyByReference[] =
    "SELECT id FROM vacancies WHERE account_id = ?1 AND reference_id = ?2 ORDER BY id LIMIT 1";

Result<int64_t> FindVacancyIdByReference(Db& db, int64_t account_id,
                                         const std::string& reference_id) {
  Stmt st = db.Prepare(kFindVacancyByReference);
  st.Bind(1, account_id).Bind(2, reference_id);
  Status s;
  if (st.Step(&s)) return st.Int(0);
  if (!s.ok()) return s;
  return int64_t{0};
}

static void BindFilter(Stmt& st, int64_t account_id, const VacancyFilter& f) {
  st.Bind(1, account_id)
      .Bind(2, f.templates_only ? 1 : 0)
      .Bind(3, f.active_at)
      .Bind(4, f.from)
      .Bind(5, f.to)
      .Bind(6, f.updated_since);
}

Status ListVacancies(Db& db, int64_t account_id, const VacancyFilter& filter,
                     std::vector<Vacancy>* out, int64_t* total) {
  Stmt count = db.Prepare(kCountVacancies);
  BindFilter(count, account_id, filter);
  Status s;
  if (count.Step(&s)) *total = count.Int(0);
  if (!s.ok()) return s;
  Stmt st = db.Prepare(kListVacancies);
  BindFilter(st, account_id, filter);
  st.Bind(7, filter.limit).Bind(8, filter.offset);
  while (st.Step(&s)) out->push_back(FromRow(st));
  return s;
}

constexpr const char kSetIntroVideo[] =
    "UPDATE vacancies SET intro_video_id = ?3, updated_at = ?4 WHERE account_id = ?1 AND id = ?2";
constexpr const char kTouchVacancy[] =
    "UPDATE vacancies SET updated_at = ?3 WHERE account_id = ?1 AND id = ?2";
constexpr const char kSetQuestionVideo[] =
    "UPDATE questions SET video_id = ?3 WHERE vacancy_id = ?1 AND id = ?2";

constexpr const char kQuestionOfVacancy[] =
    "SELECT 1 FROM questions WHERE vacancy_id = ?1 AND id = ?2";

Result<bool> QuestionOfVacancy(Db& db, int64_t vacancy_id, int64_t question_id) {
  Stmt st = db.Prepare(kQuestionOfVacancy);
  st.Bind(1, vacancy_id).Bind(2, question_id);
  Status s;
  if (st.Step(&s)) return true;
  if (!s.ok()) return s;
  return false;
}

Status SetVacancyIntroVideo(Db& db, int64_t account_id, int64_t id, std::optional<int64_t> video_id,
                            int64_t now) {
  Status s = db.Prepare(kSetIntroVideo)
                 .Bind(1, account_id)
                 .Bind(2, id)
                 .Bind(3, video_id)
                 .Bind(4, now)
                 .Run();
  if (s.ok() && db.Changes() == 0)
    return Status::NotFound("no vacancy with id " + std::to_string(id));
  return s;
}

Status SetQuestionVideo(Db& db, int64_t account_id, int64_t vacancy_id, int64_t question_id,
                        std::optional<int64_t> video_id, int64_t now) {
  Status s = db.Prepare(kTouchVacancy).Bind(1, account_id).Bind(2, vacancy_id).Bind(3, now).Run();
  if (s.ok() && db.Changes() == 0) {
    return Status::NotFound("no vacancy with id " + std::to_string(vacancy_id));
  }
  if (s.ok()) {
    s = db.Prepare(kSetQuestionVideo)
            .Bind(1, vacancy_id)
            .Bind(2, question_id)
            .Bind(3, video_id)
            .Run();
  }
  if (s.ok() && db.Changes() == 0) {
    return Status::NotFound("vacancy " + std::to_string(vacancy_id) + " has no question with id " +
                            std::to_string(question_id));
  }
  return s;
}

Status DeleteVacancy(Db& db, int64_t account_id, int64_t id) {
  auto v = GetVacancy(db, account_id, id);
  if (!v.ok()) return v.status();
  Stmt blockers = db.Prepare(kCountBlockers);
  blockers.Bind(1, id);
  Status s;
  if (blockers.Step(&s) && (blockers.Int(0) > 0 || blockers.Int(1) > 0)) {
    return Status::PreconditionFailed(
        "vacancy " + std::to_string(id) + " has " + std::to_string(blockers.Int(0)) +
        " invitation(s) and " + std::to_string(blockers.Int(1)) +
        " interview(s); delete its invitations first (interviews cannot be deleted)");
  }
  if (!s.ok()) return s;
  return EraseVacancyRows(db, account_id, id);
}

}  // namespace cammio
