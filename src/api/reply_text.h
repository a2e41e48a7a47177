// Answering with a document already written as text (format/doc_writer.h),
// for the handlers that write theirs straight into the answer.
//
// Thread-safety: as Call (one request thread).
#pragma once

#include <cstdint>
#include <string>

#include "api/call.h"

namespace cammio {

// Sends `text`, written in call.format(), with `http_status`; `total` >= 0
// also sets X-Total-Count (a list).
void ReplyText(Call& call, int http_status, std::string text, int64_t total = -1);

}  // namespace cammio
