// Tests for the room's bounds (review items 3 and 7 of issue 16): the chat
// history a `welcome` carries is capped by bytes (newest whole lines), and a
// participant's stream replaced by a second one is told `replaced` before it
// is closed. Through the Registry with a recording outbox.
#include <doctest/doctest.h>

#include <map>
#include <set>
#include <string>
#include <vector>

#include "cammio/document.h"
#include "live/registry.h"

namespace cammio::live {
namespace {

constexpr int64_t kNow = 1'900'000'000;

class RecordingOutbox : public Outbox {
 public:
  bool Send(StreamId id, std::string frame) override {
    // A frame after the close would never reach the stream.
    CHECK(closed.count(id) == 0);
    frames[id].push_back(std::move(frame));
    return true;
  }
  void Close(StreamId id) override { closed.insert(id); }
  std::map<StreamId, std::vector<std::string>> frames;
  std::set<StreamId> closed;
};

struct Room7 {
  RecordingOutbox out;
  Registry reg{out};
  RoomRules rules;
  StreamId next = 1;
  Room7() { rules.invitation_id = 7; }
  StreamId Join(const std::string& id) {
    Participant p;
    p.id = id;
    p.role = id;
    p.name = "N " + id;
    StreamId opened = 0;
    REQUIRE(reg.Join(rules, p, kNow, [&] { return opened = next++; }).ok());
    return opened;
  }
};

// The JSON of an "event: <type>\ndata: <json>\n\n" frame.
std::string DataOf(const std::string& frame) {
  const size_t at = frame.find("\ndata: ");
  REQUIRE(at != std::string::npos);
  return frame.substr(at + 7, frame.size() - at - 7 - 2);
}

TEST_CASE("welcome: the chat history is capped at 64 KiB of JSON, the newest whole lines kept") {
  Room7 w;
  w.Join("candidate");
  // Lines whose every character JSON escapes to 6 bytes (\u0001): 12 000
  // bytes each, 50 of them 600 000 bytes, more than a stream may queue.
  for (int i = 0; i < 50; ++i) {
    const std::string text = std::to_string(i) + ":" + std::string(2000, '\x01');
    REQUIRE(w.reg.Chat(7, "candidate", text, "T").ok());
  }
  const StreamId iv = w.Join("interviewer");
  const std::string& frame = w.out.frames[iv].front();
  REQUIRE(frame.rfind("event: welcome\n", 0) == 0);
  const std::string json = DataOf(frame);
  auto doc = ParseJson(json);
  REQUIRE(doc.ok());
  const Value* chat = doc->Find("chat");
  REQUIRE(chat != nullptr);
  size_t chat_bytes = 0;
  for (const Value& line : chat->items()) chat_bytes += RenderJson(line).size();
  CHECK(chat_bytes <= kWelcomeChatBytes);
  // Whole lines only, the newest ones, in order: 49 is the last.
  REQUIRE(!chat->items().empty());
  const size_t n = chat->items().size();
  // As many as fit: one more (they are all as long) would pass the cap.
  CHECK(chat_bytes + chat_bytes / n > kWelcomeChatBytes);
  for (size_t k = 0; k < n; ++k) {
    const std::string& text = chat->items()[k].Find("text")->as_string();
    CHECK(text == std::to_string(50 - n + k) + ":" + std::string(2000, '\x01'));
  }
  CHECK(json.size() < kWelcomeChatBytes + 1024);
}

TEST_CASE("welcome: short lines are all kept, up to the last 50") {
  Room7 w;
  w.Join("candidate");
  for (int i = 0; i < 60; ++i)
    REQUIRE(w.reg.Chat(7, "candidate", "l" + std::to_string(i), "T").ok());
  const StreamId iv = w.Join("interviewer");
  auto doc = ParseJson(DataOf(w.out.frames[iv].front()));
  REQUIRE(doc.ok());
  const auto& lines = doc->Find("chat")->items();
  REQUIRE(lines.size() == 50);
  CHECK(lines.front().Find("text")->as_string() == "l10");
  CHECK(lines.back().Find("text")->as_string() == "l59");
}

TEST_CASE("rejoin: the replaced stream gets `replaced` as its last frame, then is closed") {
  Room7 w;
  const StreamId cand = w.Join("candidate");
  const StreamId iv1 = w.Join("interviewer");
  const StreamId iv2 = w.Join("interviewer");
  REQUIRE(w.out.closed.count(iv1) == 1);
  REQUIRE(!w.out.frames[iv1].empty());
  CHECK(w.out.frames[iv1].back() == "event: replaced\ndata: {}\n\n");
  CHECK(w.out.closed.count(iv2) == 0);
  CHECK(w.out.frames[iv2].front().rfind("event: welcome\n", 0) == 0);
  // Nobody else is told `replaced`.
  for (const std::string& f : w.out.frames[cand]) CHECK(f.rfind("event: replaced", 0) != 0);
  for (const std::string& f : w.out.frames[iv2]) CHECK(f.rfind("event: replaced", 0) != 0);
  CHECK(w.reg.present() == 2);
}

}  // namespace
}  // namespace cammio::live
