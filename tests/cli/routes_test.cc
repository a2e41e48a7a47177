// The server's route table (ServerRouter(), cli/server_router.h): every
// PublicLinks path shape (src/config/public_links.h) is answered by one of
// its rows, and the table joined from the API's, the pages' and the ops rows
// is the one taken before issue 15 split it (C1): the same rows (method,
// pattern, flags), each table's rows in their order before, and every
// request matches the same row, 404 or 405 with the same Allow header.
#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <tuple>
#include <vector>

#include "api/router.h"
#include "api/routes.h"
#include "cli/server_router.h"
#include "config/public_links.h"
#include "console/routes.h"
#include "http/server.h"
#include "mail/enqueue.h"
#include "ops/routes.h"
#include "util/random.h"
#include "web/routes.h"

namespace cammio {
namespace {

// A row as the tests compare it: everything but the handler.
struct Row {
  std::string method;
  std::string pattern;
  bool authenticated;
  bool stream_body;
  bool cached;
  bool operator==(const Row& o) const {
    return method == o.method && pattern == o.pattern && authenticated == o.authenticated &&
           stream_body == o.stream_body && cached == o.cached;
  }
};

std::ostream& operator<<(std::ostream& os, const Row& r) {
  return os << r.method << " " << r.pattern << " auth=" << r.authenticated
            << " stream=" << r.stream_body << " cached=" << r.cached;
}

// The whole table before the split (ApiRouter().routes() then), in its order,
// with the rows added since in their places.
const std::vector<Row>& TableBeforeSplit() {
  static const std::vector<Row> rows = {
      {"GET", "/healthz", false, false, false},
      {"GET", "/metrics", false, false, false},
      {"GET", "/api/openapi.json", false, false, false},
      {"GET", "/api/vacancies", true, false, false},
      {"POST", "/api/vacancies", true, false, false},
      {"GET", "/api/vacancies/:id", true, false, true},
      {"PUT", "/api/vacancies/:id", true, false, false},
      {"DELETE", "/api/vacancies/:id", true, false, false},
      // issue 18: the videos of vacancies and questions
      {"PUT", "/api/vacancies/:vacancy_id/video", true, false, false},
      {"DELETE", "/api/vacancies/:vacancy_id/video", true, false, false},
      {"PUT", "/api/vacancies/:vacancy_id/questions/:question_id/video", true, false, false},
      {"DELETE", "/api/vacancies/:vacancy_id/questions/:question_id/video", true, false, false},
      {"GET", "/api/invitations", true, false, true},
      {"POST", "/api/invitations", true, false, false},
      {"GET", "/api/invitations/:id", true, false, true},
      {"PUT", "/api/invitations/:id", true, false, false},
      {"DELETE", "/api/invitations/:id", true, false, false},
      {"POST", "/api/invitations/:id/resend", true, false, false},
      {"GET", "/api/invitations/:invitation_id/guests", true, false, true},
      {"POST", "/api/invitations/:invitation_id/guests", true, false, false},
      {"GET", "/api/invitations/:invitation_id/guests/:id", true, false, true},
      {"PUT", "/api/invitations/:invitation_id/guests/:id", true, false, false},
      {"DELETE", "/api/invitations/:invitation_id/guests/:id", true, false, false},
      {"GET", "/api/interviews", true, false, true},
      {"GET", "/api/interviews/:id", true, false, true},
      {"GET", "/api/interviews/:interview_id/reviewers", true, false, true},
      {"POST", "/api/interviews/:interview_id/reviewers", true, false, false},
      {"GET", "/api/interviews/:interview_id/reviewers/:id", true, false, true},
      {"PUT", "/api/interviews/:interview_id/reviewers/:id", true, false, false},
      {"DELETE", "/api/interviews/:interview_id/reviewers/:id", true, false, false},
      {"GET", "/api/interviews/:interview_id/reviews", true, false, true},
      {"POST", "/api/interviews/:interview_id/reviews", true, false, false},
      {"GET", "/api/interviews/:interview_id/reviews/:id", true, false, true},
      {"DELETE", "/api/interviews/:interview_id/reviews/:id", true, false, false},
      {"GET", "/api/interviews/:interview_id/forward_url", true, false, false},
      {"GET", "/api/vacancies/:vacancy_id/invitations", true, false, true},
      {"POST", "/api/vacancies/:vacancy_id/invitations", true, false, false},
      {"POST", "/api/vacancies/:vacancy_id/invitations/import", true, false, false},
      {"GET", "/api/vacancies/:vacancy_id/invitations/:id", true, false, true},
      {"PUT", "/api/vacancies/:vacancy_id/invitations/:id", true, false, false},
      {"DELETE", "/api/vacancies/:vacancy_id/invitations/:id", true, false, false},
      {"POST", "/api/vacancies/:vacancy_id/invitations/:id/resend", true, false, false},
      {"GET", "/api/vacancies/:vacancy_id/invitations/:invitation_id/guests", true, false, true},
      {"POST", "/api/vacancies/:vacancy_id/invitations/:invitation_id/guests", true, false, false},
      {"GET", "/api/vacancies/:vacancy_id/invitations/:invitation_id/guests/:id", true, false,
       true},
      {"PUT", "/api/vacancies/:vacancy_id/invitations/:invitation_id/guests/:id", true, false,
       false},
      {"DELETE", "/api/vacancies/:vacancy_id/invitations/:invitation_id/guests/:id", true, false,
       false},
      {"GET", "/api/vacancies/:vacancy_id/interviews", true, false, true},
      {"GET", "/api/vacancies/:vacancy_id/interviews/:id", true, false, true},
      {"GET", "/api/vacancies/:vacancy_id/interviews/:interview_id/reviews", true, false, true},
      {"POST", "/api/vacancies/:vacancy_id/interviews/:interview_id/reviews", true, false, false},
      {"GET", "/api/vacancies/:vacancy_id/interviews/:interview_id/reviews/:id", true, false, true},
      {"DELETE", "/api/vacancies/:vacancy_id/interviews/:interview_id/reviews/:id", true, false,
       false},
      {"GET", "/api/vacancies/:vacancy_id/interviews/:interview_id/reviewers", true, false, true},
      {"POST", "/api/vacancies/:vacancy_id/interviews/:interview_id/reviewers", true, false, false},
      {"GET", "/api/vacancies/:vacancy_id/interviews/:interview_id/reviewers/:id", true, false,
       true},
      {"PUT", "/api/vacancies/:vacancy_id/interviews/:interview_id/reviewers/:id", true, false,
       false},
      {"DELETE", "/api/vacancies/:vacancy_id/interviews/:interview_id/reviewers/:id", true, false,
       false},
      {"GET", "/api/vacancies/:vacancy_id/interviews/:interview_id/forward_url", true, false,
       false},
      {"GET", "/api/videos/:video_id", true, false, false},
      {"OPTIONS", "/api/uploads", true, false, false},  // issue 18: a recruiter's uploads
      {"POST", "/api/uploads", true, false, false},
      {"GET", "/api/uploads/:id", true, false, false},
      {"PATCH", "/api/uploads/:id", true, true, false},
      {"GET", "/api/settings/notifications", true, false, false},
      {"PUT", "/api/settings/notifications", true, false, false},
      {"POST", "/api/settings/notifications/test", true, false, false},
      {"GET", "/api/notifications", true, false, false},
      {"GET", "/api/notifications/:id", true, false, false},
      {"POST", "/api/notifications/:id/redeliver", true, false, false},
      {"GET", "/public/assets/cammio.css", false, false, false},
      {"GET", "/public/assets/common.js", false, false, false},
      {"GET", "/public/assets/uploads.js", false, false, false},
      {"GET", "/public/assets/candidate.js", false, false, false},
      {"GET", "/public/assets/live.js", false, false, false},   // issue 16: the live room
      {"GET", "/public/assets/live.css", false, false, false},  // issue 16
      {"GET", "/public/job_interviews/{token}", false, false, false},
      {"GET", "/public/job_interviews/{token}/questions/:question_id/video", false, false, false},
      {"GET", "/public/job_interviews/{token}/video", false, false, false},  // issue 18
      {"GET", "/public/vacancies/{token}", false, false, false},
      {"POST", "/public/vacancies/{token}", false, false, false},
      {"GET", "/public/video/v/{token}", false, false, false},
      {"GET", "/public/video/v/{token}/media/:video_id", false, false, false},
      {"GET", "/public/reviews/{token}", false, false, false},
      {"POST", "/public/reviews/{token}", false, false, false},
      {"GET", "/public/reviews/{token}/media/:video_id", false, false, false},
      {"GET", "/public/guests/{token:guest}", false, false, false},
      {"GET", "/public/interviewers/{token:guest}", false, false, false},  // issue 16
      {"GET", "/recruiter/reviews/:id", true, false, false},
      {"POST", "/recruiter/reviews/:id", true, false, false},
      {"GET", "/recruiter/reviews/:id/media/:video_id", true, false, false},
      {"GET", "/public/job_interviews/{token}/state", false, false, false},
      {"POST", "/public/job_interviews/{token}/complete", false, false, false},
      {"OPTIONS", "/public/job_interviews/{token}/uploads", false, false, false},
      {"POST", "/public/job_interviews/{token}/uploads", false, false, false},
      {"GET", "/public/job_interviews/{token}/uploads/:upload_id", false, false, false},
      {"PATCH", "/public/job_interviews/{token}/uploads/:upload_id", false, true, false},
      // Added since the split: the live interviews' rows (issue 16).
      {"GET", "/public/job_interviews/{token}/live", false, false, false},
      {"GET", "/public/job_interviews/{token}/live/events", false, false, false},
      {"POST", "/public/job_interviews/{token}/live/messages", false, false, false},
      {"GET", "/public/interviewers/{token:guest}/live", false, false, false},
      {"GET", "/public/interviewers/{token:guest}/live/events", false, false, false},
      {"POST", "/public/interviewers/{token:guest}/live/messages", false, false, false},
      {"GET", "/public/guests/{token:guest}/live", false, false, false},
      {"GET", "/public/guests/{token:guest}/live/events", false, false, false},
      {"POST", "/public/guests/{token:guest}/live/messages", false, false, false},
      {"OPTIONS", "/public/interviewers/{token:guest}/uploads", false, false, false},
      {"POST", "/public/interviewers/{token:guest}/uploads", false, false, false},
      {"GET", "/public/interviewers/{token:guest}/uploads/:upload_id", false, false, false},
      {"PATCH", "/public/interviewers/{token:guest}/uploads/:upload_id", false, true, false},
      {"OPTIONS", "/public/guests/{token:guest}/uploads", false, false, false},
      {"POST", "/public/guests/{token:guest}/uploads", false, false, false},
      {"GET", "/public/guests/{token:guest}/uploads/:upload_id", false, false, false},
      {"PATCH", "/public/guests/{token:guest}/uploads/:upload_id", false, true, false},
  };
  return rows;
}

// The rows of `r` but the console's (issue 18 added them after the split).
std::vector<Row> RowsOf(const Router& r) {
  std::vector<Row> rows;
  for (const Route& route : r.routes()) {
    const std::string pattern = route.pattern;
    if (pattern.rfind("/console", 0) == 0 || pattern.rfind("/public/assets/console/", 0) == 0) {
      continue;
    }
    rows.push_back(
        {route.method, route.pattern, route.authenticated, route.stream_body, route.cached});
  }
  return rows;
}

// The table before the split as a Router (no handlers: Match does not call them).
const Router& RouterBeforeSplit() {
  static const Router router = [] {
    std::vector<Route> routes;
    for (const Row& r : TableBeforeSplit()) {
      routes.push_back(
          {r.method.c_str(), r.pattern.c_str(), nullptr, r.authenticated, r.stream_body, r.cached});
    }
    return Router(std::move(routes));
  }();
  return router;
}

// A path the pattern matches: ids and tokens filled in.
std::string PathOf(const std::string& pattern) {
  std::string path;
  for (std::string_view seg : SplitPath(pattern)) {
    path += '/';
    if (seg.front() == ':') {
      path += "42";
    } else if (seg.find(":guest}") != std::string_view::npos) {
      path += "12.abcdefghijklmnopqrstuvwxyz";
    } else if (seg.front() == '{') {
      path += "0123456789abcdef";
    } else {
      path += seg;
    }
  }
  return path;
}

TEST_CASE("cli routes: the server's table has the rows and flags taken before the split") {
  std::vector<Row> rows = RowsOf(ServerRouter());
  std::vector<Row> before = TableBeforeSplit();
  const auto by_text = [](const Row& a, const Row& b) {
    return std::tie(a.method, a.pattern) < std::tie(b.method, b.pattern);
  };
  std::sort(rows.begin(), rows.end(), by_text);
  std::sort(before.begin(), before.end(), by_text);
  REQUIRE(rows.size() == before.size());
  for (size_t i = 0; i < rows.size(); ++i) {
    CAPTURE(i);
    CHECK(rows[i] == before[i]);
  }
}

// Rows of `table` in the order they have in the table before the split.
bool InOrderBeforeSplit(const std::vector<Route>& table) {
  size_t next = 0;
  for (const Route& r : table) {
    const Row row{r.method, r.pattern, r.authenticated, r.stream_body, r.cached};
    while (next < TableBeforeSplit().size() && !(TableBeforeSplit()[next] == row)) ++next;
    if (next == TableBeforeSplit().size()) return false;
    ++next;
  }
  return true;
}

TEST_CASE(
    "cli routes: the server's table is the API's, the pages' and the ops rows, each in its "
    "order before the split") {
  const std::vector<Route>& api = ApiRoutes();
  const std::vector<Route>& pages = web::PageRoutes();
  const std::vector<Route>& ops = ops::OpsRoutes();
  const std::vector<Route>& console = console::ConsoleRoutes();
  const std::vector<Route>& all = ServerRouter().routes();
  REQUIRE(all.size() == api.size() + pages.size() + console.size() + ops.size());
  CHECK(api.size() == 92);
  CHECK(pages.size() == 21);
  CHECK(ops.size() == 1);
  size_t i = 0;
  for (const std::vector<Route>* table : {&api, &pages, &console, &ops}) {
    for (const Route& r : *table) {
      CAPTURE(i);
      CHECK(std::string(all[i].method) == r.method);
      CHECK(std::string(all[i].pattern) == r.pattern);
      const bool same_handler = all[i].handler == r.handler;
      CHECK(same_handler);
      ++i;
    }
  }
  CHECK(InOrderBeforeSplit(api));
  CHECK(InOrderBeforeSplit(pages));
  CHECK(InOrderBeforeSplit(ops));
  // The split's seams: the pages' rows serve HTML and media under /public/
  // and /recruiter/, the API keeps the candidate pages' JSON and uploads.
  for (const Route& r : pages) {
    const std::string pattern = r.pattern;
    CHECK((pattern.rfind("/public/", 0) == 0 || pattern.rfind("/recruiter/", 0) == 0));
  }
  CHECK(std::string(ops.front().pattern) == "/metrics");
}

TEST_CASE("cli routes: every request matches as before the split (row, 404, 405 and Allow)") {
  const Router& now = ServerRouter();
  const Router& before = RouterBeforeSplit();
  std::vector<std::string> paths = {"/",
                                    "/api",
                                    "/api/vacancies/0",
                                    "/api/vacancies/abc",
                                    "/public/job_interviews/short",
                                    "/nowhere/1/2/3"};
  for (const Row& r : TableBeforeSplit()) {
    paths.push_back(PathOf(r.pattern));
    paths.push_back(PathOf(r.pattern) + "/extra");
  }
  const char* methods[] = {"GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE"};
  int compared = 0;
  for (const std::string& path : paths) {
    for (const char* method : methods) {
      CAPTURE(path);
      CAPTURE(method);
      const RouteMatch a = before.Match(method, path);
      const RouteMatch b = now.Match(method, path);
      REQUIRE((a.route == nullptr) == (b.route == nullptr));
      if (a.route != nullptr) {
        CHECK(std::string(b.route->method) == a.route->method);
        CHECK(std::string(b.route->pattern) == a.route->pattern);
        const bool has_handler = b.route->handler != nullptr;
        CHECK(has_handler);
      } else {
        CHECK(b.status.code() == a.status.code());
        CHECK(b.status.details() == a.status.details());
        CHECK(b.allow == a.allow);
      }
      ++compared;
    }
  }
  CHECK(compared == static_cast<int>(paths.size() * 8));
}

TEST_CASE("cli routes: every PublicLinks path shape matches a GET route") {
  const Router& r = ServerRouter();
  const std::string token = OrderedToken(20);
  const std::string random = RandomToken(20);
  const std::string guest = mail::GuestToken(token, 3);
  const std::string interviewer = mail::InterviewerToken(token, 5);
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
      {PublicLinks::InterviewerPagePath(interviewer), "/public/interviewers/{token:guest}"},
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
  CHECK(links.InterviewerPage(interviewer) ==
        links.base() + PublicLinks::InterviewerPagePath(interviewer));
}

TEST_CASE("cli routes: the server's table: credentials on /api/, no row twice") {
  const Router& r = ServerRouter();
  for (const auto& route : r.routes()) {
    CAPTURE(route.pattern);
    std::string p = route.pattern;
    // Every /api/ route needs credentials (the API description excepted).
    if (p.rfind("/api/", 0) == 0 && p != "/api/openapi.json") CHECK(route.authenticated);
  }
  // No two rows share a method and a pattern.
  for (size_t i = 0; i < r.routes().size(); ++i) {
    for (size_t j = i + 1; j < r.routes().size(); ++j) {
      CHECK_FALSE((std::string(r.routes()[i].method) == r.routes()[j].method &&
                   std::string(r.routes()[i].pattern) == r.routes()[j].pattern));
    }
  }
}

TEST_CASE("cli routes: the server's table routes guest links to the guest page") {
  const Router& r = ServerRouter();
  RouteMatch m = r.Match("GET", "/public/guests/7.abcdefghijklmnopqrstuvwx27");
  REQUIRE(m.route != nullptr);
  CHECK_FALSE(m.route->authenticated);
  CHECK(m.params.Token("token") == "7.abcdefghijklmnopqrstuvwx27");
  CHECK(r.Match("GET", "/public/guests/" + std::string(20, 'a')).status.code() ==
        Status::Code::kNotFound);
  m = r.Match("GET", "/public/job_interviews/" + std::string(20, 'a'));
  REQUIRE(m.route != nullptr);
  CHECK(m.params.Token("token") == std::string(20, 'a'));
  CHECK(r.Match("GET", "/public/job_interviews/7.abcdefghijklmnopqrstuvwx27").route == nullptr);
}

}  // namespace
}  // namespace cammio
