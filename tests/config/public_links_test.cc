// PublicLinks (src/config/public_links.h): the one place that builds the
// links cammio hands out, and the one URL-host parser.
#include "config/public_links.h"

#include <doctest/doctest.h>

#include <cstdint>
#include <string>

namespace cammio {
namespace {

TEST_CASE("config PublicLinks: trailing slashes are dropped; the default is localhost") {
  CHECK(PublicLinks("https://cammio.example/").base() == "https://cammio.example");
  CHECK(PublicLinks("https://cammio.example//").base() == "https://cammio.example");
  CHECK(PublicLinks("https://cammio.example/base/").CandidateInterview("tok") ==
        "https://cammio.example/base/public/job_interviews/tok");
  CHECK(PublicLinks("", 9443).base() == "https://localhost:9443");
  CHECK(PublicLinks().base().empty());
  CHECK(PublicLinks().RecruiterReview(7) == "/recruiter/reviews/7");
}

TEST_CASE("config PublicLinks: every link is base + its path") {
  PublicLinks l("https://cammio.example:8443/");
  CHECK(l.CandidateInterview("abc") == "https://cammio.example:8443/public/job_interviews/abc");
  CHECK(l.PublicVacancy("pv") == "https://cammio.example:8443/public/vacancies/pv");
  CHECK(l.ReviewerPage("rv") == "https://cammio.example:8443/public/reviews/rv");
  CHECK(l.ForwardPage("fw") == "https://cammio.example:8443/public/video/v/fw");
  CHECK(l.GuestPage("3.abc") == "https://cammio.example:8443/public/guests/3.abc");
  CHECK(l.InterviewerPage("3.abc") == "https://cammio.example:8443/public/interviewers/3.abc");
  CHECK(l.RecruiterReview(12) == "https://cammio.example:8443/recruiter/reviews/12");
  CHECK(l.Video(34) == "https://cammio.example:8443/api/videos/34");
  CHECK(l.Video(34) == l.base() + PublicLinks::VideoPath(34));
  CHECK(l.RecruiterReview(12) == l.base() + PublicLinks::RecruiterReviewPath(12));
  CHECK(PublicLinks::CandidateInterviewPath("abc") == "/public/job_interviews/abc");
  CHECK(PublicLinks::PublicVacancyPath("pv") == "/public/vacancies/pv");
  CHECK(PublicLinks::ReviewerPagePath("rv") == "/public/reviews/rv");
  CHECK(PublicLinks::ForwardPagePath("fw") == "/public/video/v/fw");
  CHECK(PublicLinks::GuestPagePath("3.abc") == "/public/guests/3.abc");
  CHECK(PublicLinks::InterviewerPagePath("3.abc") == "/public/interviewers/3.abc");
  // Same-origin links (no base) are the paths.
  PublicLinks same_origin;
  CHECK(same_origin.CandidateInterview("abc") == "/public/job_interviews/abc");
  CHECK(same_origin.Video(34) == "/api/videos/34");
}

TEST_CASE("config PublicLinks: the links written into a buffer are the same text") {
  // A base that fits the buffer, none, and one too long for it (the spill).
  for (const std::string& base : {std::string("https://cammio.example:8443"), std::string(),
                                  "https://" + std::string(140, 'h') + ".example"}) {
    CAPTURE(base);
    const PublicLinks l(base);
    for (int64_t id : {int64_t{0}, int64_t{34}, int64_t{-5}, INT64_MAX, INT64_MIN}) {
      CAPTURE(id);
      PublicLinks::Buffer buf;
      CHECK(l.Video(id, &buf) == l.Video(id));
      CHECK(l.RecruiterReview(id, &buf) == l.RecruiterReview(id));
    }
    for (const std::string& token :
         {std::string(), std::string("abc"), std::string(30, 't'), std::string(170, 't')}) {
      PublicLinks::Buffer buf;
      CHECK(l.CandidateInterview(token, &buf) == l.CandidateInterview(token));
    }
  }
}

TEST_CASE("config PublicLinks: host() drops scheme, userinfo, port, path and IPv6 brackets") {
  CHECK(PublicLinks("https://cammio.example.com:8443/base").host() == "cammio.example.com");
  CHECK(PublicLinks("http://user:pw@10.0.0.5").host() == "10.0.0.5");
  CHECK(PublicLinks("https://[::1]:8443/").host() == "::1");
  CHECK(PublicLinks("https://[2001:db8::5]").host() == "2001:db8::5");
  CHECK(PublicLinks("https://host?x=1").host() == "host");
  CHECK(PublicLinks("", 8443).host() == "localhost");
  CHECK(UrlHost("cammio.example:80/x") == "cammio.example");
  CHECK(UrlHost("https://[::1") == "");
  CHECK(UrlHost("") == "");
}

TEST_CASE("config PublicLinks: https()") {
  CHECK(PublicLinks("https://cammio.example").https());
  CHECK_FALSE(PublicLinks("http://cammio.example").https());
  CHECK(PublicLinks("", 8443).https());
  CHECK_FALSE(PublicLinks().https());
}

}  // namespace
}  // namespace cammio
