#include "live/room.h"

#include "cammio/document.h"
#include "util/time.h"

namespace cammio::live {
namespace {

std::string Quoted(const std::string& s) { return RenderJson(Value::String(s)); }

Value ParticipantValue(const Participant& p) {
  Value o = Value::Object();
  o.Set("id", Value::String(p.id));
  o.Set("role", Value::String(p.role));
  o.Set("name", Value::String(p.name));
  o.Set("audio", Value::Bool(p.audio));
  o.Set("video", Value::Bool(p.video));
  return o;
}

std::string LeftFrame(const std::string& id, const std::string& reason) {
  return EventFrame("left", "{\"id\":" + Quoted(id) + ",\"reason\":" + Quoted(reason) + "}");
}

}  // namespace

std::string EventFrame(const std::string& type, const std::string& json) {
  return "event: " + type + "\ndata: " + json + "\n\n";
}

std::string ParticipantJson(const Participant& p) { return RenderJson(ParticipantValue(p)); }

Status CheckChatText(std::string_view text) {
  if (text.size() > kMaxChatBytes) {
    return Status::PayloadTooLarge("a chat line is at most 8 KiB of UTF-8 (" +
                                   std::to_string(text.size()) + " bytes)");
  }
  size_t chars = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    chars += (c & 0xC0) != 0x80;
    const bool c0 = (c < 0x20 && c != '\n' && c != '\t') || c == 0x7F;
    const bool c1 = c == 0xC2 && i + 1 < text.size() &&
                    static_cast<unsigned char>(text[i + 1]) >= 0x80 &&
                    static_cast<unsigned char>(text[i + 1]) <= 0x9F;
    if (c0 || c1) {
      return Status::InvalidArgument(
          "text must not hold control characters (only line feeds and tabs); character " +
          std::to_string(chars) + " is one");
    }
  }
  if (chars == 0 || chars > kMaxChatChars) {
    return Status::InvalidArgument("text must have 1 to 2000 characters");
  }
  return Status::OK();
}

std::optional<int64_t> Room::lobby_opens_at() const {
  if (!rules_.scheduled_at) return std::nullopt;
  return *rules_.scheduled_at - rules_.lobby_seconds;
}

std::string Room::StateAt(int64_t now) const {
  if (ended()) return "ended";
  auto opens = lobby_opens_at();
  if (opens && now < *opens && !rules_.started_at) return "waiting";
  return "open";
}

Status Room::CheckJoin(const std::string& id, int64_t now) const {
  if (ended()) return Status::Gone("this interview has ended");
  if (barred_.count(id) != 0) {
    return Status::Gone("this guest was removed from the interview");
  }
  auto opens = lobby_opens_at();
  if (opens && now < *opens && !rules_.started_at) {
    return Status::Conflict("the room opens at " + FormatUtc(*opens));
  }
  if (present_.count(id) == 0 && present_.size() >= rules_.max_participants) {
    return Status::Conflict("room full: " + std::to_string(rules_.max_participants) +
                            " participants are in the room");
  }
  return Status::OK();
}

Status Room::Join(const Participant& joiner, StreamId stream, int64_t now, Effects* fx) {
  Status s = CheckJoin(joiner.id, now);
  if (!s.ok()) return s;
  Participant p = joiner;
  auto it = present_.find(p.id);
  if (it != present_.end()) {
    // A rejoin (reload, another window): the old stream is told `replaced`
    // (so its page does not reconnect) and goes without a `left`; the state
    // stays.
    p.audio = it->second.p.audio;
    p.video = it->second.p.video;
    fx->frames.emplace_back(it->second.stream, EventFrame("replaced", "{}"));
    fx->closes.push_back(it->second.stream);
    present_.erase(it);
  }
  present_[p.id] = Present{p, stream};
  known_[p.id] = p;
  empty_since_.reset();
  if (rules_.ever_present.insert(p.id).second) fx->first_presence = p.id;
  const int64_t visit = ++rules_.visits[p.id];
  fx->joined = p.id;
  if (!rules_.started_at && present_.count("candidate") != 0 &&
      present_.count("interviewer") != 0) {
    rules_.started_at = now;
    fx->started = true;
  }
  fx->frames.emplace_back(stream, EventFrame("welcome", WelcomeJson(p, visit)));
  Broadcast(EventFrame("joined", "{\"participant\":" + ParticipantJson(p) + "}"), p.id, fx);
  return Status::OK();
}

std::string Room::WelcomeJson(const Participant& self, int64_t visit) const {
  std::string out = "{\"self\":" + ParticipantJson(self) + ",\"visit\":" + std::to_string(visit) +
                    ",\"participants\":[";
  bool first = true;
  for (const auto& [id, present] : present_) {
    if (id == self.id) continue;
    if (!first) out += ",";
    first = false;
    out += ParticipantJson(present.p);
  }
  out += "],\"chat\":[";
  first = true;
  for (const std::string& c : chat_) {
    if (!first) out += ",";
    first = false;
    out += c;
  }
  return out + "]}";
}

void Room::Broadcast(const std::string& frame, const std::string& except, Effects* fx) const {
  for (const auto& [id, present] : present_) {
    if (id != except) fx->frames.emplace_back(present.stream, frame);
  }
}

const Room::Present* Room::ByStream(StreamId stream) const {
  for (const auto& [id, present] : present_) {
    if (present.stream == stream) return &present;
  }
  return nullptr;
}

const Room::Present* Room::ById(const std::string& id) const {
  auto it = present_.find(id);
  return it == present_.end() ? nullptr : &it->second;
}

std::optional<StreamId> Room::StreamOf(const std::string& id) const {
  const Present* p = ById(id);
  if (p == nullptr) return std::nullopt;
  return p->stream;
}

