// Exchange recorder: with CAMMIO_OPENAPI_RECORD=FILE in the environment,
// every request a TestServer client sends and the answer it gets are
// appended to FILE as one JSON line:
//   {"test": "...", "method": "POST", "path": "/api/vacancies?x=1",
//    "request_content_type": "...", "request_body": "...",
//    "status": 201, "response_content_type": "...", "response_body": "..."}
// Bodies are kept only when they are text (JSON or XML, or any body of at
// most 64 KiB without NUL bytes); otherwise "request_body_bytes" /
// "response_body_bytes" give their sizes. tools/openapi/validate-exchanges.js
// checks the file against docs/openapi.json with a third-party validator
// (tests/shell/openapi_validation_test.sh). Without the variable nothing is
// recorded and Install() does nothing.
//
// Thread-safe: clients on any thread may record at once (one mutex, one
// write per line).
#pragma once

#include <httplib.h>

namespace cammio::testing {

// Makes `client` record its exchanges when CAMMIO_OPENAPI_RECORD is set.
void RecordExchanges(httplib::ClientImpl& client);

// The name of the doctest test case now running ("" outside one), set by a
// listener; recorded with each exchange so a mismatch names its test.
const char* CurrentTestName();

}  // namespace cammio::testing
