// live::Registry: the rooms of the live interviews in this process, keyed by
// invitation id, and the fan-out of their frames to the participants'
// streams through live::Outbox (api/live.cc adapts the transport's event
// streams to it; tests use a fake). Presence lives only here; what must
// survive a restart is handed back in a Change for the caller to persist
// (store/live_sessions.h). A room that ended stays here, ended, until the
// caller reports its end saved (EndSaved); an end that failed to save is
// handed out again by Tick, so an end is never lost to a failed write.
//
// Thread-safety: every method may be called from any thread. One mutex
// guards the rooms; frames are queued (Outbox::Send) under it so every
// participant sees a room's events in one order, and streams are closed
// (Outbox::Close) after it is released, so an Outbox whose Close reports the
// stream's end back (StreamClosed) on the calling thread cannot deadlock.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "cammio/status.h"
#include "live/room.h"

namespace cammio::live {

// Where frames go: one server-sent event stream per participant.
// Implementations must not block and must not call back into the Registry
// from Send.
class Outbox {
 public:
  virtual ~Outbox() = default;
  // Queues `frame` for stream `id`; false when the stream is gone.
  virtual bool Send(StreamId id, std::string frame) = 0;
  // Flushes what is queued for `id`, then closes it.
  virtual void Close(StreamId id) = 0;
};

// What a call changed that outlives the process (the caller persists it).
struct Change {
  int64_t invitation_id = 0;
  bool started = false;                       // candidate and interviewer met for the first time
  std::optional<std::string> first_presence;  // a participant present for the first time
  bool ended = false;
  std::optional<int64_t> started_at, ended_at;
  // Everyone who was present (by id, with the name they had) on `ended`;
  // the participant who joined on a join.
  std::map<std::string, Participant> present;
  // How many times each participant joined (RoomRules::visits): everyone's
  // on `ended`, the joiner's on a join.
  std::map<std::string, int64_t> visits;
  bool any() const { return started || first_presence || ended || !visits.empty(); }
};

class Registry {
 public:
  explicit Registry(Outbox& outbox) : outbox_(outbox) {}
  Registry(const Registry&) = delete;
  Registry& operator=(const Registry&) = delete;

  // Participant `p` joins the room of rules.invitation_id (made from `rules`
  // when it is not in memory; a room in memory takes the schedule and limits
  // of `rules`, so a reschedule applies at the next join). Gone for a room
  // closed by Close. When Room::Join's checks pass, `open_stream`
  // is called (under the lock) to answer the request as a stream and give
  // its id (0: no stream could be opened -> Unavailable, nothing changed);
  // the welcome and joined frames follow. The room's refusals otherwise
  // (nothing changed, open_stream not called).
  Result<Change> Join(const RoomRules& rules, const Participant& p, int64_t now,
                      const std::function<StreamId()>& open_stream);
  // After a restart: the room of rules.invitation_id (started, not ended)
  // is rebuilt empty since `now`, so the empty-room grace ends it when
  // nobody comes back. A room already in memory is left as it is.
  void Restore(const RoomRules& rules, int64_t now);
  // Whether `id` could join now (GET B/live uses it for "state").
  std::string StateOf(const RoomRules& rules, int64_t now) const;
  // The transport lost stream `id` (or closed it): a `left` "dropped" unless
  // the stream was replaced, left or closed by the room already.
  Change StreamClosed(StreamId id, int64_t now);

  // The messages of participant `from` in room `invitation_id`: Conflict when
  // it has no open stream there; the rest as live::Room.
  Result<Change> Leave(int64_t invitation_id, const std::string& from, int64_t now);
  Status Signal(int64_t invitation_id, const std::string& from, const std::string& to,
                const std::string& data_json);
  Status Chat(int64_t invitation_id, const std::string& from, const std::string& text,
              const std::string& at_iso);
  Status SetState(int64_t invitation_id, const std::string& from, bool audio, bool video);
  Result<Change> End(int64_t invitation_id, const std::string& from, const std::string& at_iso,
                     int64_t now);
  Result<Change> Remove(int64_t invitation_id, const std::string& from, const std::string& target,
                        int64_t now);
  // A deleted guest: dropped from its room (told `removed`), barred from it.
  void Expel(int64_t invitation_id, const std::string& target, int64_t now);
  // The invitation was revoked or deleted (`reason` "revoked" | "deleted"),
  // and that write committed: everyone present gets `ended` {reason, at},
  // their streams close and the room is forgotten, with nothing to persist
  // (no Change; an end not yet saved is dropped too). Joins are refused
  // (Gone) from then on in this process, also when no room was in memory, so
  // a join that read the invitation before the revoke cannot reopen it.
  void Close(int64_t invitation_id, const std::string& reason, const std::string& at_iso);
  // The invitations of the rooms in memory (for checking them against the
  // store: LiveRooms::Tick closes those revoked or deleted meanwhile).
  std::vector<int64_t> RoomIds() const;
  // Ends the rooms whose empty-room grace ran out (their Changes), hands out
  // again the ends that failed to save (EndSaved false), and forgets empty
  // rooms where candidate and interviewer never met.
  std::vector<Change> Tick(int64_t now);
  // The caller's write of room `invitation_id`'s end (a Change with `ended`)
  // committed (`saved`): the room is forgotten and refuses joins as ended
  // from then on. Not saved: the room stays ended in memory and the next
  // Tick returns its end again.
  void EndSaved(int64_t invitation_id, bool saved);

  size_t rooms() const;
  size_t present() const;  // participants present in all rooms

 private:
  using Lock = std::unique_lock<std::mutex>;
  Room* Find(int64_t invitation_id);
  // Queues fx's frames (under the lock) and returns the streams to close.
  std::vector<StreamId> Apply(const Effects& fx);
  void Closed(const std::vector<StreamId>& streams);
  Change ChangeOf(const Room& room, const Effects& fx);
  void Forget(int64_t invitation_id);

  Outbox& outbox_;
  mutable std::mutex mu_;
  std::map<int64_t, std::unique_ptr<Room>> rooms_;
  std::map<StreamId, int64_t> streams_;    // open stream -> its room
  std::set<int64_t> ended_;                // rooms whose end was saved in this process
  std::set<int64_t> unsaved_;              // ended rooms whose end's write failed
  std::map<int64_t, std::string> closed_;  // closed rooms (Close) and the reason
};

}  // namespace cammio::live
