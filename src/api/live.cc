// The room's routes (api/live.h): GET B/live, GET B/live/events and
// POST B/live/messages under the three link bases.
#include "api/live.h"

#include <string_view>
#include <utility>

#include "api/call.h"
#include "api/live_link.h"
#include "api/router.h"
#include "store/live_sessions.h"
#include "util/crypto.h"
#include "util/log.h"
#include "util/time.h"

namespace cammio {
namespace {

constexpr size_t kMaxMessageBytes = 64 * 1024;
constexpr size_t kMaxSignalBytes = 16 * 1024;  // a signal's data, as JSON
constexpr size_t kMaxParticipants = 6;

LiveRooms* Rooms(Call& call) { return call.ctx().live; }

Status NoRooms() { return Status::Unavailable("live interviews are not served here"); }

live::RoomRules RulesOf(const LiveLink& link, const LiveSettings& settings) {
  live::RoomRules r;
  r.invitation_id = link.invitation.id;
  r.scheduled_at = link.invitation.datetime_scheduled_ts;
  r.lobby_seconds = settings.lobby_minutes * 60;
  r.empty_grace_s = settings.empty_grace_s;
  r.max_participants = kMaxParticipants;
  if (link.session) {
    r.started_at = link.session->started_at;
    for (const LivePresence& p : link.session->present) {
      r.ever_present.insert(p.participant);
      r.visits[p.participant] = p.visits;
    }
  }
  return r;
}

Status Load(Call& call, LiveBase base, LiveLink* link) {
  return call.store().Read(
      [&](Db& db) { return LoadLiveLink(db, base, call.Token("token"), link); });
}

Value ParticipantValue(const live::Participant& p) {
  Value o = Value::Object();
  o.Set("id", Value::String(p.id));
  o.Set("role", Value::String(p.role));
  o.Set("name", Value::String(p.name));
  return o;
}

Value IceServers(const LiveSettings& s, const std::string& participant, int64_t now) {
  Value list = Value::Array();
  for (const std::string& url : s.ice_servers) {
    Value o = Value::Object();
    o.Set("urls", Value::String(url));
    const bool turn = url.rfind("turn:", 0) == 0 || url.rfind("turns:", 0) == 0;
    if (turn && !s.turn_secret.empty()) {
      auto [user, credential] =
          TurnCredentials(s.turn_secret, now + s.turn_credential_ttl_s, participant);
      o.Set("username", Value::String(user));
      o.Set("credential", Value::String(credential));
    }
    list.Push(std::move(o));
  }
  return list;
}

Status RoomHandler(Call& call, LiveBase base) {
  LiveRooms* rooms = Rooms(call);
  if (rooms == nullptr) return NoRooms();
  LiveLink link;
  Status s = Load(call, base, &link);
  if (!s.ok()) return s;
  const LiveSettings& settings = rooms->settings();
  const live::RoomRules rules = RulesOf(link, settings);
  const int64_t now = call.now();
  Value o = Value::Object();
  o.Set("participant", ParticipantValue(link.participant));
  o.Set("invitation_id", Value::Int(link.invitation.id));
  o.Set("vacancy_title", Value::String(link.vacancy.title));
  o.Set("language", Value::StringOrNull(link.vacancy.language));
  o.Set("interviewer_name", Value::String(link.interviewer_name));
  o.Set("datetime_scheduled", link.invitation.datetime_scheduled
                                  ? Value::Datetime(*link.invitation.datetime_scheduled)
                                  : Value::Null());
  o.Set("lobby_opens_at",
        rules.scheduled_at ? Value::Datetime(FormatUtc(*rules.scheduled_at - rules.lobby_seconds))
                           : Value::Null());
  o.Set("state", Value::String(rooms->registry().StateOf(rules, now)));
  o.Set("recording", Value::Bool(link.vacancy.live_recording));
  o.Set("max_participants", Value::Int(static_cast<int64_t>(kMaxParticipants)));
  o.Set("ice_servers", IceServers(settings, link.participant.id, now));
  o.Set("ice_transport_policy", Value::String(settings.ice_transport_policy));
  call.Reply(200, o);
  return Status::OK();
}

Status EventsHandler(Call& call, LiveBase base) {
  LiveRooms* rooms = Rooms(call);
  if (rooms == nullptr) return NoRooms();
  LiveLink link;
  Status s = Load(call, base, &link);
  if (!s.ok()) return s;
  const int64_t now = call.now();
  auto change = rooms->registry().Join(
      RulesOf(link, rooms->settings()), link.participant, now, [&]() -> live::StreamId {
        return rooms->transport().Open(call.res(), ": joined\n\n", [rooms](uint64_t id) {
          rooms->registry().StreamClosed(id, rooms->clock().Now());
        });
      });
  if (!change.ok()) return change.status();
  (void)rooms->Persist(*change, now);  // logged; the join stands
  return Status::OK();
}

// The message's string member `name`, or InvalidArgument.
Result<std::string> StringMember(const Value& body, const char* name) {
  const Value* v = body.Find(name);
  if (v == nullptr || !v->is_string()) {
    return Status::InvalidArgument(std::string(name) + " must be a string");
  }
  return v->as_string();
}

Result<bool> BoolMember(const Value& body, const char* name) {
  const Value* v = body.Find(name);
  if (v == nullptr || v->type() != Value::Type::kBool) {
    return Status::InvalidArgument(std::string(name) + " must be true or false");
  }
  return v->as_bool();
}

// A guest removed from room `invitation_id` (`target` "guest-<id>", present
// there, so the invitation's) is barred in the store too: its link answers
// 410 also once the room is forgotten or after a restart.
Status KeepRemoved(Call& call, int64_t invitation_id, const std::string& target) {
  int64_t guest_id = 0;
  if (!ParseId(std::string_view(target).substr(6), &guest_id)) {
    return Status::InvalidArgument("only a guest can be removed");
  }
  Status s =
      call.store().Write([&](Db& db) { return RememberRemovedGuest(db, guest_id, invitation_id); });
  if (!s.ok()) LogWarn("live: the removal of " + target + " not saved: " + s.details());
  return s;
}

Status Dispatch(Call& call, LiveRooms& rooms, const LiveLink& link, const Value& body) {
  auto type = StringMember(body, "type");
  if (!type.ok()) return type.status();
  live::Registry& reg = rooms.registry();
  const int64_t inv = link.invitation.id;
  const std::string& me = link.participant.id;
  const int64_t now = call.now();
  if (*type == "signal") {
    auto to = StringMember(body, "to");
    if (!to.ok()) return to.status();
    const Value* data = body.Find("data");
    if (data == nullptr) return Status::InvalidArgument("data is missing");
    std::string json = RenderJson(*data);
    if (json.size() > kMaxSignalBytes) {
      return Status::PayloadTooLarge("a signal's data is at most 16 KiB of JSON (" +
                                     std::to_string(json.size()) + " bytes)");
    }
    return reg.Signal(inv, me, *to, json);
  }
  if (*type == "chat") {
    auto text = StringMember(body, "text");
    if (!text.ok()) return text.status();
    Status ok = live::CheckChatText(*text);
    if (!ok.ok()) return ok;
    return reg.Chat(inv, me, *text, FormatUtc(now));
  }
  if (*type == "state") {
    auto audio = BoolMember(body, "audio");
    if (!audio.ok()) return audio.status();
    auto video = BoolMember(body, "video");
    if (!video.ok()) return video.status();
    return reg.SetState(inv, me, *audio, *video);
  }
  Result<live::Change> change = Status::OK();
  if (*type == "leave") {
    change = reg.Leave(inv, me, now);
  } else if (*type == "end") {
    change = reg.End(inv, me, FormatUtc(now), now);
  } else if (*type == "remove") {
    auto id = StringMember(body, "id");
    if (!id.ok()) return id.status();
    change = reg.Remove(inv, me, *id, now);
    if (change.ok()) {
      Status kept = KeepRemoved(call, inv, *id);
      if (!kept.ok()) return kept;
    }
  } else {
    return Status::InvalidArgument("unknown message type");
  }
  if (!change.ok()) return change.status();
  (void)rooms.Persist(*change, now);  // logged; a failed end is retried by the ticker
  return Status::OK();
}

Status MessagesHandler(Call& call, LiveBase base) {
  LiveRooms* rooms = Rooms(call);
  if (rooms == nullptr) return NoRooms();
  LiveLink link;
  Status s = Load(call, base, &link);
  if (!s.ok()) return s;
  if (call.body().size() > kMaxMessageBytes) {
    return Status::PayloadTooLarge("a message is at most 64 KiB");
  }
  // The sender's budget, before anything is relayed (429 changes nothing).
  int64_t retry_after_s = 0;
  s = rooms->budgets().Take(std::to_string(link.invitation.id) + "/" + link.participant.id,
                            call.body().size(), rooms->clock().NowMillis(), &retry_after_s);
  if (!s.ok()) {
    call.res().set_header("Retry-After", std::to_string(retry_after_s));
    return s;
  }
  auto body = ParseJson(call.body());
  if (!body.ok()) return body.status();
  if (!body->is_object()) return Status::InvalidArgument("expected a JSON object");
  s = Dispatch(call, *rooms, link, *body);
  if (!s.ok()) return s;
  call.res().status = 204;
  return Status::OK();
}

}  // namespace

std::pair<std::string, std::string> TurnCredentials(const std::string& secret, int64_t expires,
                                                    const std::string& participant) {
  std::string user = std::to_string(expires) + ":" + participant;
  return {user, Base64Encode(HmacSha1(secret, user))};
}

Status CandidateLiveHandler(Call& call) { return RoomHandler(call, LiveBase::kCandidate); }
Status CandidateLiveEventsHandler(Call& call) { return EventsHandler(call, LiveBase::kCandidate); }
Status CandidateLiveMessagesHandler(Call& call) {
  return MessagesHandler(call, LiveBase::kCandidate);
}
Status InterviewerLiveHandler(Call& call) { return RoomHandler(call, LiveBase::kInterviewer); }
Status InterviewerLiveEventsHandler(Call& call) {
  return EventsHandler(call, LiveBase::kInterviewer);
}
Status InterviewerLiveMessagesHandler(Call& call) {
  return MessagesHandler(call, LiveBase::kInterviewer);
}
Status GuestLiveHandler(Call& call) { return RoomHandler(call, LiveBase::kGuest); }
Status GuestLiveEventsHandler(Call& call) { return EventsHandler(call, LiveBase::kGuest); }
Status GuestLiveMessagesHandler(Call& call) { return MessagesHandler(call, LiveBase::kGuest); }

}  // namespace cammio
