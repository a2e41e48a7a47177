// Answering with a document already written as text (format/doc_writer.h),
// for the handlers that write theirs straight into the answer.
//
// Thread-safety: as Call (one request thread).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "api/call.h"

namespace cammio {

// Sends `text`, written in call.format(), with `http_status`; `total` >= 0
// also sets X-Total-Count (a list).
void ReplyText(Call& call, int http_status, std::string text, int64_t total = -1);

// Room to reserve for the text of a list of `items` documents of about
// `json_bytes` each in JSON (XML's are about twice as long): a DocWriter
// started with it grows the text without copying it again and again.
inline size_t ListTextReserve(Format format, size_t items, size_t json_bytes) {
  return 256 + items * (format == Format::kXml ? 2 * json_bytes : json_bytes);
}

}  // namespace cammio
