// Rendering a document in the format a request negotiated (JSON or XML):
// the codec side of an answer. Which format a request gets is decided by
// api/format_negotiation.h; the error document by api/errors.h.
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>

#include "cammio/document.h"

namespace cammio {

enum class Format { kJson, kXml };

// "application/json; charset=utf-8" or "application/xml; charset=utf-8".
const char* ContentTypeFor(Format format);
// Renders a document in `format`; `list_root` names a top-level array in XML.
std::string Render(const Value& v, Format format, std::string_view list_root = "");

}  // namespace cammio
