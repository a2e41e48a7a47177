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

bool IsGuestToken(std::string_view s) {
  size_t dot = s.find('.');
  if (dot == std::string_view::npos || dot == 0 || s[0] == '0') return false;
  int64_t id = 0;
  if (!ParseId(s.substr(0, dot), &id)) return false;
  std::string_view mac = s.substr(dot + 1);
  if (mac.size() != 26) return false;
  for (char c : mac) {
    if (!((c >= 'a' && c <= 'z') || (c >= '2' && c <= '7'))) return false;
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

Router::Segment Router::Compile(std::string_view seg) {
  Segment out;
  if (seg.size() >= 2 && seg.front() == '{' && seg.back() == '}') {
    std::string_view inner = seg.substr(1, seg.size() - 2);
    constexpr std::string_view kGuest = ":guest";
    bool guest =
        inner.size() > kGuest.size() && inner.substr(inner.size() - kGuest.size()) == kGuest;
    out.kind = guest ? Segment::Kind::kGuestToken : Segment::Kind::kToken;
    out.text = std::string(guest ? inner.substr(0, inner.size() - kGuest.size()) : inner);
  } else if (!seg.empty() && seg.front() == ':') {
    out.kind = Segment::Kind::kId;
    out.text = std::string(seg.substr(1));
  } else {
    out.text = std::string(seg);
  }
  return out;
}

Router::Router(std::vector<Route> routes) : routes_(std::move(routes)) {
  for (const auto& r : routes_) {
    Compiled c;
    for (auto seg : SplitPath(r.pattern)) c.segments.push_back(Compile(seg));
    compiled_.push_back(std::move(c));
  }
}

bool Router::MatchOne(const Compiled& c, const std::vector<std::string_view>& parts,
                      PathParams* params) {
  if (c.segments.size() != parts.size()) return false;
  for (size_t i = 0; i < parts.size(); ++i) {
    const Segment& seg = c.segments[i];
    switch (seg.kind) {
      case Segment::Kind::kLiteral:
        if (seg.text != parts[i]) return false;
        break;
      case Segment::Kind::kId: {
        int64_t id = 0;
        if (!ParseId(parts[i], &id)) return false;
        if (params) params->Add(seg.text, id);
        break;
      }
      case Segment::Kind::kToken:
        if (!IsToken(parts[i])) return false;
        if (params) params->AddToken(seg.text, parts[i]);
        break;
      case Segment::Kind::kGuestToken:
        if (!IsGuestToken(parts[i])) return false;
        if (params) params->AddToken(seg.text, parts[i]);
        break;
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
    m.status =
        Status::NotFound("The requested resource does not exist within the API configuration");
  } else {
    m.status = Status::MethodNotAllowed(std::string(method) +
                                        " is not supported here; allowed: " + m.allow);
  }
  return m;
}

std::vector<Route> JoinRoutes(std::initializer_list<std::vector<Route>> tables) {
  std::vector<Route> rows;
  for (const std::vector<Route>& table : tables)
    rows.insert(rows.end(), table.begin(), table.end());
  return rows;
}

}  // namespace cammio
