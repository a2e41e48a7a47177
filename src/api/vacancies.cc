// /api/vacancies: list, create (also from a template, also several at once),
// get (with questions, invitations and interviews embedded), update, delete.
#include "api/vacancies.h"

#include "api/fields.h"
#include "api/interviews.h"
#include "api/invitations.h"
#include "api/list_query.h"
#include "store/videos.h"

namespace cammio {
namespace {

constexpr size_t kShortText = 255;
constexpr size_t kLongText = 65535;

Value QuestionDocument(const Question& q) {
  Value o = Value::Object();
  o.Set("id", Value::Int(q.id));
  o.Set("index", Value::Int(q.index));
  o.Set("title", Value::String(q.title));
  o.Set("text", Value::StringOrNull(q.text));
  o.Set("video_id", Value::IntOrNull(q.video_id));
  o.Set("answering_time", Value::StringOrNull(q.answering_time));
  o.Set("required", Value::Int(q.required ? 1 : 0));
  return Value::Wrap("question", std::move(o));
}

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

// Copies what a template carries into a new vacancy (not its identity,
// schedule or template flag).
void CopyTemplate(const Vacancy& t, Vacancy* v) {
  v->title = t.title;
  v->kind = t.kind;
  v->scope = t.scope;
  v->language = t.language;
  v->answering_time = t.answering_time;
  v->cv_upload_required = t.cv_upload_required;
  v->external_info_url = t.external_info_url;
  v->generic_invitation_text = t.generic_invitation_text;
  v->num_of_retries = t.num_of_retries;
  v->play_test_question = t.play_test_question;
  v->template_id = t.id;
  v->questions = t.questions;
}

// Applies the fields present in `body` onto `v`. Used by create (onto
// defaults or a template copy) and update (onto the stored vacancy).
Status ApplyBody(const Value& body, Vacancy* v) {
  Fields f(body);
  if (f.Has("title")) v->title = f.String("title", kShortText).value_or("");
  if (auto k = f.Enum("kind", {"automated", "live"})) v->kind = *k;
  if (auto s = f.Enum("scope", {"private", "public"})) v->scope = *s;
  if (f.Has("language")) v->language = f.String("language", 16);
  if (f.Has("reference_id")) v->reference_id = f.String("reference_id", kShortText);
  if (auto d = f.Date("datetime_start")) {
    v->datetime_start = d->text;
    v->datetime_start_ts = d->epoch;
  }
  if (auto d = f.Date("datetime_end")) {
    v->datetime_end = d->text;
    v->datetime_end_ts = d->epoch;
  }
  if (auto a = f.String("answering_time", 64)) v->answering_time = *a;
  if (auto c = f.YesNo("cv_upload_required")) v->cv_upload_required = *c;
  if (f.Has("external_info_url")) v->external_info_url = f.Url("external_info_url");
  if (f.Has("generic_invitation_text")) {
    v->generic_invitation_text = f.String("generic_invitation_text", kLongText);
  }
  if (f.Has("num_of_retries")) v->num_of_retries = f.Int("num_of_retries", 0, 100);
  if (f.Has("play_test_question")) v->play_test_question = f.YesNo("play_test_question");
  if (auto t = f.YesNo("use_as_template")) v->use_as_template = *t;
  if (!f.ok()) return f.status();
  if (const Value* q = f.Raw("questions"); q != nullptr && !q->is_null()) {
    Status s = ParseQuestions(*q, &v->questions);
    if (!s.ok()) return s;
  }
  // Rules over the merged result.
  if (v->title.find_first_not_of(" \t\r\n") == std::string::npos) {
    return Status::PreconditionFailed("title is required");
  }
  if (v->datetime_start.empty()) return Status::PreconditionFailed("datetime_start is required");
  if (v->datetime_end.empty()) return Status::PreconditionFailed("datetime_end is required");
  if (v->datetime_end_ts < v->datetime_start_ts) {
    return Status::PreconditionFailed("datetime_end must not be before datetime_start");
  }
  if (v->kind == "live" && !v->questions.empty()) {
    return Status::PreconditionFailed("questions are only for automated vacancies");
  }
  return Status::OK();
}

// The questions a body gave may only name videos of the caller's account: an
// unknown or foreign video_id is 404, like a foreign id anywhere else
// (docs/decisions.md). Questions copied from a template are the account's own.
Status CheckQuestionVideos(Db& db, const Value& body, const Vacancy& v) {
  const Value* given = body.Find("questions");
  if (given == nullptr || given->is_null()) return Status::OK();
  for (size_t i = 0; i < v.questions.size(); ++i) {
    const std::optional<int64_t>& id = v.questions[i].video_id;
    if (!id) continue;
    auto f = GetMediaFile(db, v.account_id, *id);
    if (f.status().IsNotFound()) {
      return Status::NotFound("questions[" + std::to_string(i) + "].video_id " +
                              std::to_string(*id) + " is not a video of this account");
    }
    if (!f.ok()) return f.status();
  }
  return Status::OK();
}

// Builds a new vacancy of the caller from one body element (inside a write).
Status NewVacancy(Db& db, const Call& call, const Value& body, Vacancy* v) {
  v->account_id = call.account_id();
  v->recruiter_id = call.principal().user.id;
  v->created_at = call.now();
  Fields f(body);
  if (auto tid = f.Id("template_id")) {
    auto t = GetVacancy(db, call.account_id(), *tid);
    if (!t.ok()) {
      // Another account's vacancy and a missing one answer alike (404), as a
      // foreign vacancy_id does.
      return t.status().IsNotFound()
                 ? Status::NotFound("template_id " + std::to_string(*tid) + ": no such vacancy")
                 : t.status();
    }
    if (t->use_as_template != "yes") {
      return Status::PreconditionFailed("vacancy " + std::to_string(*tid) +
                                        " is not a template (use_as_template is \"no\")");
    }
    CopyTemplate(*t, v);
  }
  if (!f.ok()) return f.status();
  Status s = ApplyBody(body, v);
  if (s.ok()) s = CheckQuestionVideos(db, body, *v);
  if (s.ok()) s = InsertVacancy(db, v);
  return s;
}

Value VacancyObject(const Vacancy& v, const PublicLinks& links, VacancyView view) {
  Value o = Value::Object();
  o.Set("id", Value::Int(v.id));
  o.Set("title", Value::String(v.title));
  o.Set("kind", Value::String(v.kind));
  o.Set("scope", Value::String(v.scope));
  o.Set("language", Value::StringOrNull(v.language));
  o.Set("reference_id", Value::StringOrNull(v.reference_id));
  o.Set("datetime_start", Value::Datetime(v.datetime_start));
  o.Set("datetime_end", Value::Datetime(v.datetime_end));
  o.Set("answering_time", Value::String(v.answering_time));
  o.Set("cv_upload_required", Value::String(v.cv_upload_required));
  o.Set("external_info_url", Value::StringOrNull(v.external_info_url));
  o.Set("generic_invitation_text", Value::StringOrNull(v.generic_invitation_text));
  o.Set("num_of_retries", Value::IntOrNull(v.num_of_retries));
  o.Set("play_test_question", Value::StringOrNull(v.play_test_question));
  o.Set("use_as_template", Value::String(v.use_as_template));
  o.Set("template_id", Value::IntOrNull(v.template_id));
  o.Set("recruiter_id", Value::Int(v.recruiter_id));
  o.Set("recruiter_name", Value::String(v.recruiter_name));
  o.Set("recruiter_email", Value::String(v.recruiter_email));
  o.Set("recruiter_phone", Value::StringOrNull(v.recruiter_phone));
  o.Set("num_of_invitations", Value::Int(v.num_of_invitations));
  o.Set("num_of_interviews", Value::Int(v.num_of_interviews));
  o.Set("public_url",
        v.scope == "public" ? Value::String(links.PublicVacancy(v.public_token)) : Value::Null());
  o.Set("datetime_updated", Value::Datetime(FormatUtc(v.updated_at)));
  if (view != VacancyView::kListItem) {
    Value qs = Value::Array();
    for (const auto& q : v.questions) qs.Push(QuestionDocument(q));
    o.Set("questions", std::move(qs));
  }
  return o;
}

}  // namespace

Value VacancyDocument(const Vacancy& v, const PublicLinks& links, VacancyView view) {
  return Value::Wrap("vacancy", VacancyObject(v, links, view));
}

Status VacancyDetail(Db& db, const Vacancy& v, const PublicLinks& links, Value* doc) {
  std::vector<Invitation> invitations;
  std::vector<Interview> interviews;
  int64_t total = 0;
  InvitationFilter inv_filter;
  inv_filter.vacancy_id = v.id;
  InterviewFilter int_filter;
  int_filter.vacancy_id = v.id;
  Status s = ListOpenInvitations(db, v.account_id, inv_filter, &invitations, &total);
  if (s.ok()) s = ListInterviews(db, v.account_id, int_filter, &interviews, &total);
  if (!s.ok()) return s;
  Value o = VacancyObject(v, links, VacancyView::kDetail);
  Value list = Value::Array();
  for (const auto& i : invitations) list.Push(InvitationDocument(i, links, nullptr));
  o.Set("invitations", std::move(list));
  list = Value::Array();
  for (const auto& w : interviews) list.Push(InterviewDocument(w, links));
  o.Set("interviews", std::move(list));
  *doc = Value::Wrap("vacancy", std::move(o));
  return Status::OK();
}

Status ListVacanciesHandler(Call& call) {
  ListQuery q;
  Status s = ParseListQuery(call, {"templates", "active"}, &q);
  if (!s.ok()) return s;
  VacancyFilter filter;
  filter.templates_only = q.Flag(call, "templates").value_or(false);
  if (q.Flag(call, "active").value_or(false)) filter.active_at = call.now();
  filter.from = q.from;
  filter.to = q.to;
  filter.updated_since = q.updated_since;
  filter.limit = q.limit;
  filter.offset = q.offset;
  std::vector<Vacancy> rows;
  int64_t total = 0;
  s = call.store().Read(
      [&](Db& db) { return ListVacancies(db, call.account_id(), filter, &rows, &total); });
  if (!s.ok()) return s;
  Value list = Value::Array();
  for (const auto& v : rows) {
    list.Push(VacancyDocument(v, call.ctx().links, VacancyView::kListItem));
  }
  call.ReplyList(list, "vacancies", total);
  return Status::OK();
}

Status CreateVacancyHandler(Call& call) {
  bool was_array = false;
  auto bodies = call.BodyObjects("vacancy", &was_array);
  if (!bodies.ok()) return bodies.status();
  std::vector<Vacancy> created(bodies->size());
  auto reply = [&] {
    if (!was_array || created.size() == 1) {
      call.Reply(201, VacancyDocument(created[0], call.ctx().links, VacancyView::kDetail));
      return;
    }
    Value list = Value::Array();
    for (const auto& v : created) {
      list.Push(VacancyDocument(v, call.ctx().links, VacancyView::kDetail));
    }
    call.Reply(201, list, "vacancies");
  };
  return call.WriteAndReply(
      [&](Db& db) {
        for (size_t i = 0; i < created.size(); ++i) {
          Status one = NewVacancy(db, call, (*bodies)[i], &created[i]);
          if (!one.ok()) {
            if (created.size() == 1) return one;
            if (one.IsNotFound()) {
              return Status::NotFound("vacancy " + std::to_string(i + 1) + ": " + one.details());
            }
            return Status(one.code() == Status::Code::kInvalidArgument
                              ? Status::InvalidArgument("vacancy " + std::to_string(i + 1) + ": " +
                                                        one.details())
                              : Status::PreconditionFailed("vacancy " + std::to_string(i + 1) +
                                                           ": " + one.details()));
          }
        }
        // Re-read so recruiter fields and counters come from the database.
        for (auto& v : created) {
          auto stored = GetVacancy(db, call.account_id(), v.id);
          if (!stored.ok()) return stored.status();
          v = std::move(stored.value());
        }
        return Status::OK();
      },
      reply);
}

Status GetVacancyHandler(Call& call) {
  Value doc;
  Status s = call.store().Read([&](Db& db) {
    auto v = GetVacancy(db, call.account_id(), call.Param("id"));
    if (!v.ok()) return v.status();
    return VacancyDetail(db, *v, call.ctx().links, &doc);
  });
  if (!s.ok()) return s;
  call.Reply(200, doc);
  return Status::OK();
}

Status UpdateVacancyHandler(Call& call) {
  auto body = call.BodyObject("vacancy");
  if (!body.ok()) return body.status();
  Vacancy updated;
  Status s = call.store().Write([&](Db& db) {
    auto v = GetVacancy(db, call.account_id(), call.Param("id"));
    if (!v.ok()) return v.status();
    updated = std::move(v.value());
    bool replace_questions = body->Find("questions") != nullptr;
    Status st = ApplyBody(*body, &updated);
    if (st.ok()) st = CheckQuestionVideos(db, *body, updated);
    if (!st.ok()) return st;
    updated.updated_at = call.now();
    st = UpdateVacancy(db, updated, replace_questions);
    if (!st.ok()) return st;
    auto stored = GetVacancy(db, call.account_id(), updated.id);
    if (!stored.ok()) return stored.status();
    updated = std::move(stored.value());
    return Status::OK();
  });
  if (!s.ok()) return s;
  call.Reply(200, VacancyDocument(updated, call.ctx().links, VacancyView::kDetail));
  return Status::OK();
}

Status DeleteVacancyHandler(Call& call) {
  Status s = call.store().Write(
      [&](Db& db) { return DeleteVacancy(db, call.account_id(), call.Param("id")); });
  if (!s.ok()) return s;
  call.Reply(200, Value::Wrap("result", Value::String("VACANCY_DELETED")));
  return Status::OK();
}

}  // namespace cammio
