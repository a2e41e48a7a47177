// A minimal iCalendar (RFC 5545) reader for tests: unfolds content lines,
// splits each into name, parameters and value, and unescapes TEXT, so a test
// can read back what mail/icalendar.h wrote (and what arrived through SMTP).
// Header-only; pure.
#pragma once

#include <string>
#include <vector>

namespace cammio::testing {

struct IcsProperty {
  std::string name;    // "DTSTART"
  std::string params;  // ";CN=\"x\"" as written (may be empty)
  std::string value;   // raw (still escaped)
};

// The unfolded logical line(s) of `text`, joined by '\n'.
inline std::string IcsLine(const std::string& text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
      if (i + 2 < text.size() && (text[i + 2] == ' ' || text[i + 2] == '\t')) {
        i += 2;  // a fold: CRLF and one white space character vanish
        continue;
      }
      if (i + 2 < text.size()) out += '\n';
      ++i;
      continue;
    }
    out += text[i];
  }
  return out;
}

inline std::vector<IcsProperty> ParseIcs(const std::string& text) {
  std::vector<IcsProperty> out;
  std::string all = IcsLine(text);
  size_t start = 0;
  while (start < all.size()) {
    size_t nl = all.find('\n', start);
    std::string line = all.substr(start, nl == std::string::npos ? nl : nl - start);
    start = nl == std::string::npos ? all.size() : nl + 1;
    // The value starts at the first ':' outside a quoted parameter value.
    bool quoted = false;
    size_t colon = std::string::npos;
    for (size_t i = 0; i < line.size(); ++i) {
      if (line[i] == '"') quoted = !quoted;
      if (line[i] == ':' && !quoted) {
        colon = i;
        break;
      }
    }
    if (colon == std::string::npos) continue;
    IcsProperty p;
    std::string head = line.substr(0, colon);
    size_t semi = head.find(';');
    p.name = head.substr(0, semi);
    if (semi != std::string::npos) p.params = head.substr(semi);
    p.value = line.substr(colon + 1);
    out.push_back(p);
  }
  return out;
}

// TEXT unescaping: "\\n" "\\N" -> LF, "\\," "\\;" "\\\\" -> the character.
inline std::string IcsUnescape(const std::string& v) {
  std::string out;
  for (size_t i = 0; i < v.size(); ++i) {
    if (v[i] == '\\' && i + 1 < v.size()) {
      char c = v[++i];
      out += (c == 'n' || c == 'N') ? '\n' : c;
    } else {
      out += v[i];
    }
  }
  return out;
}

}  // namespace cammio::testing
