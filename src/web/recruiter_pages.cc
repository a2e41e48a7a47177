// The recruiter's review page: the interview `url` of the API
// (<public_url>/recruiter/reviews/<id>). Authenticated like the API (HTTP
// Basic with the user's email and access token; the browser prompts because
// these paths answer 401 with a challenge, web/html.h). Shows the interview,
// its recordings, reviews and reviewer invitations, and a form that adds a
// review by the signed-in user.
#include "config/public_links.h"
#include "store/web_links.h"
#include "web/html.h"
#include "web/i18n.h"
#include "web/interview_view.h"
#include "web/pages.h"

namespace cammio::web {
namespace {

// A form post from another site would carry the browser's cached Basic
// credentials: accept only same-origin posts. Browsers send Sec-Fetch-Site;
// older ones an Origin ("null" under our no-referrer policy, so only a real
// origin is compared). Clients that send neither are not browsers.
bool SameOriginPost(const Call& call) {
  std::string site = call.req().get_header_value("Sec-Fetch-Site");
  if (!site.empty()) return site == "same-origin" || site == "none";
  std::string origin = call.req().get_header_value("Origin");
  if (origin.empty() || origin == "null") return true;
  size_t scheme = origin.find("://");
  return scheme != std::string::npos &&
         origin.substr(scheme + 3) == call.req().get_header_value("Host");
}

std::string Fact(const std::string& lang, const char* key, const std::string& value) {
  return "<dt>" + Escape(Text(lang, key)) + "</dt><dd>" + Escape(value) + "</dd>\n";
}

std::string FactsHtml(const InterviewView& v) {
  const Interview& w = v.interview;
  int64_t seconds = w.datetime_end_ts - w.datetime_start_ts;
  int64_t minutes = seconds <= 0 ? 0 : (seconds + 59) / 60;
  std::string html = "<dl class=\"facts\">\n";
  html += Fact(v.lang, "candidate", w.candidate_name);
  html += Fact(v.lang, "email", w.candidate_email);
  if (w.candidate_phone) html += Fact(v.lang, "phone", *w.candidate_phone);
  html += Fact(v.lang, "completed_on", DisplayTime(w.datetime_end_ts));
  html += Fact(v.lang, "duration",
               minutes == 1 ? Text(v.lang, "minute")
                            : Format(v.lang, "minutes", {{"n", std::to_string(minutes)}}));
  return html + "</dl>\n";
}

std::string ReviewsHtml(const InterviewView& v) {
  std::string html =
      "<section class=\"card\" aria-labelledby=\"reviews-h\">\n"
      "<h2 id=\"reviews-h\">" +
      Escape(Text(v.lang, "reviews")) + "</h2>\n";
  if (v.reviews.empty()) {
    html += "<p>" + Escape(Text(v.lang, "no_reviews")) + "</p>\n";
  } else {
    html += "<ul class=\"reviews\">\n";
    for (const Review& r : v.reviews) {
      html += "<li><strong>" +
              Escape(Format(v.lang, "review_by",
                            {{"name", r.reviewer_name}, {"rating", std::to_string(r.rating)}})) +
              "</strong>";
      if (r.remarks) html += "<p class=\"text\">" + Escape(*r.remarks) + "</p>";
      html += "</li>\n";
    }
    html += "</ul>\n";
  }
  html += "<h3>" + Escape(Text(v.lang, "reviewers")) + "</h3>\n";
  if (v.reviewers.empty()) {
    return html + "<p>" + Escape(Text(v.lang, "no_reviewers")) + "</p>\n</section>";
  }
  html += "<ul class=\"reviewers\">\n";
  for (const Reviewer& r : v.reviewers) {
    html += "<li>" + Escape(r.name) + " &lt;" + Escape(r.email) + "&gt;</li>\n";
  }
  return html + "</ul>\n</section>";
}

Status LoadView(Call& call, InterviewView* v) {
  return call.store().Read([&](Db& db) {
    return LoadInterviewView(db, call.account_id(), call.Param("id"),
                             call.req().get_header_value("Accept-Language"), v);
  });
}

void ReplyRecruiterPage(Call& call, int http_status, const InterviewView& v,
                        const std::string& error) {
  std::string base = PublicLinks::RecruiterReviewPath(v.interview.id);
  Page p;
  p.lang = v.lang;
  p.header = v.interview.title;
  p.title = Format(v.lang, "recruiter_title",
                   {{"name", v.interview.candidate_name}, {"title", v.interview.title}});
  p.body = "<section class=\"card\">\n<h1 tabindex=\"-1\">" + Escape(p.title) + "</h1>\n" +
           FactsHtml(v) + "</section>\n<h2 class=\"section\">" +
           Escape(Text(v.lang, "recordings")) + "</h2>\n" +
           RecordingsHtml(v, [&](int64_t id) { return base + "/media/" + std::to_string(id); }) +
           "\n" + ReviewsHtml(v) + "\n" +
           RatingFormHtml(v.lang, base, Text(v.lang, "add_review"), error,
                          // Signed in to the console: its form posts need the CSRF token.
                          call.principal().session ? call.principal().session->csrf_token : "");
  ReplyPage(call.res(), http_status, p);
}

}  // namespace

Status RecruiterPageHandler(Call& call) {
  InterviewView v;
  Status s = LoadView(call, &v);
  if (!s.ok()) return s;
  call.res().set_header("Content-Language", v.lang);
  ReplyRecruiterPage(call, 200, v, "");
  return Status::OK();
}

Status RecruiterReviewHandler(Call& call) {
  InterviewView v;
  Status s = LoadView(call, &v);
  if (!s.ok()) return s;
  call.res().set_header("Content-Language", v.lang);
  if (!SameOriginPost(call)) {
    return Status::PreconditionFailed(Text(v.lang, "forbidden_cross_site"));
  }
  int64_t rating = 0;
  Review r;
  if (!ReadRatingForm(ParseForm(call.body()), &rating, &r.remarks)) {
    ReplyRecruiterPage(call, 400, v, Text(v.lang, "rating_error"));
    return Status::OK();
  }
  r.rating = rating;
  r.interview_id = v.interview.id;
  r.reviewer_name = call.principal().user.name;
  s = call.store().Write([&](Db& db) {
    return InsertReview(db, call.account_id(), &r, call.principal().user.id, call.now());
  });
  if (!s.ok()) return s;
  // Post/redirect/get: a reload does not post the review twice.
  call.res().status = 303;
  call.res().set_header("Location", PublicLinks::RecruiterReviewPath(v.interview.id));
  return Status::OK();
}

Status RecruiterMediaHandler(Call& call) {
  Result<bool> allowed = false;
  Status s = call.store().Read([&](Db& db) {
    auto w = GetInterview(db, call.account_id(), call.Param("id"));
    if (!w.ok()) return w.status();
    allowed = IsInterviewMedia(db, w->id, call.Param("video_id"));
    return allowed.status();
  });
  if (!s.ok()) return s;
  if (!*allowed) return Status::NotFound("no such video in this interview");
  return ReplyMedia(call, call.account_id(), call.Param("video_id"));
}

}  // namespace cammio::web
