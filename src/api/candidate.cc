// The candidate's side of an invitation link, as JSON for the candidate pages:
//   GET  /public/job_interviews/{token}/state     what the page needs to run
//   POST /public/job_interviews/{token}/complete  hand in the recordings
// Completion is the one internal event that turns an invitation into an
// interview (CompleteInterview below); notifications and email are queued in
// the same transaction.
#include "api/candidate.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <utility>

#include "api/fields.h"
#include "api/takes.h"
#include "store/interviews.h"
#include "store/uploads.h"
#include "store/vacancies.h"
#include "util/log.h"

namespace cammio {
namespace {

constexpr size_t kMaxRecordings = 100;

// "open", "completed", "revoked" or "expired" (open, but the vacancy closed).
std::string LinkState(const Invitation& inv, const Vacancy& v, int64_t now) {
  if (inv.status == "open" && v.datetime_end_ts < now) return "expired";
  return inv.status;
}

// A live interview is completed in its room (api/live.h), never by a hand-in.
Status NotLive(const Vacancy& v) {
  if (v.kind != "live") return Status::OK();
  return Status::Conflict(
      "this is a live interview: it is completed in its room, not through this endpoint");
}

// The invitation and vacancy behind an open link: NotFound for an unknown
// token, Conflict for a live interview's, Gone for a completed, revoked or
// expired one.
Status LoadOpenLink(Db& db, const std::string& token, int64_t now, Invitation* inv, Vacancy* v) {
  auto found = GetInvitationByToken(db, token);
  if (!found.ok()) return Status::NotFound("this interview link is not known");
  auto vacancy = GetVacancy(db, found->account_id, found->vacancy_id);
  if (!vacancy.ok()) return vacancy.status();
  Status live = NotLive(*vacancy);
  if (!live.ok()) return live;
  const std::string state = LinkState(*found, *vacancy, now);
  if (state != "open") return Status::Gone("this interview is " + state);
  *inv = std::move(*found);
  *v = std::move(*vacancy);
  return Status::OK();
}

// `link` is the candidate link, <public_url>/public/job_interviews/<token>; a
// question's video is streamed from under it (web::QuestionVideoHandler), as
// /api/videos would need the account's credentials.
Value QuestionJson(const Question& q, const std::string& link) {
  Value o = Value::Object();
  o.Set("id", Value::Int(q.id));
  o.Set("index", Value::Int(q.index));
  o.Set("title", Value::String(q.title));
  o.Set("text", Value::StringOrNull(q.text));
  o.Set("answering_time", Value::StringOrNull(q.answering_time));
  o.Set("required", Value::Bool(q.required));
  o.Set("video_url", q.video_id
                         ? Value::String(link + "/questions/" + std::to_string(q.id) + "/video")
                         : Value::Null());
  return o;
}

// A finished upload of this invitation of `kind`, or PreconditionFailed.
Result<Upload> FinishedUpload(Db& db, const Invitation& inv, int64_t id, const char* kind) {
  auto u = GetUpload(db, inv.id, id);
  if (!u.ok() || u->kind != kind) {
    return Status::PreconditionFailed("upload " + std::to_string(id) + " is not a " + kind +
                                      " of this interview");
  }
  if (!u->video_id) {
    return Status::PreconditionFailed("upload " + std::to_string(id) + " is not complete");
  }
  return u;
}

// Checks the hand-in's recordings against the vacancy's questions into `c`.
// The CV handed in goes to *cv_video_id.
Status CheckRecordings(Db& db, const Invitation& inv, const Vacancy& v, const HandIn& hand_in,
                       Completion* c, std::optional<int64_t>* cv_video_id) {
  for (const Question& q : v.questions) {
    const HandIn::Item* answer = nullptr;
    for (const HandIn::Item& item : hand_in.recordings) {
      if (item.question_id == q.id) answer = &item;
    }
    if (answer == nullptr) {
      if (q.required) {
        return Status::PreconditionFailed("question " + std::to_string(q.index) +
                                          " needs a recording");
      }
      continue;
    }
    if (!answer->status.ok()) return answer->status;
    auto rec = FinishedUpload(db, inv, *answer->upload_id, "recording");
    if (!rec.ok()) return rec.status();
    Status take = CheckHandedInTake(db, inv, *rec, q.index);
    if (!take.ok()) return take;
    Recording r;
    r.index = q.index;
    r.title = q.title;
    r.required = q.required;
    r.video_id = rec->video_id;
    if (answer->thumbnail_upload_id) {
      auto thumb = FinishedUpload(db, inv, *answer->thumbnail_upload_id, "thumbnail");
      if (!thumb.ok()) return thumb.status();
      r.thumbnail_id = thumb->video_id;
    }
    c->recordings.push_back(r);
  }
  if (v.cv_upload_required == "yes") {
    if (!hand_in.cv_status.ok()) return hand_in.cv_status;
    auto cv = FinishedUpload(db, inv, *hand_in.cv_upload_id, "cv");
    if (!cv.ok()) return cv.status();
    Status newest = CheckHandedInCv(db, inv, *cv);
    if (!newest.ok()) return newest;
    *cv_video_id = cv->video_id;
  }
  return Status::OK();
}

}  // namespace

Result<HandIn> ParseHandIn(const Value& body, int64_t now) {
  if (!body.is_object()) return Status::InvalidArgument("expected a JSON object");
  const Value* list = body.Find("recordings");
  if (list == nullptr || !list->is_array()) {
    return Status::InvalidArgument("recordings must be an array");
  }
  if (list->items().size() > kMaxRecordings) {
    return Status::PreconditionFailed("too many recordings");
  }
  HandIn h;
  for (const Value& item : list->items()) {
    HandIn::Item parsed;
    {
      Fields f(item);
      parsed.question_id = f.Id("question_id").value_or(0);
    }
    Fields f(item);
    f.Require("upload_id");
    parsed.upload_id = f.Id("upload_id");
    parsed.thumbnail_upload_id = f.Id("thumbnail_upload_id");
    parsed.status = f.status();
    h.recordings.push_back(std::move(parsed));
  }
  {
    Fields f(body);
    f.Require("cv_upload_id");
    h.cv_upload_id = f.Id("cv_upload_id");
    h.cv_status = f.status();
  }
  Fields f(body);
  h.started_at = f.Int("started_at", 0, now);  // epoch seconds the page started
  h.started_status = f.status();
  return h;
}

Status CompleteInterview(Db& db, const std::string& token, const HandIn& hand_in, int64_t now,
                         Events& events, CompletionResult* result) {
  Invitation inv;
  Vacancy v;
  Status s = LoadOpenLink(db, token, now, &inv, &v);
  if (!s.ok()) return s;
  result->unused_files.clear();  // a retried transaction starts over
  Completion c;
  std::optional<int64_t> cv_video_id;
  s = CheckRecordings(db, inv, v, hand_in, &c, &cv_video_id);
  if (!s.ok()) return s;
  if (!hand_in.started_status.ok()) return hand_in.started_status;
  c.started_at = hand_in.started_at.value_or(now);
  c.ended_at = now;
  s = CompleteInvitation(db, inv.id, c, &result->interview_id);
  if (!s.ok()) return s;
  result->account_id = inv.account_id;
  result->redirect_url = inv.redirect_url;
  std::vector<int64_t> keep;
  for (const Recording& r : c.recordings) {
    if (r.video_id) keep.push_back(*r.video_id);
    if (r.thumbnail_id) keep.push_back(*r.thumbnail_id);
  }
  if (cv_video_id) keep.push_back(*cv_video_id);
  s = DropUnusedUploads(db, inv, keep, now, &result->unused_files);
  if (!s.ok()) return s;
  // The notification and mail outboxes take their rows in this transaction.
  return events.InterviewCompleted(db, *result, now);
}

Status CandidateStateHandler(Call& call) {
  Value doc;
  Status s = call.store().Read([&](Db& db) {
    auto inv = GetInvitationByToken(db, call.Token("token"));
    if (!inv.ok()) return Status::NotFound("this interview link is not known");
    auto v = GetVacancy(db, inv->account_id, inv->vacancy_id);
    if (!v.ok()) return v.status();
    Value o = Value::Object();
    o.Set("state", Value::String(LinkState(*inv, *v, call.now())));
    o.Set("candidate_name", Value::String(inv->candidate_name));
    o.Set("title", Value::String(v->title));
    o.Set("kind", Value::String(v->kind));
    o.Set("language", Value::StringOrNull(v->language));
    o.Set("recruiter_name", Value::String(v->recruiter_name));
    o.Set("generic_invitation_text", Value::StringOrNull(v->generic_invitation_text));
    o.Set("answering_time", Value::String(v->answering_time));
    o.Set("num_of_retries", v->num_of_retries ? Value::Int(*v->num_of_retries) : Value::Null());
    o.Set("play_test_question", Value::Bool(v->play_test_question.value_or("no") == "yes"));
    o.Set("cv_upload_required", Value::Bool(v->cv_upload_required == "yes"));
    o.Set("datetime_end", Value::Datetime(v->datetime_end));
    Value qs = Value::Array();
    const std::string link = call.ctx().links.CandidateInterview(inv->token);
    // The vacancy's intro video (shown before the first question), streamed
    // under the link like the questions' (web::IntroVideoHandler).
    o.Set("intro_video_url", v->intro_video_id ? Value::String(link + "/video") : Value::Null());
    for (const auto& q : v->questions) {
      auto left = TakesLeft(db, *inv, *v, q.index);
      if (!left.ok()) return left.status();
      Value qj = QuestionJson(q, link);
      qj.Set("takes_left", Value::IntOrNull(*left));
      qs.Push(std::move(qj));
    }
    o.Set("questions", std::move(qs));
    doc = Value::Wrap("interview", std::move(o));
    return Status::OK();
  });
  if (!s.ok()) return s;
  call.Reply(200, doc);
  return Status::OK();
}

Status CandidateCompleteHandler(Call& call) {
  // The link token is this endpoint's only credential: an unknown, completed,
  // revoked or expired link is answered before the body is parsed, so nobody
  // without a live link makes the server parse anything. CompleteInterview
  // checks the link again inside its write transaction.
  Status link = call.store().Read([&](Db& db) {
    Invitation inv;
    Vacancy v;
    return LoadOpenLink(db, call.Token("token"), call.now(), &inv, &v);
  });
  if (!link.ok()) return link;
  const int64_t now = call.now();
  auto body = ParseJson(call.body());
  if (!body.ok()) return body.status();
  auto hand_in = ParseHandIn(*body, now);
  if (!hand_in.ok()) return hand_in.status();
  CompletionResult result;
  Status s = call.store().Write([&](Db& db) {
    return CompleteInterview(db, call.Token("token"), *hand_in, now, *call.ctx().events, &result);
  });
  if (!s.ok()) return s;
  for (const std::string& file : result.unused_files) {
    std::string path = call.ctx().data_dir + "/media/" + file;
    if (::unlink(path.c_str()) != 0 && errno != ENOENT) {
      LogWarn("cannot remove unused upload " + path + ": " + std::strerror(errno));
    }
  }
  call.ctx().events->NotificationQueued();
  call.ctx().events->MailQueued();
  Value o = Value::Object();
  o.Set("interview_id", Value::Int(result.interview_id));
  o.Set("redirect_url", Value::StringOrNull(result.redirect_url));
  call.Reply(200, Value::Wrap("completion", std::move(o)));
  return Status::OK();
}

}  // namespace cammio
