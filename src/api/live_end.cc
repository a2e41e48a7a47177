// What a live room leaves behind (api/live.h LiveRooms): presence and the
// start as they happen, and at the end, in one write, the interview (start,
// end) with its recording rows (api/live_recordings.h), the invitation
// completed; the completion event when the recordings are in or
// live_upload_wait_s after the end.
#include <algorithm>
#include <chrono>
#include <utility>

#include "api/events.h"
#include "api/live.h"
#include "api/live_link.h"
#include "api/live_recordings.h"
#include "store/interviews.h"
#include "store/live_sessions.h"
#include "store/store.h"
#include "store/uploads.h"
#include "store/vacancies.h"
#include "util/log.h"
#include "util/time.h"

namespace cammio {
namespace {

// Inside the write: what the room remembers of who was present and when
// candidate and interviewer met (the change), in case the writes of the join
// that made them lost the race with the end or failed.
Status WritePresence(Db& db, const Invitation& inv, const live::Change& change, int64_t at,
                     int64_t now) {
  for (const auto& [id, p] : change.present) {
    auto visits = change.visits.find(id);
    const int64_t n = visits == change.visits.end() ? 0 : visits->second;
    Status s = RecordLivePresence(db, inv.account_id, inv.id, LivePresence{id, p.name, at, n}, now);
    if (!s.ok()) return s;
  }
  if (!change.started_at) return Status::OK();
  return RecordLiveStart(db, inv.account_id, inv.id, *change.started_at, now);
}

// Inside the write: the interview of a started session that ended at
// `ended_at` (start, end), the invitation completed, one recording row per
// segment of each participant present (none when the vacancy records
// nothing: api/live_recordings.h); the completion event when no row waits
// for a video.
Status MakeInterview(Db& db, Events& events, const Invitation& invitation,
                     const LiveSession& session, int64_t ended_at, int64_t now, bool* raised) {
  Completion c;
  c.started_at = *session.started_at;
  c.ended_at = std::max(ended_at, c.started_at);
  int64_t interview_id = 0;
  Status s = CompleteInvitation(db, invitation.id, c, &interview_id);
  if (s.ok()) {
    s = RecordLiveEnd(db, invitation.account_id, invitation.id, c.ended_at, interview_id, now);
  }
  if (!s.ok()) return s;
  auto v = GetVacancyRow(db, invitation.account_id, invitation.vacancy_id);
  if (!v.ok()) return v.status();
  if (v->live_recording) return LiveRecordingsChanged(db, events, invitation, now, raised);
  auto done = GetLiveSession(db, invitation.id);
  if (!done.ok()) return done.status();
  *raised = true;
  return RaiseLiveCompletion(db, events, *done, now);
}

// Inside the write: the end of `change`'s room. When candidate and
// interviewer met, the interview (start, end); else only the end (a
// no-show: the invitation stays open, the links answer 410).
Status WriteEnd(Db& db, Events& events, const Invitation& invitation, const live::Change& change,
                int64_t now, bool* raised) {
  const int64_t invitation_id = invitation.id;
  const int64_t ended_at = change.ended_at.value_or(now);
  Status w = WritePresence(db, invitation, change, ended_at, now);
  if (!w.ok()) return w;
  auto session = GetLiveSession(db, invitation_id);
  if (session.status().IsNotFound()) {
    return RecordLiveEnd(db, invitation.account_id, invitation_id, ended_at, 0, now);
  }
  if (!session.ok()) return session.status();
  if (session->ended_at) return Status::OK();  // done already
  if (!session->started_at) {
    return RecordLiveEnd(db, invitation.account_id, invitation_id, ended_at, 0, now);
  }
  if (invitation.status != "open") return Status::OK();
  return MakeInterview(db, events, invitation, *session, ended_at, now, raised);
}

}  // namespace

LiveRooms::LiveRooms(Store& store, const Clock& clock, Events& events, LiveTransport& transport,
                     LiveSettings settings)
    : store_(store),
      clock_(clock),
      events_(events),
      transport_(transport),
      settings_(std::move(settings)),
      registry_(transport) {}

LiveRooms::~LiveRooms() { Stop(); }

void LiveRooms::Recover() {
  std::vector<LiveSession> unended;
  std::vector<Invitation> invitations;
  Status s = store_.Read([&](Db& db) {
    unended.clear();
    invitations.clear();
    Status r = ListLiveSessionsUnended(db, &unended);
    for (size_t i = 0; r.ok() && i < unended.size(); ++i) {
      auto token = GetInvitationTokenOf(db, unended[i].invitation_id);
      if (!token.ok()) return token.status();
      auto inv = GetInvitationByToken(db, *token);
      if (!inv.ok()) return inv.status();
      invitations.push_back(std::move(inv.value()));
    }
    return r;
  });
  if (!s.ok()) {
    LogWarn("live: rooms under way not recovered: " + s.details());
    return;
  }
  const int64_t now = clock_.Now();
  for (size_t i = 0; i < unended.size(); ++i) {
    if (invitations[i].status != "open") continue;
    live::RoomRules r;
    r.invitation_id = unended[i].invitation_id;
    r.scheduled_at = invitations[i].datetime_scheduled_ts;
    r.lobby_seconds = settings_.lobby_minutes * 60;
    r.empty_grace_s = settings_.empty_grace_s;
    r.started_at = unended[i].started_at;
    for (const LivePresence& p : unended[i].present) {
      r.ever_present.insert(p.participant);
      r.visits[p.participant] = p.visits;
    }
    registry_.Restore(r, now);
  }
}

void LiveRooms::Start() {
  Recover();
  std::lock_guard<std::mutex> lock(mu_);
  if (thread_.joinable()) return;
  stop_ = false;
  thread_ = std::thread([this] { Loop(); });
}

void LiveRooms::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void LiveRooms::Loop() {
  std::unique_lock<std::mutex> lock(mu_);
  while (!stop_) {
    wake_.wait_for(lock, std::chrono::seconds(1));
    if (stop_) break;
    lock.unlock();
    Tick();
    lock.lock();
  }
}

void LiveRooms::Tick() {
  const int64_t now = clock_.Now();
  CloseGoneRooms(now);
  for (const live::Change& c : registry_.Tick(now)) Persist(c, now);
  RaiseDueCompletions(now);
}

void LiveRooms::RaiseDueCompletions(int64_t now) {
  std::vector<LiveSession> due;
  Status s = store_.Read([&](Db& db) {
    due.clear();
    return ListLiveCompletionsDue(db, now - settings_.upload_wait_s, &due);
  });
  if (!s.ok() || due.empty()) return;
  s = store_.Write([&](Db& db) {
    for (const LiveSession& session : due) {
      auto fresh = GetLiveSession(db, session.invitation_id);
      if (!fresh.ok()) return fresh.status();
      if (fresh->completed_event_at) continue;
      Status r = RaiseLiveCompletion(db, events_, *fresh, now);
      if (!r.ok()) return r;
    }
    return Status::OK();
  });
  if (!s.ok()) {
    LogWarn("live: completion events not raised: " + s.details());
    return;
  }
  events_.NotificationQueued();
  events_.MailQueued();
}

Status LiveRooms::Persist(const live::Change& change, int64_t now) {
  if (!change.any()) return Status::OK();
  bool raised = false;
  Status s = store_.Write([&](Db& db) {
    raised = false;
    auto token = GetInvitationTokenOf(db, change.invitation_id);
    if (token.status().IsNotFound()) return Status::OK();  // deleted: its room is closed
    if (!token.ok()) return token.status();
    auto inv = GetInvitationByToken(db, *token);
    if (!inv.ok()) return inv.status();
    if (inv->status == "revoked") return Status::OK();  // nothing more is written for it
    if (change.ended) return WriteEnd(db, events_, *inv, change, now, &raised);
    Status w;
    // A join: its participant's presence (made on the first) and visits.
    for (const auto& [id, n] : change.visits) {
      auto it = change.present.find(id);
      LivePresence p{id, "", now, n};
      if (it != change.present.end()) p.name = it->second.name;
      w = RecordLivePresence(db, inv->account_id, change.invitation_id, p, now);
      if (!w.ok()) return w;
    }
    if (change.started && change.started_at) {
      w = RecordLiveStart(db, inv->account_id, change.invitation_id, *change.started_at, now);
    }
    return w;
  });
  if (change.ended) registry_.EndSaved(change.invitation_id, s.ok());
  if (!s.ok()) {
    LogWarn("live: room of invitation " + std::to_string(change.invitation_id) + " not saved" +
            (change.ended ? " (its end is retried)" : "") + ": " + s.details());
    return s;
  }
  if (raised) {
    events_.NotificationQueued();
    events_.MailQueued();
  }
  return Status::OK();
}

}  // namespace cammio
