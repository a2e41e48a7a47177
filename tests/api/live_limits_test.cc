// The live room's bounds through the real server (review items 3, 7 and 8
// of issue 16): a chat line's size and characters, a welcome after a history
// of maximum-size lines, a second stream of one participant (`replaced`),
// the per-participant message budget (429 with Retry-After) and the signal
// data cap. The TestServer's clock stands still unless a test moves it, so
// the budgets refill only when told to.
#include <doctest/doctest.h>

#include <chrono>
#include <deque>
#include <string>
#include <thread>
#include <vector>

#include "api/live.h"
#include "testing/live_client.h"

namespace cammio::testing {
namespace {

std::string Repeat(const std::string& s, size_t n) {
  std::string out;
  for (size_t i = 0; i < n; ++i) out += s;
  return out;
}

// A chat message whose text is `json_text`, already JSON-escaped.
std::string ChatBody(const std::string& json_text) {
  return R"({"type":"chat","text":")" + json_text + "\"}";
}

// A reader's frames one by one, in order (Pending hands them out in batches).
class Frames {
 public:
  explicit Frames(EventStreamReader& r) : r_(r) {}
  // The frames up to the next one of type `type` (included), within 10 s.
  std::vector<LiveFrame> Until(const std::string& type) {
    std::vector<LiveFrame> out;
    const auto end = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    for (;;) {
      while (!buffered_.empty()) {
        out.push_back(buffered_.front());
        buffered_.pop_front();
        if (out.back().type == type) return out;
      }
      if (std::chrono::steady_clock::now() > end) break;
      for (const LiveFrame& f : r_.Pending(std::chrono::milliseconds(20))) buffered_.push_back(f);
    }
    FAIL("no " << type << " frame within 10 s");
    return out;
  }

 private:
  EventStreamReader& r_;
  std::deque<LiveFrame> buffered_;
};

size_t Count(const std::vector<LiveFrame>& frames, const std::string& type) {
  size_t n = 0;
  for (const LiveFrame& f : frames) n += f.type == type;
  return n;
}

TEST_CASE("live: a chat line over 8 KiB is 413, control characters 400; neither is sent") {
  TestServer server;
  Api api(server);
  TwoJoined room(server, api);

  Resp big = LiveMessage(server, room.li.candidate, ChatBody(std::string(8 * 1024 + 1, 'a')));
  CHECK(big.status == 413);
  CHECK(Contains(big.body, "8 KiB"));
  for (const char* bad :
       {"bell \\u0007", "\\u0000", "cr \\r lf", "del \\u007f", "c1 \\u0085", "esc \\u001b[2J"}) {
    Resp r = LiveMessage(server, room.li.candidate, ChatBody(bad));
    CHECK_MESSAGE(r.status == 400, bad);
    CHECK_MESSAGE(Contains(r.body, "control character"), bad);
  }
  // 2000 characters of 4 bytes (8000 bytes), newlines and tabs pass.
  const std::string emoji = "\xF0\x9F\x98\x80";
  CHECK(LiveMessage(server, room.li.candidate, ChatBody(Repeat(emoji, 2000))).status == 204);
  CHECK(LiveMessage(server, room.li.candidate, ChatBody("two\\nlines\\tand a tab")).status == 204);
  Frames frames(room.iv);
  std::vector<LiveFrame> got = frames.Until("chat");
  CHECK(Contains(got.back().data, emoji + emoji));
  got = frames.Until("chat");
  CHECK(Contains(got.back().data, "two\\nlines\\tand a tab"));
  // Nothing of the refused lines reached anyone: the history has the two.
  EventStreamReader again(server, Events(room.li.interviewer));
  REQUIRE(again.status() == 200);
  LiveFrame w = again.Next("welcome");
  Value chat = At(Json(w.data), "chat");
  CHECK(chat.items().size() == 2);
}

TEST_CASE("live: after a history of maximum-size lines a join still gets welcome and stays") {
  TestServer server;
  Api api(server);
  TwoJoined room(server, api);
  // 50 lines of 2000 four-byte characters (8000 bytes each, 400 000 in
  // all), and between them lines full of characters JSON escapes to 6 bytes
  // (refused now; before, 50 of them made a 600 000-byte welcome).
  const std::string emoji = "\xF0\x9F\x98\x80";
  auto cli = server.Client();
  cli->set_keep_alive(true);
  for (int i = 0; i < 50; ++i) {
    const std::string line = std::to_string(i) + ":" + Repeat(emoji, 1995);
    auto r = cli->Post((room.li.candidate + "/live/messages").c_str(), ChatBody(line),
                       "application/json");
    REQUIRE(r);
    REQUIRE(r->status == 204);
    r = cli->Post((room.li.candidate + "/live/messages").c_str(),
                  ChatBody(std::to_string(i) + Repeat("\\u0001", 1998)), "application/json");
    REQUIRE(r);
    CHECK(r->status == 400);
    cli->set_keep_alive(i % 8 != 7);  // now and then a new connection
    server.clock().Advance(1);        // within the candidate's budget
  }
  // A guest joins, the interviewer reloads: both get their welcome, with
  // the newest whole lines, and stay in the room.
  const int64_t gid = AddGuest(api, room.li, "Gert");
  EventStreamReader guest(server, Events(room.li.Guest(gid)));
  REQUIRE(guest.status() == 200);
  EventStreamReader iv2(server, Events(room.li.interviewer));
  REQUIRE(iv2.status() == 200);
  for (EventStreamReader* r : {&guest, &iv2}) {
    LiveFrame w = r->Next("welcome");
    REQUIRE(w.type == "welcome");
    CHECK(w.data.size() < 66 * 1024);
    Value chat = At(Json(w.data), "chat");
    REQUIRE(chat.items().size() >= 5);
    CHECK(Str(chat.items().back(), "text") == "49:" + Repeat(emoji, 1995));
    for (const Value& line : chat.items()) CHECK(Str(line, "text").size() > 7980);
  }
  CHECK(LiveMessage(server, room.li.candidate, ChatBody("still open")).status == 204);
  for (EventStreamReader* r : {&guest, &iv2}) CHECK(Contains(r->Next("chat").data, "still open"));
  CHECK(LiveMessage(server, room.li.Guest(gid), ChatBody("from the guest")).status == 204);
  CHECK(Contains(iv2.Next("chat").data, "from the guest"));
}

TEST_CASE("live: a second stream of one participant: the first gets replaced, then EOF") {
  TestServer server;
  Api api(server);
  LiveInvitation li = MakeLiveInvitation(api);
  EventStreamReader cand(server, Events(li.candidate));
  REQUIRE(cand.status() == 200);
  EventStreamReader tab1(server, Events(li.interviewer));
  REQUIRE(tab1.status() == 200);
  tab1.Next("welcome");
  EventStreamReader tab2(server, Events(li.interviewer));
  REQUIRE(tab2.status() == 200);
  CHECK(tab2.Next("welcome").type == "welcome");
  LiveFrame f = tab1.Next("replaced");
  CHECK(f.type == "replaced");
  CHECK(f.data == "{}");
  CHECK(tab1.WaitEnded());
  CHECK(tab1.Pending().empty());  // `replaced` was its last frame
  // The second stream is the interviewer's now: it gets what comes next.
  CHECK(LiveMessage(server, li.candidate, ChatBody("to the new tab")).status == 204);
  CHECK(Contains(tab2.Next("chat").data, "to the new tab"));
  CHECK(LiveMessage(server, li.interviewer, ChatBody("from the new tab")).status == 204);
  CHECK(Contains(cand.Next("chat").data, "to the new tab"));  // its own line first
  CHECK(Contains(cand.Next("chat").data, "from the new tab"));
}

TEST_CASE("live: signal data over 16 KiB is 413 and goes nowhere") {
  TestServer server;
  Api api(server);
  TwoJoined room(server, api);
  auto signal = [&](size_t n) {
    return LiveMessage(
        server, room.li.candidate,
        R"({"type":"signal","to":"interviewer","data":")" + std::string(n, 's') + "\"}");
  };
  Resp big = signal(16 * 1024 - 1);  // with its quotes 16 KiB + 1
  CHECK(big.status == 413);
  CHECK(Contains(big.body, "16 KiB"));
  CHECK(signal(16 * 1024 - 2).status == 204);
  std::vector<LiveFrame> got = Frames(room.iv).Until("signal");
  CHECK(Count(got, "signal") == 1);
  CHECK(got.back().data.size() > 16 * 1024 - 2);
}

