#include "web/i18n.h"

#include <map>

#include "cammio/document.h"
#include "util/embedded.h"

namespace cammio::web {
namespace {

using Table = std::map<std::string, std::string, std::less<>>;

const char* const kLanguages[] = {"en", "nl"};

Table Load(std::string_view lang) {
  Table t;
  const EmbeddedFile* f = FindEmbeddedFile("src/web/assets/i18n/" + std::string(lang) + ".json");
  if (f == nullptr) return t;
  auto doc = ParseJson(f->data);
  if (!doc.ok() || !doc->is_object()) return t;
  for (const auto& m : doc->members()) {
    if (m.second.is_string()) t[m.first] = m.second.as_string();
  }
  return t;
}

// Every language's table with English filled in under it.
const std::map<std::string, Table, std::less<>>& Tables() {
  static const auto* tables = [] {
    auto* out = new std::map<std::string, Table, std::less<>>();
    Table en = Load("en");
    for (const char* lang : kLanguages) {
      Table t = Load(lang);
      for (const auto& [k, v] : en) t.emplace(k, v);
      (*out)[lang] = std::move(t);
    }
    return out;
  }();
  return *tables;
}

// "nl-BE" -> "nl"; lower case; "" when not a language tag.
std::string Primary(std::string_view tag) {
  std::string out;
  for (char c : tag) {
    if (c == '-' || c == '_' || c == ';') break;
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c < 'a' || c > 'z') return "";
    out.push_back(c);
  }
  return out;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

}  // namespace

bool HasLanguage(std::string_view lang) { return Tables().count(lang) > 0; }

std::string PickLanguage(const std::optional<std::string>& vacancy_language,
                         std::string_view accept_language) {
  if (vacancy_language) {
    std::string p = Primary(Trim(*vacancy_language));
    if (HasLanguage(p)) return p;
  }
  // Accept-Language: "nl-NL,nl;q=0.9,en;q=0.8": the first translated one in
  // the order given (browsers list them by preference).
  while (!accept_language.empty()) {
    size_t comma = accept_language.find(',');
    std::string p = Primary(Trim(accept_language.substr(0, comma)));
    if (HasLanguage(p)) return p;
    if (comma == std::string_view::npos) break;
    accept_language.remove_prefix(comma + 1);
  }
  return "en";
}

std::string Text(std::string_view lang, std::string_view key) {
  const auto& tables = Tables();
  auto t = tables.find(lang);
  if (t == tables.end()) t = tables.find("en");
  if (t != tables.end()) {
    auto it = t->second.find(key);
    if (it != t->second.end()) return it->second;
  }
  return std::string(key);
}

std::string Format(std::string_view lang, std::string_view key,
                   const std::vector<std::pair<std::string, std::string>>& vars) {
  std::string text = Text(lang, key);
  std::string out;
  size_t i = 0;
  while (i < text.size()) {
    size_t open = text.find('{', i);
    size_t close = open == std::string::npos ? open : text.find('}', open);
    if (close == std::string::npos) break;
    out.append(text, i, open - i);
    std::string name = text.substr(open + 1, close - open - 1);
    bool found = false;
    for (const auto& [n, v] : vars) {
      if (n == name) {
        out += v;
        found = true;
        break;
      }
    }
    if (!found) out.append(text, open, close - open + 1);
    i = close + 1;
  }
  out.append(text, i, std::string::npos);
  return out;
}

std::string StringsJson(std::string_view lang) {
  const auto& tables = Tables();
  auto t = tables.find(lang);
  if (t == tables.end()) t = tables.find("en");
  Value o = Value::Object();
  if (t != tables.end()) {
    for (const auto& [k, v] : t->second) o.Set(k, Value::String(v));
  }
  std::string json = RenderJson(o);
  // "</script>" inside the JSON would end the element: escape every '<'.
  std::string out;
  for (char c : json) {
    if (c == '<') {
      out += "\\u003c";
    } else {
      out.push_back(c);
    }
  }
  return out;
}

}  // namespace cammio::web
