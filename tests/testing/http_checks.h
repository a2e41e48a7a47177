// HTTP-level checks and client helpers shared by the transport's tests
// (tests/http/, on a fake handler) and the pipeline's (tests/api/): the
// security headers every answer carries, and a chunked upload. They use only
// cpp-httplib and doctest, so tests/http may include them.
//
// Thread-safety: no state; call from the test's thread.
#pragma once

#include <doctest/doctest.h>
#include <httplib.h>

#include <algorithm>
#include <string>

namespace cammio::testing {

// The HSTS value the server sends (one year, no subdomains).
inline constexpr char kHsts[] = "max-age=31536000";

// The Accept header of a browser, which gets HTML error pages.
inline const httplib::Headers kBrowser{{"Accept", "text/html,application/xhtml+xml,*/*;q=0.8"}};

// Exactly one X-Content-Type-Options field, and it is "nosniff".
inline void CheckNosniff(const httplib::Headers& h) {
  CHECK(h.count("X-Content-Type-Options") == 1);
  auto it = h.find("X-Content-Type-Options");
  if (it != h.end()) CHECK(it->second == "nosniff");
}

// Exactly one Strict-Transport-Security field, with kHsts.
inline void CheckHsts(const httplib::Headers& h) {
  CHECK(h.count("Strict-Transport-Security") == 1);
  auto it = h.find("Strict-Transport-Security");
  if (it != h.end()) CHECK(it->second == kHsts);
}

// POSTs `body` with Transfer-Encoding: chunked, in chunks of 512 bytes.
inline httplib::Result PostChunked(httplib::ClientImpl& cli, const std::string& path,
                                   const std::string& body, const std::string& content_type) {
  return cli.Post(
      path,
      [&body](size_t offset, httplib::DataSink& sink) {
        if (offset < body.size()) {
          sink.write(body.data() + offset, std::min<size_t>(512, body.size() - offset));
        } else {
          sink.done();
        }
        return true;
      },
      content_type);
}

}  // namespace cammio::testing
