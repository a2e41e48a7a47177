// Tests for src/api/log_path: what the access log writes of a request path.
#include "api/log_path.h"

#include <doctest/doctest.h>

#include <string>

namespace cammio {
namespace {

TEST_CASE("log path: LogPath keeps link tokens out of log lines") {
  const std::string t(20, 'k');
  CHECK(LogPath("/public/job_interviews/" + t) == "/public/job_interviews/kkkk~");
  CHECK(LogPath("/public/job_interviews/" + t + "/uploads/12") ==
        "/public/job_interviews/kkkk~/uploads/12");
  CHECK(LogPath("/public/reviews/" + t + "/media/7") == "/public/reviews/kkkk~/media/7");
  CHECK(LogPath("/public/guests/42.abcdefghijklmnopqrstuvwx27") == "/public/guests/42.abcd~");
  CHECK(LogPath("/public/video/v/" + t + "/") == "/public/video/v/kkkk~/");
  // Nothing else changes: API paths, assets, short or malformed segments.
  for (const std::string& same :
       {std::string("/api/vacancies/12345678901234567"), std::string("/public/assets/candidate.js"),
        std::string("/public/job_interviews/short"), std::string("/healthz"), std::string("/"),
        std::string(""), std::string("/recruiter/reviews/3")}) {
    CHECK(LogPath(same) == same);
  }
  // The decoded path is one printable field: '%', space, control characters
  // and non-ASCII bytes are percent-encoded again (issue 13 item 10).
  CHECK(LogPath("/no/such\n2026 INFO x%41") == "/no/such%0A2026%20INFO%20x%2541");
  CHECK(LogPath("/a\r\x7f\xC3\xAB") == "/a%0D%7F%C3%AB");
  CHECK(LogPath("/public/job_interviews/" + t + "/\n") == "/public/job_interviews/kkkk~/%0A");
}

}  // namespace
}  // namespace cammio
