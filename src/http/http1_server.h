// Http1Server: an httplib::Server whose per-connection loop is
// HttpConnection (http_connection.h) instead of httplib's own: request heads
// are read without holding a worker thread and checked strictly
// (request_head.h) before httplib parses them, a head must arrive within
// the header timeout, and a refused head closes the connection. Requests on
// a connection (pipelined ones included) are answered in order.
//
// This class serves plain TCP (the --http-listen listener); TlsServer
// (tls_listener.h) derives from it and puts a TLS session under the same loop.
//
// Thread-safety: as httplib::Server (configure, then listen() on one
// thread; stop() from any thread).
#pragma once

#include <httplib.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <set>

#include "http/http_connection.h"

namespace cammio::http {

class Http1Server : public httplib::Server {
 public:
  Http1Server();
  ~Http1Server() override = default;

  // The longest a request head may take from its first byte (408, close).
  // http::Server sets it from ServerOptions::header_timeout_s; the default
  // (for listeners made directly, as in tests) equals the header_timeout
  // setting's default, which tests/cli/server_options_test.cc checks.
  void set_header_timeout(std::chrono::seconds timeout) { header_timeout_ = timeout; }
  std::chrono::seconds header_timeout() const { return header_timeout_; }
  // Bounds of a request head (431 / 414 above them).
  void set_head_limits(const RequestHeadLimits& limits) { head_limits_ = limits; }
  // Headers a refused request head's answer carries too (the listener's
  // set_default_headers do not reach it: it is written before cpp-httplib).
  void set_refusal_headers(const httplib::Headers& headers) {
    refusal_headers_.clear();
    for (const auto& [name, value] : headers) refusal_headers_ += name + ": " + value + "\r\n";
  }

  // Closes every event stream (event_streams.h) a connection of this
  // listener was handed to, and every other stream of those EventStreams
  // (EventStreams::CloseAll). Call after stop() and the listen thread ended.
  void CloseEventStreams();

  // Request heads refused (4xx / 5xx and close), for tests and metrics.
  uint64_t heads_refused() const { return heads_refused_.load(); }
  // Called with the status of every refused head (before its answer is
  // written), from worker threads. Set before listening.
  void set_head_refused_handler(std::function<void(int status)> fn) {
    head_refused_ = std::move(fn);
  }
  // The body of a refused head's answer (Handler::RefusedHead), from worker
  // threads; unset: no body. Set before listening.
  void set_refusal_body(std::function<RefusalBody(int status, const std::string& details)> fn) {
    refusal_body_ = std::move(fn);
  }

 protected:
  // Serves the connection on `transport` (its socket is closed in the end);
  // `opened` learns whether its opening (the TLS handshake) succeeded.
  void Serve(std::unique_ptr<Transport> transport, std::function<void(bool ok)> opened = nullptr);
  bool Stopping() const { return svr_sock_ == INVALID_SOCKET; }

 private:
  bool process_and_close_socket(socket_t sock) override;

  std::chrono::seconds header_timeout_{10};
  RequestHeadLimits head_limits_;
  std::string refusal_headers_;
  std::atomic<uint64_t> heads_refused_{0};
  std::function<void(int)> head_refused_;
  std::function<RefusalBody(int, const std::string&)> refusal_body_;
  std::mutex streams_mu_;
  std::set<EventStreams*> streams_;  // that adopted a connection of this listener
};

}  // namespace cammio::http
