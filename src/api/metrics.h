// Metrics: the counters behind GET /metrics (Prometheus text
// exposition format 0.0.4). The HTTP pipeline reports each answered request
// (from its access-log hook) and each connection opened/closed; the
// /metrics handler (ops/metrics_handler.h) adds values read at scrape time
// (outbox depths, database and media size, free disk).
//
// Series (all prefixed cammio_):
//   http_requests_total{method,route,status}            counter
//   http_request_duration_seconds{method,route}         histogram
//   http_open_connections                               gauge
//   response_cache_lookups_total{result="hit"|"miss"}   counter
//   principal_cache_lookups_total{result="hit"|"miss"}  counter
// `route` is the matched route pattern ("/api/vacancies/:id"), never the
// raw path, so ids do not multiply series; unmatched requests are
// route="unmatched". `method` is one of the methods the API serves (GET,
// HEAD, POST, PUT, PATCH, DELETE, OPTIONS) or "other" for any other text a
// client sends, so neither bogus methods nor bogus paths add series.
//
// Thread-safety: all methods are thread-safe (one mutex for the maps, an
// atomic for the connection gauge).
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <tuple>

namespace cammio {

// One instance is made where the server is composed (cli/serve.cc, the
// tests' TestServer) and reaches the pipeline (ServerContext::metrics), the
// transport's observer (MetricsObserver, api/pipeline.h) and /metrics.
class Metrics {
 public:
  // `route`: a pattern of the route table or "unmatched" (a bounded set: the
  // caller must never pass client text). `method` is folded as above.
  void RecordRequest(std::string_view method, std::string_view route, int status,
                     int64_t duration_ms);
  // The label value RecordRequest uses for `method`.
  static std::string_view MethodLabel(std::string_view method);
  void ConnectionOpened() { open_connections_.fetch_add(1); }
  void ConnectionClosed() { open_connections_.fetch_sub(1); }
  int64_t open_connections() const { return open_connections_.load(); }
  // A parked connection closed to make room for another (http/worker_pool.h).
  void ConnectionShed() { shed_connections_.fetch_add(1); }
  int64_t shed_connections() const { return shed_connections_.load(); }
  // A lookup in the response cache (api/response_cache.h).
  void RecordCacheLookup(bool hit) { (hit ? cache_hits_ : cache_misses_).fetch_add(1); }
  // A lookup of API credentials in the principal cache (api/principal_cache.h).
  void RecordPrincipalLookup(bool hit) { (hit ? principal_hits_ : principal_misses_).fetch_add(1); }

  // Requests counted so far for (method, route, status), `method` folded as
  // by RecordRequest; for tests.
  int64_t RequestCount(std::string_view method, std::string_view route, int status) const;

  // The counters above in exposition format (with # HELP / # TYPE lines).
  std::string Render() const;

  // Histogram bucket upper bounds, seconds.
  static constexpr std::array<double, 11> kBuckets = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25,
                                                      0.5,   1,    2.5,   5,    10};

 private:
  struct Histogram {
    std::array<int64_t, kBuckets.size()> buckets{};  // cumulative counts
    int64_t count = 0;
    double sum = 0;
  };
  mutable std::mutex mu_;
  // std::less<>: looked up by string_views, so a request allocates no key
  // (and holds mu_ shorter) unless its route and status are new.
  std::map<std::tuple<std::string, std::string, int>, int64_t, std::less<>> requests_;
  std::map<std::tuple<std::string, std::string>, Histogram, std::less<>> durations_;
  std::atomic<int64_t> open_connections_{0};
  std::atomic<int64_t> shed_connections_{0};
  std::atomic<int64_t> cache_hits_{0};
  std::atomic<int64_t> cache_misses_{0};
  std::atomic<int64_t> principal_hits_{0};
  std::atomic<int64_t> principal_misses_{0};
};

// A label value with \, " and newline escaped.
std::string EscapeLabel(std::string_view v);

}  // namespace cammio
