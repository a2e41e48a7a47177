// The request-smuggling probes shared by the transport's tests
// (tests/http/request_edge_test.cc, on a fake handler) and the pipeline's
// (tests/api/pipeline_edge_test.cc, where the API renders the refusal): each
// is a request head the server must refuse with its status, and every test
// sends a second request behind it that must never be answered.
//
// Thread-safety: pure data.
#pragma once

#include <string>
#include <vector>

namespace cammio::testing {

struct Probe {
  const char* name;
  std::string head;  // followed by the smuggled request
  int status;
};

inline std::vector<Probe> SmugglingProbes() {
  const std::string get = "GET /healthz HTTP/1.1\r\nHost: x\r\n";
  const std::string post = "POST /api/vacancies HTTP/1.1\r\nHost: x\r\n";
  return {
      {"bad request line", "GARBAGE\r\nHost: x\r\n\r\n", 400},
      {"unknown method", "FOO /healthz HTTP/1.1\r\nHost: x\r\n\r\n", 501},
      {"HTTP/9.9", "GET /healthz HTTP/9.9\r\nHost: x\r\n\r\n", 505},
      {"header line over 8 KiB", get + "X-Big: " + std::string(9000, 'a') + "\r\n\r\n", 431},
      {"Content-Length with Transfer-Encoding",
       post + "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400},
      {"space before the colon", post + "Transfer-Encoding : chunked\r\n\r\n0\r\n\r\n", 400},
      {"obs-folded Transfer-Encoding",
       post + "Content-Length: 5\r\nX-A: 1\r\n Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400},
      {"two different Content-Lengths", post + "Content-Length: 0\r\nContent-Length: 5\r\n\r\n",
       400},
      {"bare LF", "GET /healthz HTTP/1.1\nHost: x\n\n", 400},
      {"Transfer-Encoding on HTTP/1.0",
       "POST /api/vacancies HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400},
      // cpp-httplib reads chunked only when the one field is exactly "chunked".
      {"Transfer-Encoding list with an empty element",
       post + "Transfer-Encoding: chunked,\r\n\r\n0\r\n\r\n", 501},
      {"two Transfer-Encoding fields",
       post + "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400},
  };
}

}  // namespace cammio::testing
