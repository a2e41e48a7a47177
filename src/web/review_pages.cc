// Pages for people outside the account who watch an interview: forward links
// (GET .../forward_url: 3 openings within 72 hours; each opening grants that
// page short-lived access to the video bytes) and reviewers' personal links
// (watch, then rate and remark; the reviewer invitation becomes a review).
#include "config/public_links.h"
#include "store/web_links.h"
#include "util/random.h"
#include "web/html.h"
#include "web/i18n.h"
#include "web/interview_view.h"
#include "web/pages.h"

namespace cammio::web {
namespace {

// How long one opening of a forward link may stream its videos.
constexpr int64_t kForwardAccessSeconds = 4 * 3600;

std::string AcceptLanguage(const Call& call) {
  return call.req().get_header_value("Accept-Language");
}

// The heading and facts above the recordings.
std::string InterviewIntro(const InterviewView& v, const std::string& title) {
  const Interview& w = v.interview;
  return "<h1 tabindex=\"-1\">" + Escape(title) + "</h1>\n<p>" +
         Escape(Format(v.lang, "interview_for",
                       {{"title", w.title}, {"date", DisplayTime(w.datetime_end_ts)}})) +
         "</p>\n";
}

// Page for a forward link that has no opening left (or expired).
void ReplyForwardGone(Call& call) {
  std::string lang = PickLanguage(std::nullopt, AcceptLanguage(call));
  // The vacancy's language is a nicety: if reading fails the browser's stays.
  Status ignored = call.store().Read([&](Db& db) {
    auto link = GetForwardLink(db, call.Token("token"));
    if (!link.ok()) return link.status();
    auto w = GetInterview(db, link->account_id, link->interview_id);
    if (!w.ok()) return w.status();
    auto v = GetVacancy(db, link->account_id, w->vacancy_id);
    if (v.ok()) lang = PickLanguage(v->language, AcceptLanguage(call));
    return Status::OK();
  });
  (void)ignored;
  ReplyMessage(call.res(), 410, lang, Text(lang, "forward_gone_title"),
               Text(lang, "forward_gone_text"));
}

Status LoadReviewerView(Call& call, ReviewerLink* link, InterviewView* view) {
  return call.store().Read([&](Db& db) {
    auto l = GetReviewerLink(db, call.Token("token"));
    if (!l.ok()) return l.status();
    *link = l.value();
    return LoadInterviewView(db, link->account_id, link->reviewer.interview_id,
                             AcceptLanguage(call), view);
  });
}

// The reviewer page, with `error` above the form (plain text) if any.
void ReplyReviewerPage(Call& call, int http_status, const ReviewerLink& link,
                       const InterviewView& v, const std::string& error) {
  std::string token = call.Token("token");
  Page p;
  p.lang = v.lang;
  p.header = v.interview.title;
  p.title = Format(v.lang, "review_page_title", {{"name", v.interview.candidate_name}});
  p.body =
      "<section class=\"card\">\n" + InterviewIntro(v, p.title) + "<p>" +
      Escape(Format(v.lang, "review_intro", {{"name", link.reviewer.name}})) +
      "</p>\n</section>\n<h2 class=\"section\">" + Escape(Text(v.lang, "recordings")) + "</h2>\n" +
      RecordingsHtml(v,
                     [&](int64_t id) {
                       return PublicLinks::ReviewerPagePath(token) + "/media/" + std::to_string(id);
                     }) +
      "\n" +
      RatingFormHtml(v.lang, PublicLinks::ReviewerPagePath(token), Text(v.lang, "rating"), error);
  ReplyPage(call.res(), http_status, p);
}

// NotFound for a link that is not open, after answering 410 for one that
// was used for a review already.
Status ReplyReviewerLinkGone(Call& call, const Status& s) {
  if (!s.IsNotFound()) return s;
  Result<bool> used = false;
  Status r = call.store().Read([&](Db& db) {
    used = ReviewerLinkUsed(db, call.Token("token"));
    return used.status();
  });
  if (!r.ok()) return r;
  if (!*used) return Status::NotFound("this review link is not known");
  std::string lang = PickLanguage(std::nullopt, AcceptLanguage(call));
  ReplyMessage(call.res(), 410, lang, Text(lang, "review_used_title"),
               Text(lang, "review_used_text"));
  return Status::OK();
}

}  // namespace

Status ForwardPageHandler(Call& call) {
  // HEAD (link previews, checkers) does not use one of the 3 openings.
  if (call.req().method == "HEAD") {
    call.res().status = 200;
    call.res().set_header("Cache-Control", "no-store");
    return Status::OK();
  }
  ForwardOpening opening;
  const std::string access = RandomToken(20);  // made before the write
  Status s = call.store().Write([&](Db& db) {
    return OpenForwardLink(db, call.Token("token"), call.now(), kForwardAccessSeconds, access,
                           &opening);
  });
  if (s.code() == Status::Code::kGone) {
    ReplyForwardGone(call);
    return Status::OK();
  }
  if (!s.ok()) return s;
  InterviewView v;
  s = call.store().Read([&](Db& db) {
    return LoadInterviewView(db, opening.link.account_id, opening.link.interview_id,
                             AcceptLanguage(call), &v);
  });
  if (!s.ok()) return s;
  call.res().set_header("Content-Language", v.lang);
  std::string base = PublicLinks::ForwardPagePath(call.Token("token")) + "/media/";
  std::string left = opening.link.opens_left > 0
                         ? Format(v.lang, "forward_opens_left",
                                  {{"count", std::to_string(opening.link.opens_left)},
                                   {"date", DisplayTime(opening.link.expires_at)}})
                         : Text(v.lang, "forward_opens_none");
  Page p;
  p.lang = v.lang;
  p.header = v.interview.title;
  p.title = Format(v.lang, "forward_title", {{"name", v.interview.candidate_name}});
  p.body = "<section class=\"card\">\n" + InterviewIntro(v, p.title) +
           "<p class=\"note\" id=\"opens-left\">" + Escape(left) + "</p>\n</section>\n" +
           RecordingsHtml(v, [&](int64_t id) {
             return base + std::to_string(id) + "?access=" + opening.access;
           });
  ReplyPage(call.res(), 200, p);
  return Status::OK();
}

Status ForwardMediaHandler(Call& call) {
  Result<ForwardLink> link = Status::Internal("unset");
  Result<bool> allowed = false;
  Status s = call.store().Read([&](Db& db) {
    link = CheckForwardAccess(db, call.Token("token"), call.req().get_param_value("access"),
                              call.now());
    if (!link.ok()) return link.status();
    allowed = IsInterviewMedia(db, link->interview_id, call.Param("video_id"));
    return allowed.status();
  });
  if (!s.ok()) return s;
  if (!*allowed) return Status::NotFound("no such video in this interview");
  return ReplyMedia(call, link->account_id, call.Param("video_id"));
}

Status ReviewerPageHandler(Call& call) {
  ReviewerLink link;
  InterviewView v;
  Status s = LoadReviewerView(call, &link, &v);
  if (!s.ok()) return ReplyReviewerLinkGone(call, s);
  call.res().set_header("Content-Language", v.lang);
  ReplyReviewerPage(call, 200, link, v, "");
  return Status::OK();
}

Status ReviewerSubmitHandler(Call& call) {
  ReviewerLink link;
  InterviewView v;
  Status s = LoadReviewerView(call, &link, &v);
  if (!s.ok()) return ReplyReviewerLinkGone(call, s);
  call.res().set_header("Content-Language", v.lang);
  int64_t rating = 0;
  std::optional<std::string> remarks;
  if (!ReadRatingForm(ParseForm(call.body()), &rating, &remarks)) {
    ReplyReviewerPage(call, 400, link, v, Text(v.lang, "rating_error"));
    return Status::OK();
  }
  Review review;
  s = call.store().Write([&](Db& db) {
    return SubmitReviewerReview(db, call.Token("token"), rating, remarks, call.now(), &review);
  });
  if (!s.ok()) return ReplyReviewerLinkGone(call, s);
  ReplyMessage(call.res(), 200, v.lang, Text(v.lang, "review_thanks_title"),
               Text(v.lang, "review_thanks_text"));
  return Status::OK();
}

Status ReviewerMediaHandler(Call& call) {
  Result<ReviewerLink> link = Status::Internal("unset");
  Result<bool> allowed = false;
  Status s = call.store().Read([&](Db& db) {
    link = GetReviewerLink(db, call.Token("token"));
    if (!link.ok()) return link.status();
    allowed = IsInterviewMedia(db, link->reviewer.interview_id, call.Param("video_id"));
    return allowed.status();
  });
  if (!s.ok()) return s;
  if (!*allowed) return Status::NotFound("no such video in this interview");
  return ReplyMedia(call, link->account_id, call.Param("video_id"));
}

}  // namespace cammio::web