TEST_CASE("live: a sender past its budget gets 429 with Retry-After; nothing is relayed") {
  TestServer server;
  Api api(server);
  TwoJoined room(server, api);
  auto cli = server.Client();
  cli->set_keep_alive(true);
  auto post = [&](const std::string& base, const std::string& body) {
    auto r = cli->Post((base + "/live/messages").c_str(), body, "application/json");
    REQUIRE(r);
    return Resp{r->status, r->body, r->headers};
  };
  // Bytes: 16 000-byte signals to the interviewer until refused; the clock
  // stands still, so nothing refills.
  const std::string sig =
      R"({"type":"signal","to":"interviewer","data":")" + std::string(16000, 's') + "\"}";
  int accepted = 0;
  Resp refused;
  for (int i = 0; i < 40; ++i) {
    Resp r = post(room.li.candidate, sig);
    if (r.status != 204) {
      refused = r;
      break;
    }
    ++accepted;
  }
  CHECK(refused.status == 429);
  CHECK(Contains(refused.body, "a second"));
  const int retry =
      std::stoi(refused.Header("Retry-After").empty() ? "0" : refused.Header("Retry-After"));
  CHECK(retry >= 1);
  CHECK(accepted >= 8);
  CHECK(accepted * 16050 <= 256 * 1024);  // a burst fits a stream's 256 KiB queue
  // Other participants have budgets of their own.
  CHECK(post(room.li.interviewer, ChatBody("mine")).status == 204);
  // Once Retry-After has passed, the candidate is heard again.
  server.clock().Advance(retry);
  CHECK(post(room.li.candidate, ChatBody("after the wait")).status == 204);
  // Exactly the accepted signals reached the interviewer, whose stream
  // stayed open throughout.
  Frames frames(room.iv);
  std::vector<LiveFrame> got = frames.Until("chat");
  CHECK(Count(got, "signal") == static_cast<size_t>(accepted));
  CHECK(Contains(got.back().data, "mine"));
  got = frames.Until("chat");
  CHECK(Count(got, "signal") == 0);
  CHECK(Contains(got.back().data, "after the wait"));
  // Messages: a burst of small ones, then 429 as well.
  int small = 0;
  for (int i = 0; i < 400; ++i) {
    Resp r = post(room.li.interviewer, R"({"type":"state","audio":true,"video":true})");
    if (r.status != 204) {
      CHECK(r.status == 429);
      CHECK(r.HasHeader("Retry-After"));
      break;
    }
    ++small;
  }
  CHECK(small >= 100);  // a full mesh's trickle ICE fits
  CHECK(small < 400);
}

}  // namespace
}  // namespace cammio::testing
