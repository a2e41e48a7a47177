// What a live interview's room leaves behind that must survive a restart
// (schema/015_live_sessions.sql): when candidate and interviewer first met,
// who was present, when it ended, the interview the end made and whether its
// completion event was raised; the guests deleted from an invitation or
// removed from its room (their link answers 410); and the participant of a
// live recording's upload (its segments and rows: store/live_recordings.h).
// Writers run inside Store::Write, readers in Store::Read.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "cammio/status.h"
#include "store/db.h"

namespace cammio {

struct LivePresence {
  std::string participant;  // candidate | interviewer | guest-<id>
  std::string name;
  int64_t first_at = 0;
  int64_t visits = 0;  // how many times it joined the room (live_presence.visits)
};

struct LiveSession {
  int64_t invitation_id = 0;
  int64_t account_id = 0;
  std::optional<int64_t> started_at, ended_at, interview_id, completed_event_at;
  std::vector<LivePresence> present;  // in order of arrival
};

// NotFound when nobody has entered the invitation's room yet.
Result<LiveSession> GetLiveSession(Db& db, int64_t invitation_id);
// `participant` is in the room (the session row is made when missing; a
// second presence of the same participant changes only its visits, which
// never go down).
Status RecordLivePresence(Db& db, int64_t account_id, int64_t invitation_id, const LivePresence& p,
                          int64_t now);
// Candidate and interviewer met at `started_at` (kept when already set).
Status RecordLiveStart(Db& db, int64_t account_id, int64_t invitation_id, int64_t started_at,
                       int64_t now);
// The room ended at `ended_at`, making interview `interview_id` (0: none,
// they never met).
Status RecordLiveEnd(Db& db, int64_t account_id, int64_t invitation_id, int64_t ended_at,
                     int64_t interview_id, int64_t now);
Status MarkLiveCompletionEvent(Db& db, int64_t invitation_id, int64_t now);
// Sessions that made an interview, ended at or before `ended_before`, whose
// completion event was not raised yet.
Status ListLiveCompletionsDue(Db& db, int64_t ended_before, std::vector<LiveSession>* out);
// Sessions that made an interview and wait for their completion event.
Status ListLiveCompletionsPending(Db& db, std::vector<LiveSession>* out);
// Sessions where candidate and interviewer met that have not ended (rooms
// under way at a restart), with who was present.
Status ListLiveSessionsUnended(Db& db, std::vector<LiveSession>* out);

// The link token of invitation `invitation_id` (any account and status), for
// checking an interviewer's link; NotFound when there is none.
Result<std::string> GetInvitationTokenOf(Db& db, int64_t invitation_id);

// Guest `guest_id` of `invitation_id` was deleted.
Status RememberDeletedGuest(Db& db, int64_t guest_id, int64_t invitation_id);
// The invitation of a deleted guest, or NotFound.
Result<int64_t> DeletedGuestInvitation(Db& db, int64_t guest_id);
// Guest `guest_id` of `invitation_id` was removed from the room by the
// interviewer: barred from it for good (across a restart). Kept with the
// deleted guests (deleted_guests), whose guests row is gone; a removed
// guest's row stays (it is still the invitation's guest). Removing twice,
// or deleting a removed guest, changes nothing more.
Status RememberRemovedGuest(Db& db, int64_t guest_id, int64_t invitation_id);
// Whether guest `guest_id` (a guest row that exists) was removed from its
// invitation's room.
Result<bool> IsGuestRemoved(Db& db, int64_t guest_id);

// nullopt for an upload without one (the automated flow's).
Result<std::optional<std::string>> GetUploadParticipant(Db& db, int64_t upload_id);
// How many of the interview's participant recordings have no video yet.
Result<int64_t> CountLiveRecordingsMissing(Db& db, int64_t interview_id);

// How many of the invitation's uploads of `participant` are finished (they
// have a media file; `finished` true) or not yet (`finished` false).
Result<int64_t> CountLiveUploads(Db& db, int64_t invitation_id, const std::string& participant,
                                 bool finished);

}  // namespace cammio
