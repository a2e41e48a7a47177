// Tests for src/live/room and src/live/registry: every transition of the
// room (join, lobby times, rejoin, leave, drop, signal, chat, state, end,
// remove, a deleted guest, room full, the empty-room grace) through the
// Registry with a fake outbox and a hand-set clock (plain epoch seconds).
#include <doctest/doctest.h>

#include <map>
#include <set>
#include <string>
#include <vector>

#include "live/registry.h"

namespace cammio::live {
namespace {

constexpr int64_t kScheduled = 1'900'000'000;

// Records frames per stream and closed streams.
class FakeOutbox : public Outbox {
 public:
  bool Send(StreamId id, std::string frame) override {
    frames[id].push_back(frame);
    return closed.count(id) == 0;
  }
  void Close(StreamId id) override { closed.insert(id); }
  // The event types stream `id` got, in order.
  std::vector<std::string> Types(StreamId id) const {
    std::vector<std::string> out;
    auto it = frames.find(id);
    if (it == frames.end()) return out;
    for (const std::string& f : it->second) out.push_back(f.substr(7, f.find('\n') - 7));
    return out;
  }
  std::string Last(StreamId id) const {
    auto it = frames.find(id);
    return it == frames.end() || it->second.empty() ? "" : it->second.back();
  }
  std::map<StreamId, std::vector<std::string>> frames;
  std::set<StreamId> closed;
};

struct World {
  FakeOutbox out;
  Registry reg{out};
  StreamId next = 1;
  RoomRules rules;
  World() {
    rules.invitation_id = 7;
    rules.scheduled_at = kScheduled;
    rules.lobby_seconds = 15 * 60;
    rules.empty_grace_s = 60;
  }
  // Joins `id` at `now`; the new stream's id, or 0 when refused (*status).
  StreamId Join(const std::string& id, int64_t now, Status* status = nullptr,
                Change* change = nullptr) {
    Participant p;
    p.id = id;
    p.role = id.rfind("guest-", 0) == 0 ? "guest" : id;
    p.name = "N " + id;
    StreamId opened = 0;
    auto r = reg.Join(rules, p, now, [&] { return opened = next++; });
    if (status != nullptr) *status = r.status();
    if (r.ok() && change != nullptr) *change = *r;
    return r.ok() ? opened : 0;
  }
};

const std::vector<std::string> kWelcome = {"welcome"};

TEST_CASE("lobby times: refused before the lobby opens (with the time), open after") {
  World w;
  Status s;
  CHECK(w.Join("candidate", kScheduled - 15 * 60 - 1, &s) == 0);
  CHECK(s.code() == Status::Code::kConflict);
  CHECK(s.details().find("2030-03-17T17:31:40Z") != std::string::npos);
  CHECK(w.reg.StateOf(w.rules, kScheduled - 15 * 60 - 1) == "waiting");
  CHECK(w.reg.rooms() == 0);
  CHECK(w.Join("candidate", kScheduled - 15 * 60, &s) != 0);
  CHECK(w.reg.StateOf(w.rules, kScheduled - 15 * 60) == "open");
}

TEST_CASE("lobby times: an invitation without a time is open at once") {
  World w;
  w.rules.scheduled_at.reset();
  CHECK(w.Join("interviewer", 0) != 0);
}

TEST_CASE(
    "join: welcome to the joiner with the others, joined to the others; start when both met") {
  World w;
  Change c;
  const StreamId cand = w.Join("candidate", kScheduled, nullptr, &c);
  CHECK(c.first_presence == "candidate");
  CHECK_FALSE(c.started);
  CHECK(w.out.Types(cand) == kWelcome);
  const StreamId guest = w.Join("guest-3", kScheduled + 1);
  CHECK(w.out.Last(guest).find("\"participants\":[{\"id\":\"candidate\"") != std::string::npos);
  CHECK(w.out.Types(cand) == std::vector<std::string>{"welcome", "joined"});
  const StreamId iv = w.Join("interviewer", kScheduled + 5, nullptr, &c);
  CHECK(c.started);
  CHECK(c.started_at == kScheduled + 5);
  CHECK(w.out.Types(guest) == std::vector<std::string>{"welcome", "joined"});
  CHECK(w.out.Last(iv).rfind("event: welcome\ndata: {", 0) == 0);
  CHECK(w.reg.present() == 3);
}

TEST_CASE("rejoin: a second stream replaces the first without a left; the others see joined") {
  World w;
  const StreamId cand = w.Join("candidate", kScheduled);
  const StreamId iv1 = w.Join("interviewer", kScheduled);
  Change c;
  const StreamId iv2 = w.Join("interviewer", kScheduled + 10, nullptr, &c);
  CHECK(w.out.closed.count(iv1) == 1);
  CHECK_FALSE(c.first_presence);
  CHECK_FALSE(c.started);  // started once only
  CHECK(w.out.Types(cand) == std::vector<std::string>{"welcome", "joined", "joined"});
  CHECK(w.out.Types(iv2) == kWelcome);
  // The old stream's close comes back from the transport: nobody leaves.
  w.reg.StreamClosed(iv1, kScheduled + 11);
  CHECK(w.out.Types(cand).size() == 3);
  CHECK(w.reg.present() == 2);
}

TEST_CASE("visits: each join is a visit, counted from the persisted count, told in welcome") {
  World w;
  w.rules.visits["interviewer"] = 3;  // it joined three times before a restart
  Change c;
  const StreamId cand = w.Join("candidate", kScheduled, nullptr, &c);
  CHECK(w.out.Last(cand).find("\"visit\":1,") != std::string::npos);
  CHECK(c.visits == std::map<std::string, int64_t>{{"candidate", 1}});
  CHECK(c.present.count("candidate") == 1);
  const StreamId iv = w.Join("interviewer", kScheduled + 1, nullptr, &c);
  CHECK(w.out.Last(iv).find("\"visit\":4,") != std::string::npos);
  // A rejoin is the next visit; the room's count wins over a stale one.
  w.rules.visits["candidate"] = 0;
  const StreamId again = w.Join("candidate", kScheduled + 2, nullptr, &c);
  CHECK_FALSE(c.first_presence);
  CHECK(c.visits == std::map<std::string, int64_t>{{"candidate", 2}});
  CHECK(c.any());
  CHECK(w.out.Last(again).find("\"visit\":2,") != std::string::npos);
  auto ended = w.reg.End(7, "interviewer", "2030-01-01T00:00:00Z", kScheduled + 3);
  REQUIRE(ended.ok());
  CHECK(ended->visits == std::map<std::string, int64_t>{{"candidate", 2}, {"interviewer", 4}});
}

TEST_CASE("leave and drop: the others see left with the reason; the left stream is closed") {
  World w;
  const StreamId cand = w.Join("candidate", kScheduled);
  const StreamId iv = w.Join("interviewer", kScheduled);
  const StreamId g = w.Join("guest-1", kScheduled);
  REQUIRE(w.reg.Leave(7, "guest-1", kScheduled + 1).ok());
  CHECK(w.out.closed.count(g) == 1);
  CHECK(w.out.Last(cand).find("{\"id\":\"guest-1\",\"reason\":\"left\"}") != std::string::npos);
  w.reg.StreamClosed(g, kScheduled + 2);  // the transport's echo changes nothing
  w.reg.StreamClosed(iv, kScheduled + 3);
  CHECK(w.out.Last(cand).find("{\"id\":\"interviewer\",\"reason\":\"dropped\"}") !=
        std::string::npos);
  CHECK(w.reg.Leave(7, "interviewer", kScheduled + 4).status().code() == Status::Code::kConflict);
  // Back after a drop: joined again.
  w.Join("interviewer", kScheduled + 5);
  CHECK(w.out.Types(cand).back() == "joined");
}

TEST_CASE("signal goes to the named participant only; unknown to is NotFound") {
  World w;
  const StreamId cand = w.Join("candidate", kScheduled);
  const StreamId iv = w.Join("interviewer", kScheduled);
  const StreamId g = w.Join("guest-2", kScheduled);
  const size_t guest_frames = w.out.frames[g].size();
  REQUIRE(w.reg.Signal(7, "candidate", "interviewer", "{\"sdp\":\"x\"}").ok());
  CHECK(w.out.Last(iv) ==
        "event: signal\ndata: {\"from\":\"candidate\",\"data\":{\"sdp\":\"x\"}}\n\n");
  CHECK(w.out.frames[g].size() == guest_frames);
  CHECK(w.out.Types(cand).back() == "joined");
  CHECK(w.reg.Signal(7, "candidate", "guest-9", "{}").code() == Status::Code::kNotFound);
  CHECK(w.reg.Signal(7, "guest-9", "candidate", "{}").code() == Status::Code::kConflict);
  CHECK(w.reg.Signal(8, "candidate", "interviewer", "{}").code() == Status::Code::kConflict);
}

TEST_CASE("chat goes to everyone, the sender included, and the last 50 come with welcome") {
  World w;
  const StreamId cand = w.Join("candidate", kScheduled);
  const StreamId iv = w.Join("interviewer", kScheduled);
  for (int i = 0; i < 55; ++i) {
    REQUIRE(w.reg.Chat(7, "candidate", "line \"" + std::to_string(i) + "\"", "T").ok());
  }
  CHECK(w.out.Types(iv).back() == "chat");
  CHECK(w.out.Types(cand).back() == "chat");
  CHECK(w.out.Last(iv).find("\"text\":\"line \\\"54\\\"\"") != std::string::npos);
  const StreamId g = w.Join("guest-1", kScheduled);
  const std::string welcome = w.out.Last(g);
  CHECK(welcome.find("line \\\"4\\\"") == std::string::npos);
  CHECK(welcome.find("line \\\"5\\\"") != std::string::npos);
  CHECK(welcome.find("line \\\"54\\\"") != std::string::npos);
}

TEST_CASE("state goes to the others and is kept across a rejoin") {
  World w;
  const StreamId cand = w.Join("candidate", kScheduled);
  w.Join("interviewer", kScheduled);
  REQUIRE(w.reg.SetState(7, "interviewer", false, true).ok());
  CHECK(w.out.Last(cand) ==
        "event: state\ndata: {\"id\":\"interviewer\",\"audio\":false,\"video\":true}\n\n");
  w.Join("interviewer", kScheduled + 1);
  CHECK(w.out.Last(cand).find("\"audio\":false,\"video\":true") != std::string::npos);
}

TEST_CASE("end: interviewer only; everyone gets ended, every stream closes, no join after") {
  World w;
  const StreamId cand = w.Join("candidate", kScheduled);
  const StreamId iv = w.Join("interviewer", kScheduled + 2);
  const StreamId g = w.Join("guest-4", kScheduled + 3);
  CHECK(w.reg.End(7, "candidate", "T", kScheduled + 9).status().code() ==
        Status::Code::kUnauthenticated);
  CHECK(w.reg.End(7, "guest-4", "T", kScheduled + 9).status().code() ==
        Status::Code::kUnauthenticated);
  auto c = w.reg.End(7, "interviewer", "T", kScheduled + 100);
  REQUIRE(c.ok());
  CHECK(c->ended);
  CHECK(c->started_at == kScheduled + 2);
  CHECK(c->ended_at == kScheduled + 100);
  CHECK(c->present.size() == 3);
  CHECK(c->present.at("guest-4").name == "N guest-4");
  for (StreamId s : {cand, iv, g}) {
    CHECK(w.out.Types(s).back() == "ended");
    CHECK(w.out.closed.count(s) == 1);
  }
  Status s;
  CHECK(w.Join("candidate", kScheduled + 101, &s) == 0);
  CHECK(s.code() == Status::Code::kGone);
  CHECK(w.reg.StateOf(w.rules, kScheduled + 101) == "ended");
  CHECK(w.reg.rooms() == 1);  // ended, until its end is saved
  w.reg.EndSaved(7, true);
  CHECK(w.reg.rooms() == 0);
  CHECK(w.Join("candidate", kScheduled + 102, &s) == 0);
  CHECK(s.code() == Status::Code::kGone);
  CHECK(w.reg.StateOf(w.rules, kScheduled + 102) == "ended");
}

TEST_CASE("an end that failed to save stays ended in memory and is handed out again by Tick") {
  World w;
  w.Join("candidate", kScheduled);
  w.Join("interviewer", kScheduled + 2);
  auto c = w.reg.End(7, "interviewer", "T", kScheduled + 100);
  REQUIRE(c.ok());
  CHECK(w.reg.Tick(kScheduled + 101).empty());  // its write is under way
  w.reg.EndSaved(7, false);
  Status s;
  CHECK(w.Join("candidate", kScheduled + 102, &s) == 0);
  CHECK(s.code() == Status::Code::kGone);
  auto again = w.reg.Tick(kScheduled + 103);
  REQUIRE(again.size() == 1);
  CHECK(again[0].ended);
  CHECK(again[0].started_at == kScheduled + 2);
  CHECK(again[0].ended_at == kScheduled + 100);
  CHECK(again[0].present.size() == 2);
  CHECK(w.reg.Tick(kScheduled + 104).empty());  // once per failure
  w.reg.EndSaved(7, true);
  CHECK(w.reg.rooms() == 0);
  CHECK(w.reg.Tick(kScheduled + 105).empty());
}

TEST_CASE("remove: interviewer only, guests only, present only; the guest cannot rejoin") {
  World w;
  const StreamId cand = w.Join("candidate", kScheduled);
  w.Join("interviewer", kScheduled);
  const StreamId g = w.Join("guest-5", kScheduled);
  CHECK(w.reg.Remove(7, "candidate", "guest-5", kScheduled).status().code() ==
        Status::Code::kUnauthenticated);
  CHECK(w.reg.Remove(7, "interviewer", "candidate", kScheduled).status().code() ==
        Status::Code::kInvalidArgument);
  CHECK(w.reg.Remove(7, "interviewer", "guest-6", kScheduled).status().code() ==
        Status::Code::kNotFound);
  REQUIRE(w.reg.Remove(7, "interviewer", "guest-5", kScheduled + 1).ok());
  CHECK(w.out.Types(g).back() == "removed");
  CHECK(w.out.closed.count(g) == 1);
  CHECK(w.out.Last(cand).find("{\"id\":\"guest-5\",\"reason\":\"removed\"}") != std::string::npos);
  Status s;
  CHECK(w.Join("guest-5", kScheduled + 2, &s) == 0);
  CHECK(s.code() == Status::Code::kGone);
}

TEST_CASE("a deleted guest is dropped from its room and barred") {
  World w;
  const StreamId cand = w.Join("candidate", kScheduled);
  const StreamId g = w.Join("guest-8", kScheduled);
  w.reg.Expel(7, "guest-8", kScheduled + 1);
  CHECK(w.out.Types(g).back() == "removed");
  CHECK(w.out.closed.count(g) == 1);
  CHECK(w.out.Types(cand).back() == "left");
  Status s;
  CHECK(w.Join("guest-8", kScheduled + 2, &s) == 0);
  CHECK(s.code() == Status::Code::kGone);
  w.reg.Expel(99, "guest-1", kScheduled);  // no room: nothing happens
}

TEST_CASE("room full: the 7th participant is refused, a rejoin of a present one is not") {
  World w;
  w.Join("candidate", kScheduled);
  w.Join("interviewer", kScheduled);
  for (int i = 1; i <= 4; ++i) REQUIRE(w.Join("guest-" + std::to_string(i), kScheduled) != 0);
  Status s;
  CHECK(w.Join("guest-5", kScheduled, &s) == 0);
  CHECK(s.code() == Status::Code::kConflict);
  CHECK(s.details().find("room full") != std::string::npos);
  CHECK(w.reg.present() == 6);
  CHECK(w.Join("guest-2", kScheduled, &s) != 0);
  REQUIRE(w.reg.Leave(7, "guest-1", kScheduled).ok());
  CHECK(w.Join("guest-5", kScheduled) != 0);
}

TEST_CASE("empty-room grace: ends once both met and the room stayed empty; not before") {
  World w;
  const StreamId cand = w.Join("candidate", kScheduled);
  const StreamId iv = w.Join("interviewer", kScheduled + 10);
  w.reg.StreamClosed(cand, kScheduled + 20);
  w.reg.StreamClosed(iv, kScheduled + 30);
  CHECK(w.reg.Tick(kScheduled + 89).empty());
  // A reload within the grace keeps it going.
  const StreamId again = w.Join("candidate", kScheduled + 60);
  CHECK(w.reg.Tick(kScheduled + 200).empty());
  w.reg.StreamClosed(again, kScheduled + 300);
  auto ended = w.reg.Tick(kScheduled + 360);
  REQUIRE(ended.size() == 1);
  CHECK(ended[0].ended);
  CHECK(ended[0].started_at == kScheduled + 10);
  CHECK(ended[0].ended_at == kScheduled + 300);  // when the last one left
  CHECK(ended[0].present.size() == 2);
  w.reg.EndSaved(7, true);
  Status s;
  CHECK(w.Join("candidate", kScheduled + 400, &s) == 0);
  CHECK(s.code() == Status::Code::kGone);
}

TEST_CASE(
    "no-show: a room where candidate and interviewer never met never ends, and is forgotten") {
  World w;
  const StreamId iv = w.Join("interviewer", kScheduled);
  w.reg.StreamClosed(iv, kScheduled + 1);
  CHECK(w.reg.Tick(kScheduled + 10'000).empty());
  CHECK(w.reg.rooms() == 0);
  CHECK(w.Join("interviewer", kScheduled + 10'001) != 0);
}

TEST_CASE("a room made after a restart keeps its persisted start") {
  World w;
  w.rules.started_at = kScheduled + 3;
  w.rules.ever_present = {"candidate", "interviewer"};
  Change c;
  const StreamId cand = w.Join("candidate", kScheduled + 50, nullptr, &c);
  CHECK_FALSE(c.first_presence);
  w.Join("interviewer", kScheduled + 51, nullptr, &c);
  CHECK_FALSE(c.started);
  REQUIRE(cand != 0);
  auto end = w.reg.End(7, "interviewer", "T", kScheduled + 60);
  REQUIRE(end.ok());
  CHECK(end->started_at == kScheduled + 3);
}

}  // namespace
}  // namespace cammio::live
