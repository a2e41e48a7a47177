// /api/vacancies: list, create (also from a template, also several at once),
// get (with questions, invitations and interviews embedded), update, delete.
#include "api/vacancies.h"

#include "api/fields.h"
#include "api/interviews.h"
#include "api/invitations.h"
#include "api/list_query.h"
#include "api/reply_text.h"
#include "api/vacancy_body.h"
#include "api/vacancy_videos.h"

namespace cammio {
namespace {

void WriteQuestion(DocWriter& o, const Question& q) {
  o.BeginObject("question");
  o.Int("id", q.id);
  o.Int("index", q.index);
  o.String("title", q.title);
  o.StringOrNull("text", q.text);
  o.IntOrNull("video_id", q.video_id);
  o.StringOrNull("answering_time", q.answering_time);
  o.Int("required", q.required ? 1 : 0);
  o.EndObject();
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
  v->live_recording = t.live_recording;
  v->template_id = t.id;
  v->questions = t.questions;
  v->intro_video_id = t.intro_video_id;
}

// The videos a body gave (each question's video_id, intro_video_id) may
// only name videos uploaded for vacancies of the caller's account
// (CheckVacancyVideo): an unknown or foreign id is 404, like a foreign id
// anywhere else (docs/decisions.md); a candidate's recording is 412.
// Videos copied from a template were checked when the template got them.
Status CheckBodyVideos(Db& db, const VacancyPatch& p, const Vacancy& v) {
  if (p.questions) {
    for (size_t i = 0; i < v.questions.size(); ++i) {
      const std::optional<int64_t>& id = v.questions[i].video_id;
      if (!id) continue;
      Status s =
          CheckVacancyVideo(db, v.account_id, *id, "questions[" + std::to_string(i) + "].video_id");
      if (!s.ok()) return s;
    }
  }
  if (p.intro_video_id && *p.intro_video_id) {
    return CheckVacancyVideo(db, v.account_id, **p.intro_video_id, "intro_video_id");
  }
  return Status::OK();
}

// One element of a create's body, parsed before the write.
struct NewVacancyRequest {
  std::optional<int64_t> template_id;
  Status template_id_status;  // a malformed template_id
  Status parsed;              // the other fields (ParseVacancyPatch)
  VacancyPatch patch;
};

NewVacancyRequest ParseNewVacancy(const Value& body) {
  NewVacancyRequest r;
  Fields f(body);
  r.template_id = f.Id("template_id");
  r.template_id_status = f.status();
  r.parsed = ParseVacancyPatch(body, &r.patch);
  return r;
}

// Builds a new vacancy of the caller from one parsed body element: the
// template and the question videos are the reads that decide. Runs on a
// snapshot before the write (so invalid input never reaches the writer) and
// again inside it (the rows may have moved in between).
Status BuildVacancy(Db& db, const Call& call, const NewVacancyRequest& req, Vacancy* v) {
  *v = Vacancy();
  v->account_id = call.account_id();
  v->recruiter_id = call.principal().user.id;
  v->created_at = call.now();
  if (req.template_id) {
    const int64_t tid = *req.template_id;
    auto t = GetVacancy(db, call.account_id(), tid);
    if (!t.ok()) {
      // Another account's vacancy and a missing one answer alike (404), as a
      // foreign vacancy_id does.
      return t.status().IsNotFound()
                 ? Status::NotFound("template_id " + std::to_string(tid) + ": no such vacancy")
                 : t.status();
    }
    if (t->use_as_template != "yes") {
      return Status::PreconditionFailed("vacancy " + std::to_string(tid) +
                                        " is not a template (use_as_template is \"no\")");
    }
    CopyTemplate(*t, v);
  }
  if (!req.template_id_status.ok()) return req.template_id_status;
  if (!req.parsed.ok()) return req.parsed;
  ApplyVacancyPatch(req.patch, v);
  Status s = CheckVacancy(*v);
  if (s.ok()) s = CheckBodyVideos(db, req.patch, *v);
  return s;
}

// The error of element `i` (0-based) of a create of `n` vacancies.
Status Numbered(const Status& one, size_t i, size_t n) {
  if (n == 1) return one;
  const std::string where = "vacancy " + std::to_string(i + 1) + ": ";
  if (one.IsNotFound()) return Status::NotFound(where + one.details());
  return one.code() == Status::Code::kInvalidArgument
             ? Status::InvalidArgument(where + one.details())
             : Status::PreconditionFailed(where + one.details());
}

// The vacancy's own fields (and questions unless a list item), into the
// open object.
void VacancyFields(DocWriter& o, const Vacancy& v, const PublicLinks& links, VacancyView view) {
  o.Int("id", v.id);
  o.String("title", v.title);
  o.String("kind", v.kind);
  // Only live vacancies show it (automated answers stay as they were).
  if (v.kind == "live") o.Bool("live_recording", v.live_recording);
  o.String("scope", v.scope);
  o.StringOrNull("language", v.language);
  o.StringOrNull("reference_id", v.reference_id);
  o.Datetime("datetime_start", v.datetime_start);
  o.Datetime("datetime_end", v.datetime_end);
  o.String("answering_time", v.answering_time);
  o.String("cv_upload_required", v.cv_upload_required);
  o.StringOrNull("external_info_url", v.external_info_url);
  o.StringOrNull("generic_invitation_text", v.generic_invitation_text);
  o.IntOrNull("num_of_retries", v.num_of_retries);
  o.StringOrNull("play_test_question", v.play_test_question);
  o.String("use_as_template", v.use_as_template);
  o.IntOrNull("template_id", v.template_id);
  o.Int("recruiter_id", v.recruiter_id);
  o.String("recruiter_name", v.recruiter_name);
  o.String("recruiter_email", v.recruiter_email);
  o.StringOrNull("recruiter_phone", v.recruiter_phone);
  o.Int("num_of_invitations", v.num_of_invitations);
  o.Int("num_of_interviews", v.num_of_interviews);
  v.scope == "public" ? o.String("public_url", links.PublicVacancy(v.public_token))
                      : o.Null("public_url");
  o.Datetime("datetime_updated", FormatUtc(v.updated_at));
  // Only a vacancy with an intro video shows it (answers about the others
  // stay as they were, like live_recording's).
  if (v.intro_video_id) o.Int("intro_video_id", *v.intro_video_id);
  if (view != VacancyView::kListItem) {
    o.BeginArray("questions");
    for (const auto& q : v.questions) WriteQuestion(o, q);
    o.EndArray();
  }
}

void WriteVacancy(DocWriter& o, const Vacancy& v, const PublicLinks& links, VacancyView view) {
  o.BeginObject("vacancy");
  VacancyFields(o, v, links, view);
  o.EndObject();
}

}  // namespace

Value VacancyDocument(const Vacancy& v, const PublicLinks& links, VacancyView view) {
  return BuildValue([&](DocWriter& o) { WriteVacancy(o, v, links, view); });
}

Status VacancyDetail(Db& db, const Vacancy& v, const PublicLinks& links, DocWriter* out) {
  DocWriter& o = *out;
  o.BeginObject("vacancy");
  VacancyFields(o, v, links, VacancyView::kDetail);
  // Each open invitation is written as it is read (no list of them).
  o.BeginArray("invitations");
  int64_t total = 0;
  InvitationFilter inv_filter;
  inv_filter.vacancy_id = v.id;
  Status s = ForEachOpenInvitation(db, v.account_id, inv_filter, &total, [&](const Invitation& i) {
    WriteInvitation(o, i, links, nullptr);
  });
  if (!s.ok()) return s;
  o.EndArray();
  std::vector<Interview> interviews;
  InterviewFilter int_filter;
  int_filter.vacancy_id = v.id;
  s = ListInterviews(db, v.account_id, int_filter, &interviews, &total);
  if (!s.ok()) return s;
  o.BeginArray("interviews");
  for (const auto& w : interviews) WriteInterview(o, w, links);
  o.EndArray();
  o.EndObject();
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
  DocWriter out(call.format());
  out.BeginArray("vacancies");
  for (const auto& v : rows) WriteVacancy(out, v, call.ctx().links, VacancyView::kListItem);
  out.EndArray();
  ReplyText(call, 200, out.Take(), total);
  return Status::OK();
}

// Before the write: the bodies, and the whole check on a snapshot. Inside:
// the same reads that decide (templates, question videos), the inserts and
// the re-reads for the answer.
Status CreateVacancyHandler(Call& call) {
  bool was_array = false;
  auto bodies = call.BodyObjects("vacancy", &was_array);
  if (!bodies.ok()) return bodies.status();
  std::vector<NewVacancyRequest> requests;
  for (const Value& body : *bodies) requests.push_back(ParseNewVacancy(body));
  std::vector<Vacancy> created(requests.size());
  auto build_all = [&](Db& db) {
    for (size_t i = 0; i < created.size(); ++i) {
      Status one = BuildVacancy(db, call, requests[i], &created[i]);
      if (!one.ok()) return Numbered(one, i, created.size());
    }
    return Status::OK();
  };
  Status s = call.store().Read(build_all);
  if (!s.ok()) return s;
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
          Status one = BuildVacancy(db, call, requests[i], &created[i]);
          if (one.ok()) one = InsertVacancy(db, &created[i]);
          if (!one.ok()) return Numbered(one, i, created.size());
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
  DocWriter out(call.format());
  Status s = call.store().Read([&](Db& db) {
    auto v = GetVacancy(db, call.account_id(), call.Param("id"));
    if (!v.ok()) return v.status();
    call.NoteVacancy(v->id);  // the cached answer depends on this vacancy
    return VacancyDetail(db, *v, call.ctx().links, &out);
  });
  if (!s.ok()) return s;
  ReplyText(call, 200, out.Take());
  return Status::OK();
}

// Before the write: the body, and the whole check on a snapshot. Inside:
// the stored vacancy and the question videos (they decide), the update and
// the re-read for the answer.
Status UpdateVacancyHandler(Call& call) {
  auto body = call.BodyObject("vacancy");
  if (!body.ok()) return body.status();
  VacancyPatch patch;
  const Status parsed = ParseVacancyPatch(*body, &patch);
  const bool replace_questions = body->Find("questions") != nullptr;
  Vacancy updated;
  auto build = [&](Db& db) {
    auto v = GetVacancy(db, call.account_id(), call.Param("id"));
    if (!v.ok()) return v.status();
    updated = std::move(v.value());
    if (!parsed.ok()) return parsed;
    ApplyVacancyPatch(patch, &updated);
    Status st = CheckVacancy(updated);
    if (st.ok()) st = CheckBodyVideos(db, patch, updated);
    return st;
  };
  Status s = call.store().Read(build);
  if (!s.ok()) return s;
  s = call.store().Write([&](Db& db) {
    Status st = build(db);
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
