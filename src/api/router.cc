#include "api/router.h"

#include <cstring>

namespace cammio {

int64_t PathParams::Get(std::string_view name) const {
  for (const auto& [n, v] : items_) {
    if (n == name) return v;
  }
  return 0;
}

std::string PathParams::Token(std::string_view name) const {
  for (const auto& [n, v] : tokens_) {
    if (n == name) return v;
  }
  return "";
}

bool IsToken(std::string_view s) {
  if (s.size() < 16 || s.size() > 64) return false;
  for (char c : s) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))) return false;
  }
  return true;
}

std::vector<std::string_view> SplitPath(std::string_view path) {
  std::vector<std::string_view> out;
  if (!path.empty() && path.front() == '/') path.remove_prefix(1);
  if (!path.empty() && path.back() == '/') path.remove_suffix(1);
  if (path.empty()) return out;
  size_t start = 0;
  for (;;) {
    size_t slash = path.find('/', start);
    out.push_back(path.substr(start, slash == std::string_view::npos ? slash : slash - start));
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  return out;
}

bool ParseId(std::string_view s, int64_t* out) {
  if (s.empty() || s.size() > 19) return false;
  int64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    if (v > (INT64_MAX - (c - '0')) / 10) return false;
    v = v * 10 + (c - '0');
  }
  if (v <= 0) return false;
  *out = v;
  return true;
}

Router::Router(std::vector<Route> routes) : routes_(std::move(routes)) {
  for (const auto& r : routes_) {
    Compiled c;
    for (auto seg : SplitPath(r.pattern)) c.segments.emplace_back(seg);
    compiled_.push_back(std::move(c));
  }
}

bool Router::MatchOne(const Compiled& c, const std::vector<std::string_view>& parts,
                      PathParams* params) {
  if (c.segments.size() != parts.size()) return false;
  for (size_t i = 0; i < parts.size(); ++i) {
    const std::string& seg = c.segments[i];
    if (!seg.empty() && seg[0] == '{') {
      if (!IsToken(parts[i])) return false;
      if (params) params->AddToken(std::string_view(seg).substr(1, seg.size() - 2), parts[i]);
    } else if (!seg.empty() && seg[0] == ':') {
      int64_t id = 0;
      if (!ParseId(parts[i], &id)) return false;
      if (params) params->Add(std::string_view(seg).substr(1), id);
    } else if (seg != parts[i]) {
      return false;
    }
  }
  return true;
}

RouteMatch Router::Match(std::string_view method, std::string_view path) const {
  RouteMatch m;
  if (method == "HEAD") method = "GET";
  auto parts = SplitPath(path);
  for (size_t i = 0; i < routes_.size(); ++i) {
    if (!MatchOne(compiled_[i], parts, nullptr)) continue;
    if (method == routes_[i].method) {
      MatchOne(compiled_[i], parts, &m.params);
      m.route = &routes_[i];
      return m;
    }
    if (m.allow.find(routes_[i].method) == std::string::npos) {
      if (!m.allow.empty()) m.allow += ", ";
      m.allow += routes_[i].method;
    }
  }
  if (m.allow.empty()) {
    m.status = Status::NotFound("The requested resource does not exist within the API configuration");
  } else {
    m.status = Status::MethodNotAllowed(std::string(method) + " is not supported here; allowed: " +
                                        m.allow);
  }
  return m;
}

}  // namespace cammio
