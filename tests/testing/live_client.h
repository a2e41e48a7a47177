// The live room as the tests see it (tests/api/live_*_test.cc): a live
// vacancy with one invitation scheduled just after the TestServer's clock,
// the three kinds of link bases, and an event-stream reader that runs the
// real TLS client on a thread of its own and hands the frames to the test.
// Header-only; failures are doctest REQUIRE/CHECK failures of the caller.
#pragma once

#include <doctest/doctest.h>

#include <chrono>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "mail/enqueue.h"
#include "testing/api_helpers.h"
#include "testing/candidate_client.h"

namespace cammio::testing {

struct LiveFrame {
  std::string type, data;
};

// GET <path> as an event stream, read on a thread: the status, the frames
// in order, and whether the server closed the stream.
class EventStreamReader {
 public:
  EventStreamReader(const TestServer& server, const std::string& path) : cli_(server.Client()) {
    cli_->set_read_timeout(60, 0);
    thread_ = std::thread([this, path] {
      auto r = cli_->Get(
          path.c_str(), httplib::Headers{{"Accept", "text/event-stream"}},
          [this](const httplib::Response& res) {
            std::lock_guard<std::mutex> lock(mu_);
            status_ = res.status;
            cv_.notify_all();
            return true;
          },
          [this](const char* data, size_t n) {
            std::lock_guard<std::mutex> lock(mu_);
            buffer_.append(data, n);
            Parse();
            cv_.notify_all();
            return !stop_;
          });
      std::lock_guard<std::mutex> lock(mu_);
      if (r && status_ == 0) status_ = r->status;
      if (r) body_ += r->body;
      ended_ = true;
      cv_.notify_all();
    });
  }
  ~EventStreamReader() { Close(); }

  // The answer's status (waits for it; 0 when none came in 20 s).
  int status() {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait_for(lock, std::chrono::seconds(20), [this] { return status_ != 0 || ended_; });
    return status_;
  }
  // The body of a refusal (after the stream ended).
  std::string body() {
    WaitEnded();
    std::lock_guard<std::mutex> lock(mu_);
    return body_ + buffer_;
  }
  // The next frame of `type` after those already taken (skipping others);
  // an empty frame when none came within `timeout`.
  LiveFrame Next(const std::string& type,
                 std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
    std::unique_lock<std::mutex> lock(mu_);
    const auto end = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      while (!frames_.empty()) {
        LiveFrame f = frames_.front();
        frames_.pop_front();
        if (f.type == type) return f;
      }
      if (ended_ || cv_.wait_until(lock, end) == std::cv_status::timeout) {
        if (frames_.empty()) return {};
      }
    }
  }
  // Every frame not yet taken (waits `settle` first).
  std::vector<LiveFrame> Pending(std::chrono::milliseconds settle = std::chrono::milliseconds(0)) {
    std::this_thread::sleep_for(settle);
    std::lock_guard<std::mutex> lock(mu_);
    std::vector<LiveFrame> out(frames_.begin(), frames_.end());
    frames_.clear();
    return out;
  }
  // True once the server closed the stream (waits up to 10 s).
  bool WaitEnded() {
    std::unique_lock<std::mutex> lock(mu_);
    return cv_.wait_for(lock, std::chrono::seconds(10), [this] { return ended_; });
  }
  // Closes the connection from this side (a dropped participant).
  void Close() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stop_ = true;
    }
    cli_->stop();
    if (thread_.joinable()) thread_.join();
  }

 private:
  void Parse() {
    size_t end;
    while ((end = buffer_.find("\n\n")) != std::string::npos) {
      std::string block = buffer_.substr(0, end);
      buffer_.erase(0, end + 2);
      LiveFrame f;
      size_t at = 0;
      while (at <= block.size()) {
        size_t nl = block.find('\n', at);
        std::string line = block.substr(at, nl == std::string::npos ? std::string::npos : nl - at);
        if (line.rfind("event: ", 0) == 0) f.type = line.substr(7);
        if (line.rfind("data: ", 0) == 0) f.data = line.substr(6);
        if (nl == std::string::npos) break;
        at = nl + 1;
      }
      if (!f.type.empty()) frames_.push_back(f);
    }
  }

  std::unique_ptr<httplib::ClientImpl> cli_;
  std::thread thread_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::string buffer_, body_;
  std::deque<LiveFrame> frames_;
  int status_ = 0;
  bool ended_ = false;
  bool stop_ = false;
};

