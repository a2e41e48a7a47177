#include "store/live_sessions.h"

namespace cammio {
namespace {

constexpr const char kSelectSession[] =
    "SELECT invitation_id, account_id, started_at, ended_at, interview_id, completed_event_at "
    "FROM live_sessions WHERE invitation_id = ?1";
constexpr const char kSelectPresence[] =
    "SELECT participant, name, first_at, visits FROM live_presence WHERE invitation_id = ?1 "
    "ORDER BY first_at, rowid";
constexpr const char kEnsureSession[] =
    "INSERT INTO live_sessions (invitation_id, account_id, updated_at) VALUES (?1, ?2, ?3) "
    "ON CONFLICT (invitation_id) DO NOTHING";
constexpr const char kInsertPresence[] =
    "INSERT INTO live_presence (invitation_id, participant, name, first_at, visits) "
    "VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (invitation_id, participant) "
    "DO UPDATE SET visits = max(visits, excluded.visits)";
constexpr const char kSetStart[] =
    "UPDATE live_sessions SET started_at = coalesce(started_at, ?2), updated_at = ?3 "
    "WHERE invitation_id = ?1";
constexpr const char kSetEnd[] =
    "UPDATE live_sessions SET ended_at = ?2, interview_id = ?3, updated_at = ?4 "
    "WHERE invitation_id = ?1";
constexpr const char kSetEvent[] =
    "UPDATE live_sessions SET completed_event_at = ?2, updated_at = ?2 WHERE invitation_id = ?1";
constexpr const char kDue[] =
    "SELECT invitation_id, account_id, started_at, ended_at, interview_id, completed_event_at "
    "FROM live_sessions WHERE completed_event_at IS NULL AND interview_id IS NOT NULL "
    "AND ended_at <= ?1 ORDER BY invitation_id";
constexpr const char kPending[] =
    "SELECT invitation_id, account_id, started_at, ended_at, interview_id, completed_event_at "
    "FROM live_sessions WHERE completed_event_at IS NULL AND interview_id IS NOT NULL "
    "ORDER BY invitation_id";
constexpr const char kUnended[] =
    "SELECT invitation_id, account_id, started_at, ended_at, interview_id, completed_event_at "
    "FROM live_sessions WHERE started_at IS NOT NULL AND ended_at IS NULL ORDER BY invitation_id";
constexpr const char kInsertDeletedGuest[] =
    "INSERT INTO deleted_guests (id, invitation_id) VALUES (?1, ?2) "
    "ON CONFLICT (id) DO NOTHING";
constexpr const char kSelectDeletedGuest[] =
    "SELECT invitation_id FROM deleted_guests WHERE id = ?1";
constexpr const char kSelectUploadParticipant[] = "SELECT participant FROM uploads WHERE id = ?1";
constexpr const char kCountMissing[] =
    "SELECT COUNT(*) FROM recordings WHERE interview_id = ?1 AND participant IS NOT NULL "
    "AND video_id IS NULL";

constexpr const char kSelectToken[] = "SELECT token FROM invitations WHERE id = ?1";

LiveSession SessionFromRow(const Stmt& st) {
  LiveSession s;
  s.invitation_id = st.Int(0);
  s.account_id = st.Int(1);
  s.started_at = st.OptInt(2);
  s.ended_at = st.OptInt(3);
  s.interview_id = st.OptInt(4);
  s.completed_event_at = st.OptInt(5);
  return s;
}

Status ListSessions(Stmt st, std::vector<LiveSession>* out) {
  Status s;
  while (st.Step(&s)) out->push_back(SessionFromRow(st));
  return s;
}

}  // namespace

Result<LiveSession> GetLiveSession(Db& db, int64_t invitation_id) {
  Stmt st = db.Prepare(kSelectSession);
  st.Bind(1, invitation_id);
  Status s;
  if (!st.Step(&s)) {
    if (!s.ok()) return s;
    return Status::NotFound("no live session for invitation " + std::to_string(invitation_id));
  }
  LiveSession session = SessionFromRow(st);
  Stmt p = db.Prepare(kSelectPresence);
  p.Bind(1, invitation_id);
  while (p.Step(&s)) session.present.push_back({p.Text(0), p.Text(1), p.Int(2), p.Int(3)});
  if (!s.ok()) return s;
  return session;
}

Status RecordLivePresence(Db& db, int64_t account_id, int64_t invitation_id, const LivePresence& p,
                          int64_t now) {
  Status s =
      db.Prepare(kEnsureSession).Bind(1, invitation_id).Bind(2, account_id).Bind(3, now).Run();
  if (!s.ok()) return s;
  return db.Prepare(kInsertPresence)
      .Bind(1, invitation_id)
      .Bind(2, p.participant)
      .Bind(3, p.name)
      .Bind(4, p.first_at)
      .Bind(5, p.visits)
      .Run();
}

Status RecordLiveStart(Db& db, int64_t account_id, int64_t invitation_id, int64_t started_at,
                       int64_t now) {
  Status s =
      db.Prepare(kEnsureSession).Bind(1, invitation_id).Bind(2, account_id).Bind(3, now).Run();
  if (!s.ok()) return s;
  return db.Prepare(kSetStart).Bind(1, invitation_id).Bind(2, started_at).Bind(3, now).Run();
}

Status RecordLiveEnd(Db& db, int64_t account_id, int64_t invitation_id, int64_t ended_at,
                     int64_t interview_id, int64_t now) {
  Status s =
      db.Prepare(kEnsureSession).Bind(1, invitation_id).Bind(2, account_id).Bind(3, now).Run();
  if (!s.ok()) return s;
  Stmt st = db.Prepare(kSetEnd);
  st.Bind(1, invitation_id).Bind(2, ended_at).Bind(4, now);
  if (interview_id > 0) {
    st.Bind(3, interview_id);
  } else {
    st.BindNull(3);
  }
  return st.Run();
}

Status MarkLiveCompletionEvent(Db& db, int64_t invitation_id, int64_t now) {
  return db.Prepare(kSetEvent).Bind(1, invitation_id).Bind(2, now).Run();
}

Status ListLiveCompletionsDue(Db& db, int64_t ended_before, std::vector<LiveSession>* out) {
  Stmt st = db.Prepare(kDue);
  st.Bind(1, ended_before);
  return ListSessions(std::move(st), out);
}

Status ListLiveCompletionsPending(Db& db, std::vector<LiveSession>* out) {
  return ListSessions(db.Prepare(kPending), out);
}

Status ListLiveSessionsUnended(Db& db, std::vector<LiveSession>* out) {
  std::vector<LiveSession> ids;
  Status s = ListSessions(db.Prepare(kUnended), &ids);
  for (size_t i = 0; s.ok() && i < ids.size(); ++i) {
    auto full = GetLiveSession(db, ids[i].invitation_id);
    if (!full.ok()) return full.status();
    out->push_back(std::move(full.value()));
  }
  return s;
}

Result<std::string> GetInvitationTokenOf(Db& db, int64_t invitation_id) {
  Stmt st = db.Prepare(kSelectToken);
  st.Bind(1, invitation_id);
  Status s;
  if (st.Step(&s)) return st.Text(0);
  if (!s.ok()) return s;
  return Status::NotFound("no invitation " + std::to_string(invitation_id));
}

Status RememberDeletedGuest(Db& db, int64_t guest_id, int64_t invitation_id) {
  return db.Prepare(kInsertDeletedGuest).Bind(1, guest_id).Bind(2, invitation_id).Run();
}

Result<int64_t> DeletedGuestInvitation(Db& db, int64_t guest_id) {
  Stmt st = db.Prepare(kSelectDeletedGuest);
  st.Bind(1, guest_id);
  Status s;
  if (st.Step(&s)) return st.Int(0);
  if (!s.ok()) return s;
  return Status::NotFound("no deleted guest " + std::to_string(guest_id));
}

Status RememberRemovedGuest(Db& db, int64_t guest_id, int64_t invitation_id) {
  return RememberDeletedGuest(db, guest_id, invitation_id);
}

Result<bool> IsGuestRemoved(Db& db, int64_t guest_id) {
  auto inv = DeletedGuestInvitation(db, guest_id);
  if (inv.ok()) return true;
  if (inv.status().IsNotFound()) return false;
  return inv.status();
}

Result<std::optional<std::string>> GetUploadParticipant(Db& db, int64_t upload_id) {
  Stmt st = db.Prepare(kSelectUploadParticipant);
  st.Bind(1, upload_id);
  Status s;
  if (st.Step(&s)) return st.OptText(0);
  if (!s.ok()) return s;
  return Status::NotFound("no upload with id " + std::to_string(upload_id));
}

Result<int64_t> CountLiveRecordingsMissing(Db& db, int64_t interview_id) {
  Stmt st = db.Prepare(kCountMissing);
  st.Bind(1, interview_id);
  Status s;
  if (st.Step(&s)) return st.Int(0);
  if (!s.ok()) return s;
  return int64_t{0};
}

namespace {

constexpr const char kCountLiveFinished[] =
    "SELECT COUNT(*) FROM uploads WHERE invitation_id = ?1 AND participant = ?2 "
    "AND video_id IS NOT NULL";
constexpr const char kCountLiveUnfinished[] =
    "SELECT COUNT(*) FROM uploads WHERE invitation_id = ?1 AND participant = ?2 "
    "AND video_id IS NULL";

}  // namespace

Result<int64_t> CountLiveUploads(Db& db, int64_t invitation_id, const std::string& participant,
                                 bool finished) {
  Stmt st = db.Prepare(finished ? kCountLiveFinished : kCountLiveUnfinished);
  st.Bind(1, invitation_id).Bind(2, participant);
  Status s;
  if (st.Step(&s)) return st.Int(0);
  if (!s.ok()) return s;
  return int64_t{0};
}

}  // namespace cammio
