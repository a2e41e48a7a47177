#include "http/header_lookup.h"

namespace cammio::http {
namespace {

// ASCII case-insensitive equality of two names of the same length.
bool SameName(std::string_view a, std::string_view b) {
  for (size_t i = 0; i < a.size(); ++i) {
    unsigned char x = static_cast<unsigned char>(a[i]), y = static_cast<unsigned char>(b[i]);
    if (x == y) continue;
    if (x >= 'A' && x <= 'Z') x = static_cast<unsigned char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<unsigned char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

bool Named(const std::string& field, std::string_view name) {
  return field.size() == name.size() && SameName(field, name);
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

}  // namespace cammio::http
