// Every link shape PublicLinks (src/config/public_links.h) hands out is
// answered by a row of the server's route table: a GET of each path matches
// a route with the path's parameters bound.
#include <doctest/doctest.h>

#include "api/router.h"
#include "config/public_links.h"
#include "http/server.h"
#include "mail/enqueue.h"
#include "util/random.h"

namespace cammio {
namespace {

TEST_CASE("cli routes: every PublicLinks path shape matches a GET route") {
  const Router& r = ApiRouter();
  const std::string token = OrderedToken(20);
  const std::string random = RandomToken(20);
  const std::string guest = mail::GuestToken(token, 3);
  struct Case {
    std::string path;
    const char* pattern;
  };
  const Case cases[] = {
      {PublicLinks::CandidateInterviewPath(token), "/public/job_interviews/{token}"},
      {PublicLinks::PublicVacancyPath(random), "/public/vacancies/{token}"},
      {PublicLinks::ReviewerPagePath(random), "/public/reviews/{token}"},
      {PublicLinks::ForwardPagePath(random), "/public/video/v/{token}"},
      {PublicLinks::GuestPagePath(guest), "/public/guests/{token:guest}"},
      {PublicLinks::RecruiterReviewPath(12), "/recruiter/reviews/:id"},
      {PublicLinks::VideoPath(34), "/api/videos/:video_id"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.path);
    RouteMatch m = r.Match("GET", c.path);
    REQUIRE(m.route != nullptr);
    CHECK(std::string(m.route->pattern) == c.pattern);
  }
  // The links are base + these paths, so the same holds for them.
  PublicLinks links("https://cammio.example:8443/");
  CHECK(links.GuestPage(guest) == links.base() + PublicLinks::GuestPagePath(guest));
}

}  // namespace
}  // namespace cammio
