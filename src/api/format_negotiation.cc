#include "api/format_negotiation.h"

#include <cstdlib>

#include "http/header_lookup.h"

namespace cammio {
namespace {

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

std::string_view Trim(std::string_view s) {
  size_t b = s.find_first_not_of(" \t");
  if (b == std::string_view::npos) return {};
  size_t e = s.find_last_not_of(" \t");
  return s.substr(b, e - b + 1);
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  return out;
}

// The media type of a Content-Type or Accept element, lower case, without
// parameters: " Application/XML; charset=utf-8" -> "application/xml".
std::string MediaType(std::string_view element) {
  return Lower(Trim(element.substr(0, element.find(';'))));
}

// The q parameter of one Accept element (1 when absent or unreadable).
double Quality(std::string_view element) {
  for (size_t semi = element.find(';'); semi != std::string_view::npos;
       semi = element.find(';', semi + 1)) {
    std::string_view param = Trim(element.substr(semi + 1, element.find(';', semi + 1) - semi - 1));
    if (param.size() > 2 && (param[0] == 'q' || param[0] == 'Q') && param[1] == '=') {
      std::string value(param.substr(2));
      char* end = nullptr;
      double q = std::strtod(value.c_str(), &end);
      if (end != value.c_str() && q >= 0 && q <= 1) return q;
    }
  }
  return 1;
}

std::string HeaderValue(const httplib::Headers& headers, const char* name) {
  const std::string* value = http::FindHeader(headers, name);
  return value == nullptr ? std::string() : *value;
}

}  // namespace

bool ContentTypeFormat(std::string_view content_type, Format* format) {
  std::string type = MediaType(content_type);
  if (type == "application/xml" || type == "text/xml" || EndsWith(type, "+xml")) {
    *format = Format::kXml;
    return true;
  }
  if (type == "application/json" || EndsWith(type, "+json")) {
    *format = Format::kJson;
    return true;
  }
  return false;
}

Format PreferredFormat(std::string_view accept) {
  double best_q[2] = {0, 0};  // [JSON, XML]
  size_t first[2] = {std::string_view::npos, std::string_view::npos};
  size_t index = 0;
  for (size_t start = 0; start <= accept.size(); ++index) {
    size_t comma = accept.find(',', start);
    if (comma == std::string_view::npos) comma = accept.size();
    std::string_view element = accept.substr(start, comma - start);
    start = comma + 1;
    Format f;
    double q = Quality(element);
    if (!ContentTypeFormat(element, &f) || q <= 0) continue;
    int i = f == Format::kXml ? 1 : 0;
    if (q > best_q[i]) best_q[i] = q;
    if (first[i] == std::string_view::npos) first[i] = index;
  }
  if (best_q[1] > best_q[0]) return Format::kXml;
  if (best_q[1] == best_q[0] && best_q[1] > 0 && first[1] < first[0]) return Format::kXml;
  return Format::kJson;
}

FormatNegotiation Negotiate(std::string_view path, const httplib::Headers& headers,
                            SuffixRule rule) {
  FormatNegotiation n;
  if (rule == SuffixRule::kFormat && EndsWith(path, ".xml")) {
    n.suffix = FormatNegotiation::Suffix::kXml;
    path.remove_suffix(4);
  } else if (rule == SuffixRule::kFormat && EndsWith(path, ".json")) {
    n.suffix = FormatNegotiation::Suffix::kJson;
    path.remove_suffix(5);
  }
  n.path = std::string(path);
  Format suffix_format = n.suffix == FormatNegotiation::Suffix::kXml ? Format::kXml : Format::kJson;
  n.response = n.suffix != FormatNegotiation::Suffix::kNone
                   ? suffix_format
                   : PreferredFormat(HeaderValue(headers, "Accept"));
  if (!ContentTypeFormat(HeaderValue(headers, "Content-Type"), &n.body)) n.body = suffix_format;
  return n;
}

}  // namespace cammio
