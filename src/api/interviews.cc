// /api/interviews (and nested under /api/vacancies/:vacancy_id): completed
// interviews, their reviewer invitations, reviews and forward links.
#include "api/interviews.h"

#include "api/fields.h"
#include "api/list_query.h"
#include "api/reply_text.h"
#include "api/scope.h"
#include "mail/enqueue.h"
#include "mail/message.h"
#include "store/uploads.h"
#include "store/vacancies.h"
#include "util/random.h"

namespace cammio {
namespace {

constexpr int64_t kForwardLinkSeconds = 72 * 3600;
constexpr int64_t kForwardLinkOpens = 3;

void MediaUrl(DocWriter& o, std::string_view key, const PublicLinks& links,
              const std::optional<int64_t>& id) {
  PublicLinks::Buffer buf;
  id ? o.String(key, links.Video(*id, &buf)) : o.Null(key);
}

void WriteReviewer(DocWriter& o, const Reviewer& r, const PublicLinks& links) {
  o.BeginObject("reviewer");
  o.Int("id", r.id);
  o.String("name", r.name);
  o.String("email", r.email);
  o.StringOrNull("phone", r.phone);
  o.String("url", links.ReviewerPage(r.token));
  o.EndObject();
}

Value ReviewerDocument(const Reviewer& r, const PublicLinks& links) {
  return BuildValue([&](DocWriter& o) { WriteReviewer(o, r, links); });
}

void WriteReview(DocWriter& o, const Review& r) {
  o.BeginObject("review");
  o.Int("id", r.id);
  o.Int("rating", r.rating);
  o.StringOrNull("remarks", r.remarks);
  o.String("reviewer_name", r.reviewer_name);
  o.EndObject();
}

Value ReviewDocument(const Review& r) {
  return BuildValue([&](DocWriter& o) { WriteReview(o, r); });
}

void WriteRecording(DocWriter& o, const Recording& r, const PublicLinks& links) {
  o.BeginObject("recording");
  o.String("title", r.title);
  o.Int("index", r.index);
  o.Int("required", r.required ? 1 : 0);
  o.IntOrNull("video_id", r.video_id);
  MediaUrl(o, "thumbnail", links, r.thumbnail_id);
  MediaUrl(o, "video_url", links, r.video_id);
  if (r.participant) {  // a live interview's: whose, and when it was recorded
    o.String("participant", *r.participant);
    r.recorded_at ? o.UtcDatetime("recorded_at", *r.recorded_at) : o.Null("recorded_at");
  }
  o.EndObject();
}

// The interview of an /interviews/:interview_id/... path, in scope.
Result<Interview> LoadScoped(Db& db, const Call& call, int64_t id) {
  auto w = GetInterview(db, call.account_id(), id);
  if (!w.ok()) return w.status();
  Status s = CheckVacancyScope(db, call, w->vacancy_id);
  if (!s.ok()) return s;
  return w;
}

Result<Interview> Parent(Db& db, const Call& call) {
  return LoadScoped(db, call, call.Param("interview_id"));
}

// Replies a list held in memory with limit/offset applied.
template <typename T, typename F>
Status ReplySmallList(Call& call, const ListQuery& q, const std::vector<T>& rows, const char* root,
                      F render) {
  Value list = Value::Array();
  int64_t total = static_cast<int64_t>(rows.size());
  for (int64_t i = q.offset; i < total && (q.limit < 0 || i < q.offset + q.limit); ++i) {
    list.Push(render(rows[i]));
  }
  call.ReplyList(list, root, total);
  return Status::OK();
}

// The interview's own fields, into the open object.
void InterviewFields(DocWriter& o, const Interview& w, const PublicLinks& links) {
  o.Int("id", w.id);
  o.Int("vacancy_id", w.vacancy_id);
  o.IntOrNull("invitation_id", w.invitation_id);
  o.Int("candidate_id", w.candidate_id);
  o.String("candidate_email", w.candidate_email);
  o.String("candidate_name", w.candidate_name);
  o.StringOrNull("candidate_phone", w.candidate_phone);
  o.StringOrNull("candidate_gender", w.candidate_gender);
  w.datetime_scheduled ? o.Datetime("datetime_scheduled", *w.datetime_scheduled)
                       : o.Null("datetime_scheduled");
  o.UtcDatetime("datetime_start", w.datetime_start_ts);
  o.UtcDatetime("datetime_end", w.datetime_end_ts);
  w.datetime_synchronized_ts ? o.UtcDatetime("datetime_synchronized", *w.datetime_synchronized_ts)
                             : o.Null("datetime_synchronized");
  int64_t seconds = w.datetime_end_ts - w.datetime_start_ts;
  o.Int("duration_in_minutes", seconds <= 0 ? 0 : (seconds + 59) / 60);
  o.String("kind", w.kind);
  o.String("scope", w.scope);
  o.String("title", w.title);
  w.kind == "automated" ? o.Int("num_of_questions", w.num_of_questions)
                        : o.Null("num_of_questions");
  o.Int("num_of_recordings", w.num_of_recordings);
  o.Int("num_of_review_invitations", w.num_of_review_invitations);
  o.Int("num_of_reviews", w.num_of_reviews);
  MediaUrl(o, "thumbnail", links, w.thumbnail_video_id);
  PublicLinks::Buffer buf;
  o.String("url", links.RecruiterReview(w.id, &buf));
  o.UtcDatetime("datetime_updated", w.updated_at);
}

}  // namespace

void WriteInterview(DocWriter& out, const Interview& w, const PublicLinks& links) {
  out.BeginObject("interview");
  InterviewFields(out, w, links);
  out.EndObject();
}

Value InterviewDocument(const Interview& w, const PublicLinks& links) {
  return BuildValue([&](DocWriter& o) { WriteInterview(o, w, links); });
}

Status InterviewDetail(Db& db, const Interview& w, const PublicLinks& links, DocWriter* out) {
  std::vector<Reviewer> reviewers;
  std::vector<Review> reviews;
  std::vector<Recording> recordings;
  Status s = ListReviewers(db, w.account_id, w.id, &reviewers);
  if (s.ok()) s = ListReviews(db, w.account_id, w.id, &reviews);
  if (s.ok()) s = ListRecordings(db, w.id, &recordings);
  if (!s.ok()) return s;
  std::optional<int64_t> cv;
  if (w.invitation_id) {
    auto found = LatestFinishedMedia(db, *w.invitation_id, "cv");
    if (!found.ok()) return found.status();
    cv = *found;
  }
  DocWriter& o = *out;
  o.BeginObject("interview");
  InterviewFields(o, w, links);
  o.BeginArray("reviewers");
  for (const auto& r : reviewers) WriteReviewer(o, r, links);
  o.EndArray();
  o.BeginArray("reviews");
  for (const auto& r : reviews) WriteReview(o, r);
  o.EndArray();
  o.BeginArray("recordings");
  for (const auto& r : recordings) WriteRecording(o, r, links);
  o.EndArray();
  // The CV the candidate handed in (docs/decisions.md "Takes and the CV").
  MediaUrl(o, "cv_url", links, cv);
  o.EndObject();
  return Status::OK();
}

// The unpaginated list can hold a million rows: it is streamed from one read
// snapshot in chunks of kStreamBatch rows, so memory stays flat.
constexpr int kStreamBatch = 256;

// The rows are written with DocWriter (the bytes Render() gives for the
// list of InterviewDocument trees), chunk by chunk; an empty list keeps
// ListWriter's form, <interviews type="array"></interviews> in XML.
struct InterviewStream {
  std::unique_ptr<Store::ReadSnapshot> snapshot;  // declared first: outlives the cursor
  std::unique_ptr<InterviewCursor> cursor;
  ListWriter writer;
  PublicLinks links;
  std::unique_ptr<DocWriter> out;
  bool opened = false;
  int64_t rows = 0;
};

Status StreamInterviews(Call& call, const InterviewFilter& f) {
  auto snapshot = call.store().Snapshot();
  if (!snapshot.ok()) return snapshot.status();
  int64_t total = 0;
  Status s = CountInterviews(snapshot.value()->db(), call.account_id(), f, &total);
  if (!s.ok()) return s;
  auto stream = std::make_shared<InterviewStream>(InterviewStream{
      std::move(snapshot.value()), nullptr,
      ListWriter(call.format() == Format::kXml ? ListWriter::kXml : ListWriter::kJson,
                 "interviews"),
      call.ctx().links,
      std::make_unique<DocWriter>(call.format(),
                                  ListTextReserve(call.format(), kStreamBatch, 1024))});
  stream->cursor = std::make_unique<InterviewCursor>(stream->snapshot->db(), call.account_id(), f);
  call.res().status = 200;
  call.res().set_header("X-Total-Count", std::to_string(total));
  call.res().set_chunked_content_provider(
      ContentTypeFor(call.format()), [stream](size_t, httplib::DataSink& sink) {
        if (!stream->opened) {
          stream->out->BeginArray("interviews");
          stream->opened = true;
        }
        Interview w;
        Status st;
        int n = 0;
        while (n < kStreamBatch && stream->cursor->Next(&w, &st)) {
          WriteInterview(*stream->out, w, stream->links);
          ++n;
        }
        if (!st.ok()) return false;  // aborts the response; the client sees a cut stream
        stream->rows += n;
        std::string chunk;
        if (n < kStreamBatch) {
          if (stream->rows == 0) {
            chunk = stream->writer.Open() + stream->writer.Close();
          } else {
            stream->out->EndArray();
            stream->out->MoveTextTo(&chunk);
          }
          if (!sink.write(chunk.data(), chunk.size())) return false;
          sink.done();
          return true;
        }
        stream->out->MoveTextTo(&chunk);
        return sink.write(chunk.data(), chunk.size());
      });
  return Status::OK();
}

Status ListInterviewsHandler(Call& call) {
  ListQuery q;
  Status s = ParseListQuery(call, {}, &q);
  if (!s.ok()) return s;
  InterviewFilter f{std::nullopt, q.from, q.to, q.updated_since, q.limit, q.offset};
  if (q.limit < 0) {
    s = call.store().Read([&](Db& db) { return CheckVacancyScope(db, call, 0); });
    if (!s.ok()) return s;
    if (call.Param("vacancy_id")) f.vacancy_id = call.Param("vacancy_id");
    return StreamInterviews(call, f);
  }
  std::vector<Interview> rows;
  int64_t total = 0;
  s = call.store().Read([&](Db& db) {
    Status st = CheckVacancyScope(db, call, 0);
    if (st.ok() && call.Param("vacancy_id")) f.vacancy_id = call.Param("vacancy_id");
    if (st.ok()) st = ListInterviews(db, call.account_id(), f, &rows, &total);
    return st;
  });
  if (!s.ok()) return s;
  DocWriter out(call.format(), ListTextReserve(call.format(), rows.size(), 1024));
  out.BeginArray("interviews");
  for (const auto& w : rows) WriteInterview(out, w, call.ctx().links);
  out.EndArray();
  ReplyText(call, 200, out.Take(), total);
  return Status::OK();
}

Status GetInterviewHandler(Call& call) {
  DocWriter out(call.format());
  Status s = call.store().Read([&](Db& db) {
    auto w = LoadScoped(db, call, call.Param("id"));
    if (!w.ok()) return w.status();
    return InterviewDetail(db, *w, call.ctx().links, &out);
  });
  if (!s.ok()) return s;
  ReplyText(call, 200, out.Take());
  return Status::OK();
}

Status ListReviewersHandler(Call& call) {
  ListQuery q;
  Status s = ParsePageQuery(call, &q);
  if (!s.ok()) return s;
  std::vector<Reviewer> rows;
  s = call.store().Read([&](Db& db) {
    auto w = Parent(db, call);
    if (!w.ok()) return w.status();
    return ListReviewers(db, call.account_id(), w->id, &rows);
  });
  if (!s.ok()) return s;
  const PublicLinks& base = call.ctx().links;
  return ReplySmallList(call, q, rows, "reviewers",
                        [&](const Reviewer& r) { return ReviewerDocument(r, base); });
}

// Before the write: the body, the token and the email (composed from a
// snapshot of the interview and its vacancy). Inside: the interview (it
// decides), the insert, the email's row.
Status CreateReviewerHandler(Call& call) {
  auto body = call.BodyObject("reviewer");
  if (!body.ok()) return body.status();
  Reviewer r;
  Fields f(*body);
  r.name = f.RequiredString("name", 200);
  f.Require("email");
  r.email = f.Email("email").value_or("");
  r.phone = f.String("phone", 40, true);
  const Status parsed = f.status();
  r.token = RandomToken(20);
  const PublicLinks& links = call.ctx().links;
  mail::OutboxMail mail;
  Status s = call.store().Read([&](Db& db) {
    auto w = Parent(db, call);
    if (!w.ok()) return w.status();
    if (!parsed.ok()) return parsed;
    auto v = GetVacancyRow(db, call.account_id(), w->vacancy_id);
    if (!v.ok()) return v.status();
    mail = mail::ComposeReviewerInvitation(links, r, *w, *v, mail::NewMessageId(links.host()),
                                           call.now());
    return Status::OK();
  });
  if (!s.ok()) return s;
  s = call.WriteAndReply(
      [&](Db& db) {
        auto w = Parent(db, call);
        if (!w.ok()) return w.status();
        r.interview_id = w->id;
        Status st = InsertReviewer(db, call.account_id(), &r, call.now());
        if (!st.ok()) return st;
        return mail::InsertComposed(db, &mail, r.id);
      },
      [&] { call.Reply(201, ReviewerDocument(r, links)); });
  if (!s.ok()) return s;
  call.ctx().events->MailQueued();
  return Status::OK();
}

Status GetReviewerHandler(Call& call) {
  Reviewer r;
  Status s = call.store().Read([&](Db& db) {
    auto w = Parent(db, call);
    if (!w.ok()) return w.status();
    auto found = GetReviewer(db, call.account_id(), w->id, call.Param("id"));
    if (found.ok()) r = found.value();
    return found.status();
  });
  if (!s.ok()) return s;
  call.Reply(200, ReviewerDocument(r, call.ctx().links));
  return Status::OK();
}

Status UpdateReviewerHandler(Call& call) {
  auto body = call.BodyObject("reviewer");
  if (!body.ok()) return body.status();
  Fields f(*body);
  std::optional<std::string> name, email;
  std::optional<std::optional<std::string>> phone;
  if (f.Has("name")) name = f.RequiredString("name", 200);
  if (f.Has("email")) {
    f.Require("email");
    email = f.Email("email").value_or("");
  }
  if (f.Has("phone")) phone = f.String("phone", 40, true);
  const Status parsed = f.status();
  // The reads that decide, in the order the answer's errors take.
  auto load = [&](Db& db) -> Result<Reviewer> {
    auto w = Parent(db, call);
    if (!w.ok()) return w.status();
    return GetReviewer(db, call.account_id(), w->id, call.Param("id"));
  };
  if (!parsed.ok()) return call.RefuseInvalid(parsed, [&](Db& db) { return load(db).status(); });
  Reviewer r;
  Status s = call.store().Write([&](Db& db) {
    auto found = load(db);
    if (!found.ok()) return found.status();
    r = std::move(found.value());
    if (name) r.name = *name;
    if (email) r.email = *email;
    if (phone) r.phone = *phone;
    return UpdateReviewer(db, call.account_id(), r);
  });
  if (!s.ok()) return s;
  call.Reply(200, ReviewerDocument(r, call.ctx().links));
  return Status::OK();
}

Status DeleteReviewerHandler(Call& call) {
  Status s = call.store().Write([&](Db& db) {
    auto w = Parent(db, call);
    if (!w.ok()) return w.status();
    return DeleteReviewer(db, call.account_id(), w->id, call.Param("id"), call.now());
  });
  if (!s.ok()) return s;
  call.Reply(200, Value::Wrap("result", Value::String("REVIEWER_DELETED")));
  return Status::OK();
}

Status ListReviewsHandler(Call& call) {
  ListQuery q;
  Status s = ParsePageQuery(call, &q);
  if (!s.ok()) return s;
  std::vector<Review> rows;
  s = call.store().Read([&](Db& db) {
    auto w = Parent(db, call);
    if (!w.ok()) return w.status();
    return ListReviews(db, call.account_id(), w->id, &rows);
  });
  if (!s.ok()) return s;
  return ReplySmallList(call, q, rows, "reviews", ReviewDocument);
}

Status CreateReviewHandler(Call& call) {
  auto body = call.BodyObject("review");
  if (!body.ok()) return body.status();
  Review r;
  Fields f(*body);
  f.Require("rating");
  r.rating = f.Int("rating", 1, 5).value_or(0);
  r.remarks = f.String("remarks", 65535);
  if (!f.ok()) {
    return call.RefuseInvalid(f.status(), [&](Db& db) { return Parent(db, call).status(); });
  }
  r.reviewer_name = call.principal().user.name;
  return call.WriteAndReply(
      [&](Db& db) {
        auto w = Parent(db, call);
        if (!w.ok()) return w.status();
        r.interview_id = w->id;
        return InsertReview(db, call.account_id(), &r, call.principal().user.id, call.now());
      },
      [&] { call.Reply(201, ReviewDocument(r)); });
}

Status GetReviewHandler(Call& call) {
  Review r;
  Status s = call.store().Read([&](Db& db) {
    auto w = Parent(db, call);
    if (!w.ok()) return w.status();
    auto found = GetReview(db, call.account_id(), w->id, call.Param("id"));
    if (found.ok()) r = found.value();
    return found.status();
  });
  if (!s.ok()) return s;
  call.Reply(200, ReviewDocument(r));
  return Status::OK();
}

Status DeleteReviewHandler(Call& call) {
  Status s = call.store().Write([&](Db& db) {
    auto w = Parent(db, call);
    if (!w.ok()) return w.status();
    return DeleteReview(db, call.account_id(), w->id, call.Param("id"), call.now());
  });
  if (!s.ok()) return s;
  call.Reply(200, Value::Wrap("result", Value::String("REVIEW_DELETED")));
  return Status::OK();
}

Status ForwardUrlHandler(Call& call) {
  ForwardLink link;
  link.account_id = call.account_id();
  link.token = RandomToken(20);
  link.created_at = call.now();
  link.expires_at = call.now() + kForwardLinkSeconds;
  link.opens_left = kForwardLinkOpens;
  Status s = call.store().Write([&](Db& db) {
    auto w = Parent(db, call);
    if (!w.ok()) return w.status();
    link.interview_id = w->id;
    return InsertForwardLink(db, &link);
  });
  if (!s.ok()) return s;
  call.Reply(200, Value::Wrap("url", Value::String(call.ctx().links.ForwardPage(link.token))));
  return Status::OK();
}

}  // namespace cammio