std::string Room::Who(StreamId stream) const {
  const Present* p = ByStream(stream);
  return p == nullptr ? std::string() : p->p.id;
}

void Room::Detach(const std::string& id, const std::string& reason, int64_t now, Effects* fx) {
  // `id` may be the key of the entry erased here (Leave passes it): copy it
  // before the erase frees it.
  const std::string gone = id;
  present_.erase(gone);
  Broadcast(LeftFrame(gone, reason), gone, fx);
  if (present_.empty()) empty_since_ = now;
}

bool Room::Leave(StreamId stream, const std::string& reason, int64_t now, Effects* fx) {
  const Present* p = ByStream(stream);
  if (p == nullptr) return false;
  if (reason == "left") fx->closes.push_back(stream);
  Detach(p->p.id, reason, now, fx);
  return true;
}

namespace {
Status NotInRoom() { return Status::Conflict("this participant has no open stream in the room"); }
}  // namespace

Status Room::Signal(const std::string& from, const std::string& to, const std::string& data_json,
                    Effects* fx) {
  const Present* sender = ById(from);
  if (sender == nullptr) return NotInRoom();
  auto target = present_.find(to);
  if (target == present_.end()) return Status::NotFound("no participant " + to + " in the room");
  fx->frames.emplace_back(
      target->second.stream,
      EventFrame("signal", "{\"from\":" + Quoted(sender->p.id) + ",\"data\":" + data_json + "}"));
  return Status::OK();
}

Status Room::Chat(const std::string& from, const std::string& text, const std::string& at_iso,
                  Effects* fx) {
  const Present* sender = ById(from);
  if (sender == nullptr) return NotInRoom();
  Value o = Value::Object();
  o.Set("from", Value::String(sender->p.id));
  o.Set("name", Value::String(sender->p.name));
  o.Set("text", Value::String(text));
  o.Set("at", Value::String(at_iso));
  std::string json = RenderJson(o);
  Broadcast(EventFrame("chat", json), "", fx);
  chat_bytes_ += json.size();
  chat_.push_back(std::move(json));
  while (!chat_.empty() && (chat_.size() > kChatKept || chat_bytes_ > kWelcomeChatBytes)) {
    chat_bytes_ -= chat_.front().size();
    chat_.pop_front();
  }
  return Status::OK();
}

Status Room::SetState(const std::string& from, bool audio, bool video, Effects* fx) {
  const Present* sender = ById(from);
  if (sender == nullptr) return NotInRoom();
  Present& p = present_[sender->p.id];
  p.p.audio = audio;
  p.p.video = video;
  Broadcast(
      EventFrame("state", "{\"id\":" + Quoted(p.p.id) + ",\"audio\":" + (audio ? "true" : "false") +
                              ",\"video\":" + (video ? "true" : "false") + "}"),
      p.p.id, fx);
  return Status::OK();
}

Status Room::End(const std::string& from, const std::string& at_iso, int64_t now, Effects* fx) {
  const Present* sender = ById(from);
  if (sender == nullptr) return NotInRoom();
  if (sender->p.role != "interviewer") {
    return Status::Unauthenticated("only the interviewer can end the interview");
  }
  Broadcast(
      EventFrame("ended", "{\"by\":" + Quoted(sender->p.id) + ",\"at\":" + Quoted(at_iso) + "}"),
      "", fx);
  for (const auto& [id, present] : present_) fx->closes.push_back(present.stream);
  present_.clear();
  ended_at_ = now;
  fx->ended = true;
  return Status::OK();
}

Status Room::Remove(const std::string& from, const std::string& target, int64_t now, Effects* fx) {
  const Present* sender = ById(from);
  if (sender == nullptr) return NotInRoom();
  if (sender->p.role != "interviewer") {
    return Status::Unauthenticated("only the interviewer can remove a participant");
  }
  if (target.rfind("guest-", 0) != 0) {
    return Status::InvalidArgument("only a guest can be removed");
  }
  if (present_.count(target) == 0) {
    return Status::NotFound("no participant " + target + " in the room");
  }
  Expel(target, now, fx);
  return Status::OK();
}

void Room::Expel(const std::string& target, int64_t now, Effects* fx) {
  barred_.insert(target);
  auto it = present_.find(target);
  if (it == present_.end()) return;
  fx->frames.emplace_back(it->second.stream, EventFrame("removed", "{}"));
  fx->closes.push_back(it->second.stream);
  Detach(target, "removed", now, fx);
}

void Room::Close(const std::string& reason, const std::string& at_iso, Effects* fx) {
  Broadcast(
      EventFrame("ended", "{\"reason\":" + Quoted(reason) + ",\"at\":" + Quoted(at_iso) + "}"), "",
      fx);
  for (const auto& [id, present] : present_) fx->closes.push_back(present.stream);
  present_.clear();
}

void Room::Refresh(const RoomRules& rules) {
  rules_.scheduled_at = rules.scheduled_at;
  rules_.lobby_seconds = rules.lobby_seconds;
  rules_.empty_grace_s = rules.empty_grace_s;
  rules_.max_participants = rules.max_participants;
  for (const auto& [id, n] : rules.visits) {
    int64_t& mine = rules_.visits[id];
    if (n > mine) mine = n;
  }
}

bool Room::Tick(int64_t now, Effects* fx) {
  if (ended() || !rules_.started_at || !present_.empty() || !empty_since_) return false;
  if (now - *empty_since_ < rules_.empty_grace_s) return false;
  ended_at_ = *empty_since_;
  fx->ended = true;
  return true;
}

}  // namespace cammio::live
