// live::Room: the state machine of one live interview's room (issue 16), pure:
// no clock, no transport, no store. Every call takes the time (epoch seconds)
// and puts what must happen on the wire into an Effects value (frames to
// streams, streams to close) and what must be remembered (the start, the
// end, who was present) into flags the caller persists. live::Registry
// (live/registry.h) owns the rooms and carries the effects out.
//
// Participants are named by id: "candidate", "interviewer", "guest-<id>".
// A participant is present while it has one open stream. Frames are
// server-sent events, "event: <type>\ndata: <one-line JSON>\n\n"; their types
// and fields are docs/decisions.md "Live interviews".
//
// Thread-safety: none; the registry serialises calls.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "cammio/status.h"

namespace cammio::live {

using StreamId = uint64_t;

struct Participant {
  std::string id;    // candidate | interviewer | guest-<id>
  std::string role;  // candidate | interviewer | guest
  std::string name;
  bool audio = true, video = true;
};

// The fixed facts of a room, from its invitation and the settings.
struct RoomRules {
  int64_t invitation_id = 0;
  // datetime_scheduled; nullopt: the room is open at once.
  std::optional<int64_t> scheduled_at;
  int64_t lobby_seconds = 15 * 60;  // the lobby opens this long before scheduled_at
  int64_t empty_grace_s = 60;       // an empty room ends after this, once both met
  size_t max_participants = 6;
  // Persisted across a restart (live_sessions): when candidate and
  // interviewer first met, and who has been present.
  std::optional<int64_t> started_at;
  std::set<std::string> ever_present;
  // Persisted (live_presence.visits): how many times each participant joined.
  std::map<std::string, int64_t> visits;
};

// What one call asks of the transport and of the store.
struct Effects {
  std::vector<std::pair<StreamId, std::string>> frames;  // in order
  std::vector<StreamId> closes;                          // after the frames
  bool started = false;                                  // started_at was set now
  std::optional<std::string> first_presence;             // a participant here for the first time
  std::optional<std::string> joined;  // the participant who joined (its visit: rules().visits)
  bool ended = false;                 // the room ended now
};

// One server-sent event: "event: <type>\ndata: <json>\n\n".
std::string EventFrame(const std::string& type, const std::string& json);

// Chat bounds. A line is 1..kMaxChatChars characters and at most
// kMaxChatBytes of UTF-8; the history a `welcome` carries is the newest
// whole lines, at most kChatKept of them and kWelcomeChatBytes of JSON (so a
// welcome always fits a stream's queue, whatever the lines' escaping).
inline constexpr size_t kMaxChatChars = 2000;
inline constexpr size_t kMaxChatBytes = 8 * 1024;
inline constexpr size_t kChatKept = 50;
inline constexpr size_t kWelcomeChatBytes = 64 * 1024;

// Whether `text` (valid UTF-8) may be a chat line: PayloadTooLarge above
// kMaxChatBytes; InvalidArgument when empty, above kMaxChatChars, or holding
// a control character (C0, DEL, C1) other than line feed and tab. The
// details say which.
Status CheckChatText(std::string_view text);

class Room {
 public:
  explicit Room(RoomRules rules) : rules_(std::move(rules)) {}

  // When the lobby opens (nullopt: open already).
  std::optional<int64_t> lobby_opens_at() const;
  // "waiting" (before the lobby opens), "open" or "ended".
  std::string StateAt(int64_t now) const;

  // `p` joins with stream `stream`: Gone once ended, Conflict before the lobby
  // opens (the details name the time; not once candidate and interviewer
  // met, so a reschedule during the interview locks nobody out) or when
  // max_participants are present, Gone for a removed guest. A participant
  // already present is rejoining (a reload, or the same link in a second
  // window): its old stream gets `replaced` {} and is closed, without a
  // `left`; the others get `joined` again. The joiner gets `welcome`, with
  // its visit: how many times it joined this room, this join included.
  Status Join(const Participant& p, StreamId stream, int64_t now, Effects* fx);
  // Whether Join would succeed now (the same checks, no change).
  Status CheckJoin(const std::string& id, int64_t now) const;
  // Stream `stream` ended: `reason` "left" (it said so; its stream is closed)
  // or "dropped" (the transport lost it). A replaced or unknown stream is
  // ignored (false).
  bool Leave(StreamId stream, const std::string& reason, int64_t now, Effects* fx);

