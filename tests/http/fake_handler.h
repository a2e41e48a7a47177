// FakeHandler: an http::Handler (src/http/handler.h) for testing the
// transport alone -- listeners, framing, limits, parking, timeouts, listener
// headers -- with no API behind it. It answers every request from a small
// table of canned answers (by path), records what each hook was called with,
// and gives refused heads a body of its own (Handler::RefusedHead), so a test
// can tell what the transport did from what a handler would have done.
//
//   FakeHandler h;
//   h.Answer("/slow", {200, "late", "text/plain", std::chrono::milliseconds(300)});
//   h.Answer("/missing", FakeAnswer::InHead(404));  // like a route miss
//   ... serve it with http::Server (tests/http/fake_server.h) ...
//   CHECK(h.Requests().size() == 1);
//
// What it does per hook:
//   OnHead         records the request; answers there for InHead answers.
//   OnAdmit        refuses (writes the answer) for Refused answers.
//   OnRequest      sleeps `delay`, then writes status/body/content type
//                  (a content provider for File answers, so Range applies;
//                  Custom answers call their function);
//                  records the body it was given (or read, for streamed ones).
//   OnBodyError    413 for PayloadTooLarge, else 400, body "body error: ...".
//   OnErrorStatus  gives a body-less error answer the body "error <status>".
//   OnException    500 "exception: <what>" (Throw answers throw in OnRequest).
//   OnDone         records method, path and status.
//   RefusedHead    records (status, details); answers the RefusalBody set
//                  with SetRefusalBody, "<details>" substituted (default: a
//                  text/plain "refused <status>: <details>").
//
// Thread-safety: every hook may run on any worker thread; the tables and the
// records are guarded by one mutex. Configure answers before serving (or at
// any time: a request sees the table as it is when its head arrives).
#pragma once

#include <httplib.h>

#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "cammio/status.h"
#include "http/handler.h"

namespace cammio::testing {

// How the fake answers a path.
struct FakeAnswer {
  enum class Where {
    kRequest,  // OnRequest (the body is read first)
    kHead,     // OnHead: answered before the body (a route miss, 404/405)
    kAdmit,    // OnAdmit refuses (a credentials check: 401/403/429)
    kFile,     // OnRequest with a content provider (a media file: Range applies)
    kThrow,    // OnRequest throws std::runtime_error(body)
    kCustom,   // OnRequest calls `custom` (e.g. an event stream's answer)
  };
  int status = 200;
  std::string body = "ok";
  std::string content_type = "text/plain";
  // OnRequest waits this long before answering (a slow handler).
  std::chrono::milliseconds delay{0};
  Where where = Where::kRequest;
  // The body is not buffered: OnRequest reads it through Body::reader.
  bool stream_body = false;
  // kCustom: writes the answer in OnRequest.
  std::function<void(const httplib::Request&, httplib::Response&)> custom = nullptr;

  static FakeAnswer InHead(int status, std::string body = "answered in OnHead") {
    FakeAnswer a{status, std::move(body)};
    a.where = Where::kHead;
    return a;
  }
  static FakeAnswer Refused(int status, std::string body = "refused in OnAdmit") {
    FakeAnswer a{status, std::move(body)};
    a.where = Where::kAdmit;
    return a;
  }
  static FakeAnswer File(std::string body, std::string content_type) {
    FakeAnswer a{200, std::move(body), std::move(content_type)};
    a.where = Where::kFile;
    return a;
  }
  static FakeAnswer Custom(
      std::function<void(const httplib::Request&, httplib::Response&)> custom) {
    FakeAnswer a;
    a.where = Where::kCustom;
    a.custom = std::move(custom);
    return a;
  }
  static FakeAnswer Throw(std::string what) {
    FakeAnswer a{500, std::move(what)};
    a.where = Where::kThrow;
    return a;
  }
};

// One request as the fake saw it.
struct FakeRequest {
  std::string method;
  std::string path;
  std::string body;        // what OnRequest got (buffered or read); empty before
  bool body_seen = false;  // OnRequest ran
};

struct FakeDone {
  std::string method;
  std::string path;
  int status = 0;
};

struct FakeRefusal {
  int status = 0;
  std::string details;
};

class FakeHandler final : public http::Handler {
 public:
  // The answer for `path` (exact match, query string excluded); other paths
  // get the default answer (200 "ok" text/plain).
  void Answer(const std::string& path, FakeAnswer answer) {
    std::lock_guard<std::mutex> lock(mu_);
    answers_[path] = std::move(answer);
  }
  void AnswerOthers(FakeAnswer answer) {
    std::lock_guard<std::mutex> lock(mu_);
    default_ = std::move(answer);
  }
  // The body of a refused head's answer; "<details>" in `body` is replaced
  // by the transport's details. An empty content type: no body.
  void SetRefusalBody(std::string content_type, std::string body) {
    std::lock_guard<std::mutex> lock(mu_);
    refusal_ = {std::move(content_type), std::move(body)};
    refusal_set_ = true;
  }

