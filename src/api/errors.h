// The one place that turns a Status into an HTTP status code and an error
// body (docs/contract.md "Errors"):
//   {"error": {"code": 412, "message": "Precondition failed", "details": "..."}}
//   <error><code type="integer">412</code><message>..</message><details>..</details></error>
// Internal failures (500) never carry internal details to the client. The
// document is rendered with format/render.h in the negotiated format.
//
// Thread-safety: pure functions.
#pragma once

#include <string>

#include "cammio/document.h"
#include "cammio/status.h"

namespace cammio {

// HTTP status for a non-OK Status.
int HttpStatusFor(const Status& status);
// The seed's message for an HTTP status ("Precondition failed", ...).
const char* MessageForHttpStatus(int http_status);

// The error document for `http_status` with `details` (already client-safe).
Value ErrorDocument(int http_status, const std::string& details);
// The same with `errors` (an array) beside `details`: the single errors
// behind one answer, e.g. the per-row errors of an invitation import
// (api/invitations.h). XML renders each item as <item>.
Value ErrorDocument(int http_status, const std::string& details, Value errors);
// ErrorDocument for a Status; 5xx details are replaced by a generic text.
Value ErrorDocumentFor(const Status& status);

}  // namespace cammio