  // Messages from participant `from`. Conflict when it is not present.
  Status Signal(const std::string& from, const std::string& to, const std::string& data_json,
                Effects* fx);
  // Chat goes to everyone present, the sender included (in one order), and
  // into the history. The caller checked the text (CheckChatText).
  Status Chat(const std::string& from, const std::string& text, const std::string& at_iso,
              Effects* fx);
  Status SetState(const std::string& from, bool audio, bool video, Effects* fx);
  // Interviewer only (Unauthenticated = 403 otherwise): everyone gets `ended`,
  // every stream is closed.
  Status End(const std::string& from, const std::string& at_iso, int64_t now, Effects* fx);
  // Interviewer only; `target` must be a guest (InvalidArgument otherwise) who
  // is present (NotFound otherwise). The guest gets `removed`, its stream is
  // closed, the others see it leave with reason "removed"; it cannot rejoin.
  Status Remove(const std::string& from, const std::string& target, int64_t now, Effects* fx);
  // A deleted guest: as Remove, by nobody; a guest not present is only barred.
  void Expel(const std::string& target, int64_t now, Effects* fx);
  // The invitation was revoked or deleted (`reason` "revoked" | "deleted"):
  // everyone present gets `ended` {reason, at}, every stream is closed. The
  // room is not ended in the store's sense (no end is written for it); the
  // registry forgets it.
  void Close(const std::string& reason, const std::string& at_iso, Effects* fx);
  // The invitation's rules as they are now (a reschedule): the lobby, the
  // schedule and the limits are taken from `rules`; what the room remembers
  // (the start, who was present) stays; visits take the greater count.
  void Refresh(const RoomRules& rules);
  // A room rebuilt after a restart: nobody is present, empty since `since`,
  // so the grace ends it unless someone comes back.
  void EmptySince(int64_t since) { empty_since_ = since; }
  // The empty-room grace: ends the room when it has been empty for
  // empty_grace_s after candidate and interviewer met. True when it ended.
  bool Tick(int64_t now, Effects* fx);

  bool ended() const { return ended_at_.has_value(); }
  std::optional<int64_t> started_at() const { return rules_.started_at; }
  std::optional<int64_t> ended_at() const { return ended_at_; }
  const std::set<std::string>& ever_present() const { return rules_.ever_present; }
  // The names of everyone who was present, by id (for recording titles).
  const std::map<std::string, Participant>& known() const { return known_; }
  bool empty() const { return present_.empty(); }
  size_t size() const { return present_.size(); }
  // The participant id on `stream`, or "" when none.
  std::string Who(StreamId stream) const;
  // The stream of participant `id`, or nullopt when it is not present.
  std::optional<StreamId> StreamOf(const std::string& id) const;
  const RoomRules& rules() const { return rules_; }

 private:
  struct Present {
    Participant p;
    StreamId stream = 0;
  };
  std::string WelcomeJson(const Participant& self, int64_t visit) const;
  void Broadcast(const std::string& frame, const std::string& except, Effects* fx) const;
  const Present* ByStream(StreamId stream) const;
  const Present* ById(const std::string& id) const;
  void Detach(const std::string& id, const std::string& reason, int64_t now, Effects* fx);

  RoomRules rules_;
  std::map<std::string, Present> present_;    // by participant id
  std::map<std::string, Participant> known_;  // everyone who was present
  std::set<std::string> barred_;              // removed or deleted guests
  std::deque<std::string> chat_;              // the last chat events' JSON
  size_t chat_bytes_ = 0;                     // their sizes' sum
  std::optional<int64_t> empty_since_;
  std::optional<int64_t> ended_at_;
};

// Participant JSON {id, role, name, audio, video}.
std::string ParticipantJson(const Participant& p);

}  // namespace cammio::live
