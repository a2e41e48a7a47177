// Pipeline: the API's request pipeline, the http::Handler (http/handler.h)
// an http::Server answers every request with:
//   OnHead:        request id, formats (.xml/.json suffix, Content-Type,
//                  Accept: api/format_negotiation.h), route match (404 /
//                  405 + Allow) -- before the body is read;
//   OnAdmit:       authentication and throttling (api/auth_throttle.h);
//   OnRequest:     the matched route's Handler with a Call, through the
//                  Idempotency-Key replay (POST) or the response cache
//                  (Cached routes);
//   errors:        every error answer gets the error document
//                  (api/errors.h) in the negotiated format;
//   OnDone:        one access-log line and the request metrics;
//   RefusedHead:   the error document for a head the transport refused.
//
// Thread-safety: the hooks run concurrently on the server's worker threads;
// per-request state lives in a thread_local from the first hook of a request
// to OnDone (handler.h states that all hooks of a request share a thread).
// The context's services and the router must outlive the Pipeline.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "api/call.h"
#include "api/metrics.h"
#include "api/principal_cache.h"
#include "api/router.h"
#include "http/handler.h"
#include "net/address.h"

namespace cammio {

struct PipelineOptions {
  // Peers whose X-Forwarded-For / Forwarded header names the client (for the
  // authentication throttle; api/client_address.h). Empty: none.
  std::vector<net::Cidr> trusted_proxies;
  // Tried first for every error answer: true when it answered `status`
  // itself (web::PresentErrorPage: an HTML page for a browser). Empty: the
  // error document (api/errors.h) always.
  std::function<bool(const httplib::Request&, httplib::Response&, const Status&)> error_presenter;
};

class Pipeline final : public http::Handler {
 public:
  Pipeline(ServerContext ctx, const Router& router, PipelineOptions options = PipelineOptions());

  http::HeadDecision OnHead(const httplib::Request& req, httplib::Response& res) override;
  bool OnAdmit(const httplib::Request& req, httplib::Response& res) override;
  bool OnRequest(const httplib::Request& req, httplib::Response& res,
                 const http::Body& body) override;
  void OnBodyError(const httplib::Request& req, httplib::Response& res,
                   const Status& status) override;
  bool OnErrorStatus(const httplib::Request& req, httplib::Response& res) override;
  void OnException(const httplib::Request& req, httplib::Response& res,
                   const std::string& what) override;
  void OnDone(const httplib::Request& req, const httplib::Response& res) override;
  // The error document (JSON: no request, so no negotiated format).
  http::RefusalBody RefusedHead(int status, const std::string& details) override;

 private:
  ServerContext ctx_;
  const Router& router_;
  PipelineOptions options_;
  // API credentials already checked (api/principal_cache.h).
  PrincipalCache principals_;
};

// The transport's connection events and refused heads counted in `metrics`
// (api/metrics.h), which must outlive the server.
http::ServerObserver MetricsObserver(Metrics& metrics);

}  // namespace cammio