// TestServer's clock starts at 2023-11-14T22:13:20Z; the lobby of an
// interview at 22:20 is open (15 minutes before), one at 23:00 is not.
inline constexpr char kSoon[] = "2023-11-14T22:20:00Z";
inline constexpr char kLater[] = "2023-11-14T23:00:00Z";

// A live vacancy's invitation and the link bases of its participants.
struct LiveInvitation {
  int64_t vacancy_id = 0, invitation_id = 0;
  std::string token;
  std::string candidate, interviewer;  // link bases
  std::string Guest(int64_t guest_id) const {
    return "/public/guests/" + mail::GuestToken(token, guest_id);
  }
};

inline LiveInvitation MakeLiveInvitation(Api& api, const std::string& scheduled = kSoon,
                                         const std::string& email = "cand@example.test") {
  LiveInvitation li;
  li.vacancy_id = CreateVacancy(api, "live");
  std::string body = "{\"invitation\": {\"vacancy_id\": " + std::to_string(li.vacancy_id) +
                     ", \"candidate_email\": \"" + email +
                     "\", \"candidate_firstname\": \"Cora\", \"candidate_lastname\": \"Cand\", "
                     "\"interviewer_name\": \"Ivan\", \"datetime_scheduled\": \"" +
                     scheduled + "\"}}";
  Value inv = Object(api.Post("/api/invitations", body), 201, "invitation");
  li.invitation_id = Int(inv, "id");
  li.token = TokenAfter(Str(inv, "url"), kLinkPrefix);
  REQUIRE(!li.token.empty());
  li.candidate = "/public/job_interviews/" + li.token;
  li.interviewer = "/public/interviewers/" + mail::InterviewerToken(li.token, li.invitation_id);
  return li;
}

// The event stream of a link base.
inline std::string Events(const std::string& base) { return base + "/live/events"; }

// A live room as most live tests begin it: the candidate joined first, then
// the interviewer (each stream answered 200 before the next one opens).
struct TwoJoined {
  TwoJoined(const TestServer& server, Api& api)
      : li(MakeLiveInvitation(api)),
        cand(server, Events(li.candidate)),
        iv(Admitted(cand, server), Events(li.interviewer)) {
    REQUIRE(iv.status() == 200);
  }

  LiveInvitation li;
  EventStreamReader cand, iv;  // after `li`: constructed in this order

 private:
  static const TestServer& Admitted(EventStreamReader& reader, const TestServer& server) {
    REQUIRE(reader.status() == 200);
    return server;
  }
};

// Adds guest `name` to the invitation; returns its id.
inline int64_t AddGuest(Api& api, const LiveInvitation& li, const std::string& name) {
  Resp r = api.Post(
      "/api/invitations/" + std::to_string(li.invitation_id) + "/guests",
      "{\"guest\": {\"name\": \"" + name + "\", \"email\": \"" + name + "@example.test\"}}");
  return Int(Object(r, 201, "guest"), "id");
}

// POST <base>/live/messages with a JSON body.
inline Resp LiveMessage(const TestServer& server, const std::string& base,
                        const std::string& json) {
  auto cli = server.Client();
  auto r = cli->Post((base + "/live/messages").c_str(), json, "application/json");
  REQUIRE(r);
  return Resp{r->status, r->body, r->headers};
}

inline Resp LiveGet(const TestServer& server, const std::string& path) {
  auto cli = server.Client();
  auto r = cli->Get(path.c_str());
  REQUIRE(r);
  return Resp{r->status, r->body, r->headers};
}

}  // namespace cammio::testing
