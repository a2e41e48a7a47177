// Tests for live::Registry::Close (a revoked or deleted invitation's room)
// and for the rules a room in memory takes at each join (a reschedule), with
// a fake outbox and a hand-set clock.
#include <doctest/doctest.h>

#include <map>
#include <set>
#include <string>
#include <vector>

#include "live/registry.h"

namespace cammio::live {
namespace {

constexpr int64_t kAt = 1'900'000'000;

class Outboxes : public Outbox {
 public:
  bool Send(StreamId id, std::string frame) override {
    frames[id].push_back(std::move(frame));
    return true;
  }
  void Close(StreamId id) override { closed.insert(id); }
  std::map<StreamId, std::vector<std::string>> frames;
  std::set<StreamId> closed;
};

struct Room7 {
  Outboxes out;
  Registry reg{out};
  StreamId next = 1;
  RoomRules rules;
  Room7() {
    rules.invitation_id = 7;
    rules.scheduled_at = kAt;
  }
  Result<Change> Join(const std::string& id, int64_t now, StreamId* stream = nullptr) {
    Participant p{id, id, "N " + id};
    return reg.Join(rules, p, now, [&] {
      if (stream != nullptr) *stream = next;
      return next++;
    });
  }
};

TEST_CASE("close: everyone gets ended with the reason, streams close, the room is forgotten") {
  Room7 w;
  StreamId cand = 0, iv = 0;
  REQUIRE(w.Join("candidate", kAt, &cand).ok());
  REQUIRE(w.Join("interviewer", kAt + 1, &iv).ok());
  w.reg.Close(7, "revoked", "2030-03-17T17:46:40Z");
  for (StreamId s : {cand, iv}) {
    CHECK(w.out.frames[s].back() ==
          "event: ended\ndata: {\"reason\":\"revoked\",\"at\":\"2030-03-17T17:46:40Z\"}\n\n");
    CHECK(w.out.closed.count(s) == 1);
  }
  CHECK(w.reg.rooms() == 0);
  CHECK(w.reg.present() == 0);
  // Nothing more comes out of it: no end after the grace, joins refused.
  CHECK(w.reg.Tick(kAt + 3600).empty());
  CHECK(w.reg.StreamClosed(cand, kAt + 2).any() == false);
  auto again = w.Join("candidate", kAt + 5);
  CHECK(again.status().code() == Status::Code::kGone);
  CHECK(again.status().details() == "this invitation was revoked");
  CHECK(w.reg.StateOf(w.rules, kAt + 5) == "ended");
}

TEST_CASE("close: a join that read the invitation before the close cannot reopen the room") {
  Room7 w;
  w.reg.Close(7, "deleted", "2030-03-17T17:46:40Z");  // no room in memory yet
  auto late = w.Join("interviewer", kAt);
  CHECK(late.status().details() == "this interview was deleted");
  CHECK(w.reg.rooms() == 0);
}

TEST_CASE("rules: a room in memory takes a new schedule at the next join, until both met") {
  Room7 w;
  REQUIRE(w.Join("candidate", kAt).ok());
  w.rules.scheduled_at = kAt + 86400;  // rescheduled to tomorrow
  CHECK(w.reg.StateOf(w.rules, kAt + 1) == "waiting");
  auto refused = w.Join("interviewer", kAt + 1);
  CHECK(refused.status().code() == Status::Code::kConflict);
  CHECK(refused.status().details() == "the room opens at 2030-03-18T17:31:40Z");
  // Once candidate and interviewer met, a reschedule locks nobody out.
  w.rules.scheduled_at = kAt;
  REQUIRE(w.Join("interviewer", kAt + 2).ok());
  w.rules.scheduled_at = kAt + 86400;
  CHECK(w.Join("guest-3", kAt + 3).ok());
  CHECK(w.reg.StateOf(w.rules, kAt + 3) == "open");
}

}  // namespace
}  // namespace cammio::live
