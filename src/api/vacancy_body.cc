#include "api/vacancy_body.h"

#include "api/fields.h"

namespace cammio {
namespace {

constexpr size_t kShortText = 255;
constexpr size_t kLongText = 65535;

// Parses the `questions` list: [{"question": {...}}] or [{...}].
Status ParseQuestions(const Value& list, std::vector<Question>* out) {
  if (!list.is_array()) return Status::InvalidArgument("questions must be an array");
  out->clear();
  for (size_t i = 0; i < list.items().size(); ++i) {
    const Value* item = &list.items()[i];
    if (item->is_object() && item->size() == 1 && item->Find("question") != nullptr) {
      item = item->Find("question");
    }
    if (!item->is_object()) return Status::InvalidArgument("each question must be an object");
    Fields f(*item);
    Question q;
    std::string where = "questions[" + std::to_string(i) + "].";
    q.title = f.RequiredString("title", 1000);
    q.text = f.String("text", kLongText);
    q.video_id = f.Id("video_id");
    q.answering_time = f.String("answering_time", 64);
    q.index = f.Int("index", 1, 1000).value_or(static_cast<int64_t>(i) + 1);
    if (f.Has("required") && !f.IsNull("required")) {
      q.required = f.YesNo("required").value_or("yes") == "yes";
    }
    if (!f.ok()) {
      Status s = f.status();
      return s.code() == Status::Code::kInvalidArgument
                 ? Status::InvalidArgument(where + s.details())
                 : Status::PreconditionFailed(where + s.details());
    }
    out->push_back(std::move(q));
  }
  return Status::OK();
}

// `live_recording`: true or false (XML: the text "true"/"false"; also 1/0).
// Anything else, null included, is 412 naming the field.
Status ParseLiveRecording(const Value* v, std::optional<bool>* out) {
  if (v == nullptr) return Status::OK();
  if (v->type() == Value::Type::kBool) {
    *out = v->as_bool();
    return Status::OK();
  }
  if (v->type() == Value::Type::kInt && (v->as_int() == 0 || v->as_int() == 1)) {
    *out = v->as_int() == 1;
    return Status::OK();
  }
  if (v->is_string()) {
    const std::string& s = v->as_string();
    if (s == "true" || s == "1") *out = true;
    if (s == "false" || s == "0") *out = false;
    if (*out) return Status::OK();
  }
  return Status::PreconditionFailed("live_recording must be true or false");
}

}  // namespace

// Parses the fields present in `body` (create and update). Pure: no rule
// here depends on a stored row.
Status ParseVacancyPatch(const Value& body, VacancyPatch* p) {
  Fields f(body);
  if (f.Has("title")) p->title = f.String("title", kShortText).value_or("");
  p->kind = f.Enum("kind", {"automated", "live"});
  p->scope = f.Enum("scope", {"private", "public"});
  if (f.Has("language")) p->language = f.String("language", 16);
  if (f.Has("reference_id")) p->reference_id = f.String("reference_id", kShortText);
  p->datetime_start = f.Date("datetime_start");
  p->datetime_end = f.Date("datetime_end");
  p->answering_time = f.String("answering_time", 64);
  p->cv_upload_required = f.YesNo("cv_upload_required");
  if (f.Has("external_info_url")) p->external_info_url = f.Url("external_info_url");
  if (f.Has("generic_invitation_text")) {
    p->generic_invitation_text = f.String("generic_invitation_text", kLongText);
  }
  if (f.Has("num_of_retries")) p->num_of_retries = f.Int("num_of_retries", 0, 100);
  if (f.Has("play_test_question")) p->play_test_question = f.YesNo("play_test_question");
  p->use_as_template = f.YesNo("use_as_template");
  if (f.Has("intro_video_id")) p->intro_video_id = f.Id("intro_video_id");
  if (!f.ok()) return f.status();
  Status rec = ParseLiveRecording(f.Raw("live_recording"), &p->live_recording);
  if (!rec.ok()) return rec;
  if (const Value* q = f.Raw("questions"); q != nullptr && !q->is_null()) {
    std::vector<Question> questions;
    Status s = ParseQuestions(*q, &questions);
    if (!s.ok()) return s;
    p->questions = std::move(questions);
  }
  return Status::OK();
}

// Sets what `p` names onto `v` (create: onto defaults or a template copy;
// update: onto the stored vacancy).
void ApplyVacancyPatch(const VacancyPatch& p, Vacancy* v) {
  if (p.title) v->title = *p.title;
  if (p.kind) v->kind = *p.kind;
  if (p.scope) v->scope = *p.scope;
  if (p.language) v->language = *p.language;
  if (p.reference_id) v->reference_id = *p.reference_id;
  if (p.datetime_start) {
    v->datetime_start = p.datetime_start->text;
    v->datetime_start_ts = p.datetime_start->epoch;
  }
  if (p.datetime_end) {
    v->datetime_end = p.datetime_end->text;
    v->datetime_end_ts = p.datetime_end->epoch;
  }
  if (p.answering_time) v->answering_time = *p.answering_time;
  if (p.cv_upload_required) v->cv_upload_required = *p.cv_upload_required;
  if (p.external_info_url) v->external_info_url = *p.external_info_url;
  if (p.generic_invitation_text) v->generic_invitation_text = *p.generic_invitation_text;
  if (p.num_of_retries) v->num_of_retries = *p.num_of_retries;
  if (p.play_test_question) v->play_test_question = *p.play_test_question;
  if (p.use_as_template) v->use_as_template = *p.use_as_template;
  if (p.questions) v->questions = *p.questions;
  if (p.live_recording) v->live_recording = *p.live_recording;
  if (p.intro_video_id) v->intro_video_id = *p.intro_video_id;
}

// The rules over the merged vacancy. No reads: cheap enough to run again
// inside the write, where the stored row or the template may have moved.
Status CheckVacancy(const Vacancy& v) {
  if (v.title.find_first_not_of(" \t\r\n") == std::string::npos) {
    return Status::PreconditionFailed("title is required");
  }
  if (v.datetime_start.empty()) return Status::PreconditionFailed("datetime_start is required");
  if (v.datetime_end.empty()) return Status::PreconditionFailed("datetime_end is required");
  if (v.datetime_end_ts < v.datetime_start_ts) {
    return Status::PreconditionFailed("datetime_end must not be before datetime_start");
  }
  if (v.kind == "live" && !v.questions.empty()) {
    return Status::PreconditionFailed("questions are only for automated vacancies");
  }
  if (v.kind == "live" && v.intro_video_id) {
    return Status::PreconditionFailed("intro_video_id is only for automated vacancies");
  }
  return Status::OK();
}

}  // namespace cammio
