#include "api/metrics.h"

#include <cstdio>

namespace cammio {
namespace {

std::string FormatDouble(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}

}  // namespace

std::string EscapeLabel(std::string_view v) {
  std::string out;
  for (char c : v) {
    if (c == '\\')
      out += "\\\\";
    else if (c == '"')
      out += "\\\"";
    else if (c == '\n')
      out += "\\n";
    else
      out.push_back(c);
  }
  return out;
}

std::string_view Metrics::MethodLabel(std::string_view method) {
  static constexpr std::string_view kKnown[] = {"GET",   "HEAD",   "POST",   "PUT",
                                                "PATCH", "DELETE", "OPTIONS"};
  for (std::string_view known : kKnown) {
    if (method == known) return known;
  }
  return "other";
}

void Metrics::RecordRequest(std::string_view method, std::string_view route, int status,
                            int64_t duration_ms) {
  method = MethodLabel(method);
  double seconds = static_cast<double>(duration_ms < 0 ? 0 : duration_ms) / 1000.0;
  std::lock_guard<std::mutex> lock(mu_);
  auto count = requests_.find(std::make_tuple(method, route, status));
  if (count == requests_.end()) {
    count = requests_.emplace(std::make_tuple(std::string(method), std::string(route), status), 0)
                .first;
  }
  ++count->second;
  auto duration = durations_.find(std::make_tuple(method, route));
  if (duration == durations_.end()) {
    duration =
        durations_.emplace(std::make_tuple(std::string(method), std::string(route)), Histogram{})
            .first;
  }
  Histogram& h = duration->second;
  for (size_t i = 0; i < kBuckets.size(); ++i) {
    if (seconds <= kBuckets[i]) ++h.buckets[i];
  }
  ++h.count;
  h.sum += seconds;
}

int64_t Metrics::RequestCount(std::string_view method, std::string_view route, int status) const {
  method = MethodLabel(method);
  std::lock_guard<std::mutex> lock(mu_);
  auto it = requests_.find(std::make_tuple(method, route, status));
  return it == requests_.end() ? 0 : it->second;
}

namespace {

// A counter with result="hit" and result="miss", with its # HELP and # TYPE.
std::string HitMissCounter(const std::string& name, const char* help, int64_t hits,
                           int64_t misses) {
  return "# HELP " + name + " " + help + "\n# TYPE " + name + " counter\n" + name +
         "{result=\"hit\"} " + std::to_string(hits) + "\n" + name + "{result=\"miss\"} " +
         std::to_string(misses) + "\n";
}

}  // namespace

std::string Metrics::Render() const {
  std::string out;
  out +=
      "# HELP cammio_http_requests_total HTTP requests answered, by method, route and status.\n"
      "# TYPE cammio_http_requests_total counter\n";
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& [key, n] : requests_) {
    const auto& [method, route, status] = key;
    out += "cammio_http_requests_total{method=\"" + EscapeLabel(method) + "\",route=\"" +
           EscapeLabel(route) + "\",status=\"" + std::to_string(status) + "\"} " +
           std::to_string(n) + "\n";
  }
  out +=
      "# HELP cammio_http_request_duration_seconds Time from the request line to the answer.\n"
      "# TYPE cammio_http_request_duration_seconds histogram\n";
  for (const auto& [key, h] : durations_) {
    std::string labels = "method=\"" + EscapeLabel(std::get<0>(key)) + "\",route=\"" +
                         EscapeLabel(std::get<1>(key)) + "\"";
    for (size_t i = 0; i < kBuckets.size(); ++i) {
      out += "cammio_http_request_duration_seconds_bucket{" + labels + ",le=\"" +
             FormatDouble(kBuckets[i]) + "\"} " + std::to_string(h.buckets[i]) + "\n";
    }
    out += "cammio_http_request_duration_seconds_bucket{" + labels + ",le=\"+Inf\"} " +
           std::to_string(h.count) + "\n";
    out += "cammio_http_request_duration_seconds_sum{" + labels + "} " + FormatDouble(h.sum) + "\n";
    out += "cammio_http_request_duration_seconds_count{" + labels + "} " + std::to_string(h.count) +
           "\n";
  }
  out +=
      "# HELP cammio_http_open_connections Client connections being served now.\n"
      "# TYPE cammio_http_open_connections gauge\n"
      "cammio_http_open_connections " +
      std::to_string(open_connections_.load()) + "\n";
  out +=
      "# HELP cammio_http_shed_connections_total Parked connections (idle first, then in a "
      "handshake or request head) closed to stay within max_idle_connections.\n"
      "# TYPE cammio_http_shed_connections_total counter\n"
      "cammio_http_shed_connections_total " +
      std::to_string(shed_connections_.load()) + "\n";
  out += HitMissCounter("cammio_response_cache_lookups_total",
                        "Cached GET routes answered from the cache (hit) or by their handler "
                        "(miss).",
                        cache_hits_.load(), cache_misses_.load());
  out += HitMissCounter("cammio_principal_cache_lookups_total",
                        "API credentials found already checked (hit) or checked against the "
                        "database (miss).",
                        principal_hits_.load(), principal_misses_.load());
  return out;
}

}  // namespace cammio