  // What was recorded so far (copies).
  std::vector<FakeRequest> Requests() const {
    std::lock_guard<std::mutex> lock(mu_);
    return requests_;
  }
  std::vector<FakeDone> Done() const {
    std::lock_guard<std::mutex> lock(mu_);
    return done_;
  }
  std::vector<FakeRefusal> Refusals() const {
    std::lock_guard<std::mutex> lock(mu_);
    return refusals_;
  }
  // Statuses OnBodyError / OnErrorStatus were called with, in order.
  std::vector<int> BodyErrors() const {
    std::lock_guard<std::mutex> lock(mu_);
    return body_errors_;
  }
  std::vector<int> ErrorStatuses() const {
    std::lock_guard<std::mutex> lock(mu_);
    return error_statuses_;
  }
  // Requests whose path is `path` (OnHead saw them).
  size_t CountPath(const std::string& path) const {
    std::lock_guard<std::mutex> lock(mu_);
    size_t n = 0;
    for (const FakeRequest& r : requests_) n += r.path == path;
    return n;
  }

  http::HeadDecision OnHead(const httplib::Request& req, httplib::Response& res) override {
    FakeAnswer a;
    {
      std::lock_guard<std::mutex> lock(mu_);
      requests_.push_back({req.method, req.path, std::string(), false});
      t_index = requests_.size() - 1;
      a = AnswerForLocked(req.path);
    }
    t_answer = a;
    http::HeadDecision d;
    d.stream_body = a.stream_body;
    if (a.where == FakeAnswer::Where::kHead) {
      Write(res, a);
      d.answered = true;
    }
    return d;
  }

  bool OnAdmit(const httplib::Request&, httplib::Response& res) override {
    if (t_answer.where != FakeAnswer::Where::kAdmit) return true;
    Write(res, t_answer);
    return false;
  }

  bool OnRequest(const httplib::Request& req, httplib::Response& res,
                 const http::Body& body) override {
    const FakeAnswer a = t_answer;
    std::string got = body.buffered;
    if (body.reader != nullptr) {
      (*body.reader)([&](const char* data, size_t len) {
        got.append(data, len);
        return true;
      });
    }
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (t_index < requests_.size()) {
        requests_[t_index].body = got;
        requests_[t_index].body_seen = true;
      }
    }
    if (a.delay.count() > 0) std::this_thread::sleep_for(a.delay);
    if (a.where == FakeAnswer::Where::kThrow) throw std::runtime_error(a.body);
    if (a.where == FakeAnswer::Where::kCustom) {
      a.custom(req, res);
      return true;
    }
    if (a.where == FakeAnswer::Where::kFile) {
      res.status = a.status;
      const std::string content = a.body;
      res.set_content_provider(content.size(), a.content_type,
                               [content](size_t offset, size_t length, httplib::DataSink& sink) {
                                 sink.write(content.data() + offset, length);
                                 return true;
                               });
      return true;
    }
    Write(res, a);
    return true;
  }

  void OnBodyError(const httplib::Request&, httplib::Response& res, const Status& s) override {
    res.status = s.code() == Status::Code::kPayloadTooLarge ? 413 : 400;
    res.set_content("body error: " + s.details(), "text/plain");
    std::lock_guard<std::mutex> lock(mu_);
    body_errors_.push_back(res.status);
  }

  bool OnErrorStatus(const httplib::Request&, httplib::Response& res) override {
    {
      std::lock_guard<std::mutex> lock(mu_);
      error_statuses_.push_back(res.status);
    }
    if (!res.body.empty()) return false;
    res.set_content("error " + std::to_string(res.status), "text/plain");
    return true;
  }

  void OnException(const httplib::Request&, httplib::Response& res,
                   const std::string& what) override {
    res.status = 500;
    res.set_content("exception: " + what, "text/plain");
  }

  void OnDone(const httplib::Request& req, const httplib::Response& res) override {
    std::lock_guard<std::mutex> lock(mu_);
    done_.push_back({req.method, req.path, res.status});
    t_index = static_cast<size_t>(-1);
  }

  http::RefusalBody RefusedHead(int status, const std::string& details) override {
    std::lock_guard<std::mutex> lock(mu_);
    refusals_.push_back({status, details});
    if (!refusal_set_) {
      return {"text/plain", "refused " + std::to_string(status) + ": " + details};
    }
    http::RefusalBody out = refusal_;
    const size_t at = out.body.find("<details>");
    if (at != std::string::npos) out.body.replace(at, 9, details);
    return out;
  }

 private:
  FakeAnswer AnswerForLocked(const std::string& path) const {
    auto it = answers_.find(path);
    return it != answers_.end() ? it->second : default_;
  }
  static void Write(httplib::Response& res, const FakeAnswer& a) {
    res.status = a.status;
    res.set_content(a.body, a.content_type);
  }

  // The request this worker thread serves (handler.h: every hook of a
  // request runs on one thread).
  static inline thread_local FakeAnswer t_answer;
  static inline thread_local size_t t_index = static_cast<size_t>(-1);

  mutable std::mutex mu_;
  std::map<std::string, FakeAnswer> answers_;
  FakeAnswer default_;
  bool refusal_set_ = false;
  http::RefusalBody refusal_;
  std::vector<FakeRequest> requests_;
  std::vector<FakeDone> done_;
  std::vector<FakeRefusal> refusals_;
  std::vector<int> body_errors_;
  std::vector<int> error_statuses_;
};

}  // namespace cammio::testing
