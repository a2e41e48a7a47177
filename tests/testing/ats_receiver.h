// AtsReceiver: a real HTTP(S) peer on loopback standing in for an ATS that
// receives completion notifications. It records every request (method, path,
// raw target and query, headers, body) and misbehaves on demand: answer 5xx
// (or any status) N times, answer with Retry-After, delay every answer, close
// the connection without answering, or stop altogether (connection refused).
//
// HTTPS mode runs on src/http/tls_listener.h's TlsServer with a freshly
// generated self-signed certificate for "localhost" that is its own CA
// (ca_pem()); plain mode is an httplib::Server. Both listen on 127.0.0.1 on a
// free port.
//
// Signature checks (VerifySignature) recompute the Standard Webhooks HMAC with
// mbedTLS directly, independently of the code under test.
//
// Thread-safety: all methods may be called from the test thread while the
// server threads record requests.
//
// Built into the test binary by tests/notify/receiver_test.cc, which includes
// ats_receiver.cc (tests/CMakeLists.txt compiles *_test.cc and test_support.cc
// only).
#pragma once

#include <httplib.h>

#include <chrono>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "testing/test_support.h"

namespace cammio::testing {

struct ReceivedRequest {
  std::string method;
  std::string path;    // decoded by httplib
  std::string target;  // as sent: path and query, still percent-encoded
  std::string query;   // raw text after '?' ("" when none)
  std::string body;
  httplib::Headers headers;
  httplib::Params params;  // decoded query parameters
  int answered = 0;        // status answered; 0: closed without an answer; -1: not answered yet

  std::string Header(const std::string& name) const;
  std::string Param(const std::string& name) const;
};

class AtsReceiver {
 public:
  enum class Mode { kHttps, kHttp };
  explicit AtsReceiver(Mode mode = Mode::kHttps);
  ~AtsReceiver();
  AtsReceiver(const AtsReceiver&) = delete;
  AtsReceiver& operator=(const AtsReceiver&) = delete;

  int port() const { return port_; }
  bool https() const { return mode_ == Mode::kHttps; }
  // The certificate (its own CA) clients must trust; empty in plain mode.
  const std::string& ca_pem() const { return ca_pem_; }
  // "localhost:PORT", and the same with the scheme.
  std::string host() const;
  std::string base_url() const;

  // What to answer by default (200 "ok" unless changed).
  void SetDefault(int status, std::string body = "ok");
  // The next n requests are answered with `status` (503 by default).
  void FailNext(int n, int status = 503, std::string body = "temporarily unavailable");
  // The next n requests are answered with `status` and Retry-After: value.
  void RetryAfterNext(int n, std::string retry_after, int status = 429);
  // The next n requests are read, recorded, and their connection closed
  // without any answer.
  void CloseNext(int n);
  // Every answer waits this long first (Stop() cuts the wait short).
  void SetDelay(std::chrono::milliseconds delay);
  // Stops listening and ends connections: later connects are refused.
  void Stop();

  std::vector<ReceivedRequest> requests() const;
  size_t count() const;
  // Waits until at least n requests were recorded.
  bool WaitForCount(size_t n, std::chrono::milliseconds timeout = std::chrono::seconds(10)) const;
  // Requests answered with a 2xx.
  size_t accepted() const;

  // Standard Webhooks: webhook-signature holds "v1,<base64 HMAC-SHA256 of
  // id.timestamp.body keyed with base64decode(secret after "whsec_")>".
  static bool VerifySignature(const std::string& secret, const ReceivedRequest& r,
                              std::string* why = nullptr);

 private:
  struct Behaviour {
    enum Kind { kStatus, kRetryAfter, kClose } kind = kStatus;
    int status = 200;
    std::string body;
    std::string retry_after;
  };
  void Handle(const httplib::Request& req, httplib::Response& res);
  // Shuts the socket of `req`'s connection down (found by its peer port).
  void CloseConnectionOf(const httplib::Request& req) const;

  Mode mode_;
  TempDir dir_;
  std::string ca_pem_;
  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
  int port_ = 0;

  mutable std::mutex mu_;
  mutable std::condition_variable cv_;
  bool stopped_ = false;
  std::deque<Behaviour> next_;
  Behaviour default_;
  std::chrono::milliseconds delay_{0};
  std::vector<ReceivedRequest> requests_;
};

}  // namespace cammio::testing
