#include "live/registry.h"

#include <utility>

namespace cammio::live {
namespace {

Status NotInRoom() { return Status::Conflict("this participant has no open stream in the room"); }

Status ClosedAs(const std::string& reason) {
  return Status::Gone(reason == "revoked" ? "this invitation was revoked"
                                          : "this interview was deleted");
}

}  // namespace

Room* Registry::Find(int64_t invitation_id) {
  auto it = rooms_.find(invitation_id);
  return it == rooms_.end() ? nullptr : it->second.get();
}

std::vector<StreamId> Registry::Apply(const Effects& fx) {
  for (const auto& [stream, frame] : fx.frames) outbox_.Send(stream, frame);
  for (StreamId s : fx.closes) streams_.erase(s);
  return fx.closes;
}

void Registry::Closed(const std::vector<StreamId>& streams) {
  for (StreamId s : streams) outbox_.Close(s);
}

Change Registry::ChangeOf(const Room& room, const Effects& fx) {
  Change c;
  c.invitation_id = room.rules().invitation_id;
  c.started = fx.started;
  c.first_presence = fx.first_presence;
  c.ended = fx.ended;
  c.started_at = room.started_at();
  c.ended_at = room.ended_at();
  if (fx.ended) {
    c.present = room.known();
    c.visits = room.rules().visits;
  }
  if (fx.joined) {
    c.present[*fx.joined] = room.known().at(*fx.joined);
    c.visits[*fx.joined] = room.rules().visits.at(*fx.joined);
  }
  return c;
}

void Registry::Forget(int64_t invitation_id) { rooms_.erase(invitation_id); }

void Registry::EndSaved(int64_t invitation_id, bool saved) {
  Lock lock(mu_);
  Room* room = Find(invitation_id);
  if (room == nullptr || !room->ended()) return;
  if (!saved) {
    unsaved_.insert(invitation_id);
    return;
  }
  unsaved_.erase(invitation_id);
  ended_.insert(invitation_id);
  Forget(invitation_id);
}

Result<Change> Registry::Join(const RoomRules& rules, const Participant& p, int64_t now,
                              const std::function<StreamId()>& open_stream) {
  std::vector<StreamId> closes;
  Change change;
  {
    Lock lock(mu_);
    if (ended_.count(rules.invitation_id) != 0) return Status::Gone("this interview has ended");
    auto closed = closed_.find(rules.invitation_id);
    if (closed != closed_.end()) return ClosedAs(closed->second);
    Room* room = Find(rules.invitation_id);
    std::unique_ptr<Room> made;
    if (room == nullptr) {
      made = std::make_unique<Room>(rules);
      room = made.get();
    } else {
      room->Refresh(rules);
    }
    Status s = room->CheckJoin(p.id, now);
    if (!s.ok()) return s;
    const StreamId stream = open_stream();
    if (stream == 0) return Status::Unavailable("too many open event streams; try again");
    Effects fx;
    s = room->Join(p, stream, now, &fx);
    if (!s.ok()) return s;  // not reached: CheckJoin said yes under the same lock
    if (made) rooms_[rules.invitation_id] = std::move(made);
    streams_[stream] = rules.invitation_id;
    closes = Apply(fx);
    change = ChangeOf(*room, fx);
  }
  Closed(closes);
  return change;
}

void Registry::Restore(const RoomRules& rules, int64_t now) {
  Lock lock(mu_);
  if (ended_.count(rules.invitation_id) != 0 || closed_.count(rules.invitation_id) != 0 ||
      Find(rules.invitation_id) != nullptr) {
    return;
  }
  auto room = std::make_unique<Room>(rules);
  room->EmptySince(now);
  rooms_[rules.invitation_id] = std::move(room);
}

std::string Registry::StateOf(const RoomRules& rules, int64_t now) const {
  Lock lock(mu_);
  if (ended_.count(rules.invitation_id) != 0 || closed_.count(rules.invitation_id) != 0) {
    return "ended";
  }
  auto it = rooms_.find(rules.invitation_id);
  if (it == rooms_.end()) return Room(rules).StateAt(now);
  if (it->second->ended()) return "ended";
  RoomRules now_ruled = rules;  // the room as the next join would see it
  now_ruled.started_at = it->second->started_at();
  return Room(now_ruled).StateAt(now);
}

Change Registry::StreamClosed(StreamId id, int64_t now) {
  std::vector<StreamId> closes;
  Change change;
  {
    Lock lock(mu_);
    auto it = streams_.find(id);
    if (it == streams_.end()) return change;
    const int64_t invitation_id = it->second;
    streams_.erase(it);
    Room* room = Find(invitation_id);
    if (room == nullptr) return change;
    Effects fx;
    room->Leave(id, "dropped", now, &fx);
    closes = Apply(fx);
    change = ChangeOf(*room, fx);
  }
  Closed(closes);
  return change;
}

Result<Change> Registry::Leave(int64_t invitation_id, const std::string& from, int64_t now) {
  std::vector<StreamId> closes;
  Change change;
  {
    Lock lock(mu_);
    Room* room = Find(invitation_id);
    if (room == nullptr) return NotInRoom();
    auto stream = room->StreamOf(from);
    if (!stream) return NotInRoom();
    Effects fx;
    room->Leave(*stream, "left", now, &fx);
    closes = Apply(fx);
    change = ChangeOf(*room, fx);
  }
  Closed(closes);
  return change;
}

Status Registry::Signal(int64_t invitation_id, const std::string& from, const std::string& to,
                        const std::string& data_json) {
  Lock lock(mu_);
  Room* room = Find(invitation_id);
  if (room == nullptr) return NotInRoom();
  Effects fx;
  Status s = room->Signal(from, to, data_json, &fx);
  if (s.ok()) Apply(fx);
  return s;
}

Status Registry::Chat(int64_t invitation_id, const std::string& from, const std::string& text,
                      const std::string& at_iso) {
  Lock lock(mu_);
  Room* room = Find(invitation_id);
  if (room == nullptr) return NotInRoom();
  Effects fx;
  Status s = room->Chat(from, text, at_iso, &fx);
  if (s.ok()) Apply(fx);
  return s;
}

Status Registry::SetState(int64_t invitation_id, const std::string& from, bool audio, bool video) {
  Lock lock(mu_);
  Room* room = Find(invitation_id);
  if (room == nullptr) return NotInRoom();
  Effects fx;
  Status s = room->SetState(from, audio, video, &fx);
  if (s.ok()) Apply(fx);
  return s;
}

Result<Change> Registry::End(int64_t invitation_id, const std::string& from,
                             const std::string& at_iso, int64_t now) {
  std::vector<StreamId> closes;
  Change change;
  {
    Lock lock(mu_);
    Room* room = Find(invitation_id);
    if (room == nullptr) return NotInRoom();
    Effects fx;
    Status s = room->End(from, at_iso, now, &fx);
    if (!s.ok()) return s;
    closes = Apply(fx);
    change = ChangeOf(*room, fx);  // the room stays, ended, until EndSaved
  }
  Closed(closes);
  return change;
}

Result<Change> Registry::Remove(int64_t invitation_id, const std::string& from,
                                const std::string& target, int64_t now) {
  std::vector<StreamId> closes;
  Change change;
  {
    Lock lock(mu_);
    Room* room = Find(invitation_id);
    if (room == nullptr) return NotInRoom();
    Effects fx;
    Status s = room->Remove(from, target, now, &fx);
    if (!s.ok()) return s;
    closes = Apply(fx);
    change = ChangeOf(*room, fx);
  }
  Closed(closes);
  return change;
}

void Registry::Expel(int64_t invitation_id, const std::string& target, int64_t now) {
  std::vector<StreamId> closes;
  {
    Lock lock(mu_);
    Room* room = Find(invitation_id);
    if (room == nullptr) return;
    Effects fx;
    room->Expel(target, now, &fx);
    closes = Apply(fx);
  }
  Closed(closes);
}

void Registry::Close(int64_t invitation_id, const std::string& reason, const std::string& at_iso) {
  std::vector<StreamId> closes;
  {
    Lock lock(mu_);
    closed_[invitation_id] = reason;
    unsaved_.erase(invitation_id);
    Room* room = Find(invitation_id);
    if (room == nullptr) return;
    Effects fx;
    room->Close(reason, at_iso, &fx);
    closes = Apply(fx);
    Forget(invitation_id);
  }
  Closed(closes);
}

std::vector<int64_t> Registry::RoomIds() const {
  Lock lock(mu_);
  std::vector<int64_t> ids;
  for (const auto& [id, room] : rooms_) ids.push_back(id);
  return ids;
}

std::vector<Change> Registry::Tick(int64_t now) {
  std::vector<Change> ended;
  Lock lock(mu_);
  std::vector<int64_t> forget;
  for (auto& [id, room] : rooms_) {
    Effects fx;
    if (unsaved_.erase(id) != 0) {  // retry the end's write
      fx.ended = true;
      ended.push_back(ChangeOf(*room, fx));
    } else if (room->Tick(now, &fx)) {
      ended.push_back(ChangeOf(*room, fx));
    } else if (room->empty() && !room->started_at() && !room->ended()) {
      forget.push_back(id);
    }
  }
  for (int64_t id : forget) Forget(id);
  return ended;
}

size_t Registry::rooms() const {
  Lock lock(mu_);
  return rooms_.size();
}

size_t Registry::present() const {
  Lock lock(mu_);
  size_t n = 0;
  for (const auto& [id, room] : rooms_) n += room->size();
  return n;
}

}  // namespace cammio::live
