#include "http/header_lookup.h"

namespace cammio::http {
namespace {

// Equality of two names of the same length, folded as cpp-httplib folds
// them (its case_ignore table: A-Z and the Latin-1 capitals).
bool SameName(std::string_view a, std::string_view b) {
  for (size_t i = 0; i < a.size(); ++i) {
    if (a[i] == b[i]) continue;
    if (httplib::detail::case_ignore::to_lower(a[i]) !=
        httplib::detail::case_ignore::to_lower(b[i])) {
      return false;
    }
  }
  return true;
}

bool Named(std::string_view field, std::string_view name) {
  return field.size() == name.size() && SameName(field, name);
}

bool IsOws(char c) { return c == ' ' || c == '\t'; }

// The values of the field lines of `head` named `name`, in order, as
// cpp-httplib's parser stores them; `name` as written in the first of them.
std::vector<std::string> RawValues(std::string_view head, std::string_view name,
                                   std::string* written_name) {
  std::vector<std::string> out;
  size_t pos = head.find("\r\n");  // past the request line
  while (pos != std::string_view::npos && pos + 2 < head.size()) {
    const size_t start = pos + 2;
    const size_t end = head.find("\r\n", start);
    if (end == std::string_view::npos || end == start) break;  // the blank line
    std::string_view line = head.substr(start, end - start);
    pos = end;
    const size_t colon = line.find(':');
    if (colon == std::string_view::npos || !Named(line.substr(0, colon), name)) continue;
    if (out.empty()) written_name->assign(line.substr(0, colon));
    std::string_view value = line.substr(colon + 1);
    while (!value.empty() && IsOws(value.front())) value.remove_prefix(1);
    while (!value.empty() && IsOws(value.back())) value.remove_suffix(1);
    out.push_back(httplib::detail::decode_url(std::string(value), false));
  }
  return out;
}

}  // namespace

const std::string* FindHeader(const httplib::Headers& headers, std::string_view name) {
  for (const auto& [field, value] : headers) {
    if (Named(field, name)) return &value;
  }
  return nullptr;
}

std::string HeaderValue(const httplib::Headers& headers, std::string_view name) {
  const std::string* value = FindHeader(headers, name);
  return value == nullptr ? std::string() : std::string(value->c_str());
}

std::vector<std::string> HeaderValues(const httplib::Headers& headers, std::string_view name) {
  std::vector<std::string> out;
  for (const auto& [field, value] : headers) {
    if (Named(field, name)) out.emplace_back(value.c_str());
  }
  return out;
}

void KeepFieldOrder(std::string_view head, httplib::Headers* headers) {
  for (std::string_view name :
       {std::string_view("X-Forwarded-For"), std::string_view("Forwarded")}) {
    std::string written;
    const std::vector<std::string> values = RawValues(head, name, &written);
    if (values.size() < 2) continue;
    std::string joined = values.front();
    for (size_t i = 1; i < values.size(); ++i) joined.append(", ").append(values[i]);
    headers->erase(written);
    headers->emplace(std::move(written), std::move(joined));
  }
}

}  // namespace cammio::http
