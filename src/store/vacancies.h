// Vacancies and their questions. Every function is scoped to one account: a
// vacancy of another account is NotFound, exactly like one that does not
// exist. Writers must run inside Store::Write.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "cammio/status.h"
#include "store/db.h"

namespace cammio {

struct Question {
  int64_t id = 0;
  int64_t index = 0;
  std::string title;
  std::optional<std::string> text;
  std::optional<int64_t> video_id;
  std::optional<std::string> answering_time;
  bool required = true;
};

struct Vacancy {
  int64_t id = 0;
  int64_t account_id = 0;
  int64_t recruiter_id = 0;
  std::string recruiter_name, recruiter_email;
  std::optional<std::string> recruiter_phone;
  std::string title;
  std::string kind = "automated";
  std::string scope = "private";
  std::optional<std::string> language, reference_id;
  std::string datetime_start, datetime_end;  // as the client gave them
  int64_t datetime_start_ts = 0, datetime_end_ts = 0;
  std::string answering_time = "2 minutes";
  std::string cv_upload_required = "no";
  std::optional<std::string> external_info_url, generic_invitation_text;
  std::optional<int64_t> num_of_retries;
  std::optional<std::string> play_test_question;
  std::string use_as_template = "no";
  std::optional<int64_t> template_id;
  std::string public_token;
  int64_t created_at = 0, updated_at = 0;
  // Live vacancies: whether each participant's browser records the live
  // interview (schema/014, docs/decisions.md "Live recording"). Kept on
  // automated vacancies too (it takes effect when one becomes live), where
  // it means nothing and the API does not show it.
  bool live_recording = true;
  // The video a candidate sees before the first question (schema/018): a
  // `videos` row of the account of kind "question"; nullopt: none.
  std::optional<int64_t> intro_video_id;
  // Derived on read.
  int64_t num_of_invitations = 0;  // open invitations
  int64_t num_of_interviews = 0;
  std::vector<Question> questions;
};

struct VacancyFilter {
  bool templates_only = false;
  std::optional<int64_t> active_at;  // start <= t <= end
  std::optional<int64_t> from, to;   // overlaps [from, to]
  std::optional<int64_t> updated_since;
  int64_t limit = -1;  // -1: all rows
  int64_t offset = 0;
};

// Inserts `v` (id, public_token, timestamps assigned) with its questions.
Status InsertVacancy(Db& db, Vacancy* v);
// Replaces the stored fields of v->id (same account) and, when
// `replace_questions`, its questions.
Status UpdateVacancy(Db& db, const Vacancy& v, bool replace_questions);
// NotFound unless the vacancy exists in `account_id`.
Result<Vacancy> GetVacancy(Db& db, int64_t account_id, int64_t id);
// The same vacancy without what GetVacancy adds to the row: its counters
// (open_invitations and interviews are 0) and its questions (empty). For
// write paths that read a vacancy's texts, e.g. the emails.
Result<Vacancy> GetVacancyRow(Db& db, int64_t account_id, int64_t id);
// The kind ("automated"/"live") of a vacancy of the account, without the
// counters and questions GetVacancy loads: for hot write paths.
Result<std::string> GetVacancyKind(Db& db, int64_t account_id, int64_t id);
// Whether the account has a vacancy with that id (the cheapest check, for
// the scope of nested routes).
Result<bool> VacancyExists(Db& db, int64_t account_id, int64_t id);
// The first (lowest) id of the account's vacancies with that reference_id, or
// 0 when there is none; a failed read's Status otherwise.
Result<int64_t> FindVacancyIdByReference(Db& db, int64_t account_id,
                                         const std::string& reference_id);
// Matching vacancies ordered by id, and the count before limit/offset.
Status ListVacancies(Db& db, int64_t account_id, const VacancyFilter& filter,
                     std::vector<Vacancy>* out, int64_t* total);
// Whether `question_id` is a question of vacancy `vacancy_id` (the caller
// has checked that the vacancy is the account's).
Result<bool> QuestionOfVacancy(Db& db, int64_t vacancy_id, int64_t question_id);
// Sets (nullopt: removes) the intro video of the account's vacancy `id`
// and moves its updated_at to `now`. NotFound unless the vacancy is the
// account's. The caller has checked the video (api/vacancy_videos.h).
Status SetVacancyIntroVideo(Db& db, int64_t account_id, int64_t id, std::optional<int64_t> video_id,
                            int64_t now);
// Sets (nullopt: removes) the video of question `question_id` of the
// account's vacancy `vacancy_id` and moves the vacancy's updated_at to
// `now`. NotFound (naming which) unless the vacancy is the account's and
// the question is the vacancy's.
Status SetQuestionVideo(Db& db, int64_t account_id, int64_t vacancy_id, int64_t question_id,
                        std::optional<int64_t> video_id, int64_t now);
// PreconditionFailed while invitations (of any status) or interviews exist.
Status DeleteVacancy(Db& db, int64_t account_id, int64_t id);

}  // namespace cammio
