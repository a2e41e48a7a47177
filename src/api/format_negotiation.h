// Format negotiation: the one place that decides, for one request, the format
// of its body (how it is parsed) and of its answer (how it and any error are
// rendered), JSON or XML. Rules (docs/decisions.md "Formats"):
//   - the answer: a `.xml` / `.json` suffix on the path, else the Accept
//     header (the XML or JSON type it prefers; q-values honoured, equal
//     preference goes to the one listed first), else JSON;
//   - the body: an XML or JSON Content-Type, else the suffix, else JSON.
// So a JSON body with `Accept: application/xml` is read as JSON and answered
// in XML, and an explicit Content-Type always describes the body, suffix or
// not.
//
// Pure functions of their arguments; thread-safe.
#pragma once

#include <httplib.h>

#include <string>
#include <string_view>

#include "format/render.h"

namespace cammio {

struct FormatNegotiation {
  enum class Suffix { kNone, kJson, kXml };
  // The request path without its format suffix ("/api/vacancies/12").
  std::string path;
  Suffix suffix = Suffix::kNone;
  Format body = Format::kJson;      // how the request body is read
  Format response = Format::kJson;  // how the answer is written
};

// kFormat: a `.xml` / `.json` ending of `path` is a format suffix.
// kLiteral: `path` names a route as it stands (/api/openapi.json), so its
// ending is part of the name and only the headers decide.
enum class SuffixRule { kFormat, kLiteral };

FormatNegotiation Negotiate(std::string_view path, const httplib::Headers& headers,
                            SuffixRule rule = SuffixRule::kFormat);

// The format a Content-Type value names: true and *format set for an XML type
// (application/xml, text/xml, anything +xml) or a JSON type
// (application/json, anything +json); false for anything else or "".
bool ContentTypeFormat(std::string_view content_type, Format* format);

// The format an Accept value prefers; JSON when it names neither.
Format PreferredFormat(std::string_view accept);

}  // namespace cammio
