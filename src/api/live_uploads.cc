#include "api/live_uploads.h"

#include <algorithm>
#include <vector>

#include "store/live_recordings.h"
#include "store/live_sessions.h"

namespace cammio {
namespace {

Status NotRecorded() {
  return Status::Conflict(
      "this interview is not recorded (the vacancy's live_recording is "
      "false); no recording is accepted");
}

Status Reported() {
  return Status::Conflict(
      "this interview is complete and its completion was reported; no "
      "further recording is accepted");
}

Status TooMany(const std::string& participant, int64_t n) {
  return Status::Conflict(participant + " already has " + std::to_string(n) +
                          " recording segments of this interview; at most " +
                          std::to_string(kMaxLiveSegments) + " are accepted");
}

// Whether the interview has a row without a video waiting for upload
// `upload_id` of `participant` (or, from before segments, for its one
// recording).
Result<bool> RowWaits(Db& db, int64_t interview_id, const std::string& participant,
                      int64_t upload_id) {
  std::vector<LiveRecordingRow> rows;
  Status s = ListLiveRecordingRows(db, interview_id, &rows);
  if (!s.ok()) return s;
  for (const LiveRecordingRow& r : rows) {
    if (r.video_id || r.participant != participant) continue;
    if (!r.upload_id || *r.upload_id == upload_id) return true;
  }
  return false;
}

}  // namespace

Status CheckNewLiveUpload(Db& db, const Invitation& inv, const Vacancy& v,
                          const std::string& participant) {
  if (!v.live_recording) return NotRecorded();
  auto session = GetLiveSession(db, inv.id);
  if (!session.ok() && !session.status().IsNotFound()) return session.status();
  if (session.ok() && session->completed_event_at) return Reported();
  auto finished = CountLiveUploads(db, inv.id, participant, true);
  if (!finished.ok()) return finished.status();
  auto unfinished = CountLiveUploads(db, inv.id, participant, false);
  if (!unfinished.ok()) return unfinished.status();
  if (*finished + *unfinished >= kMaxLiveSegments) {
    return TooMany(participant, *finished + *unfinished);
  }
  if (*unfinished >= kMaxUnfinishedLiveUploads) {
    return Status::Conflict(participant + " already has " + std::to_string(*unfinished) +
                            " unfinished recording uploads; resume one of them");
  }
  return Status::OK();
}

Status CheckFinishedLiveUpload(Db& db, const Invitation& inv, const Vacancy& v,
                               const std::string& participant, int64_t upload_id) {
  if (!v.live_recording) return NotRecorded();
  auto finished = CountLiveUploads(db, inv.id, participant, true);
  if (!finished.ok()) return finished.status();
  if (*finished >= kMaxLiveSegments) return TooMany(participant, *finished);
  auto session = GetLiveSession(db, inv.id);
  if (session.status().IsNotFound()) return Status::OK();
  if (!session.ok()) return session.status();
  if (!session->completed_event_at || !session->interview_id) return Status::OK();
  auto waits = RowWaits(db, *session->interview_id, participant, upload_id);
  if (!waits.ok()) return waits.status();
  return *waits ? Status::OK() : Reported();
}

int64_t LiveSegmentTime(Db& db, const Invitation& inv, const std::string& participant,
                        std::optional<int64_t> claimed, int64_t now) {
  int64_t at = std::min(claimed.value_or(now), now);
  auto session = GetLiveSession(db, inv.id);
  if (!session.ok()) return at;
  for (const LivePresence& p : session->present) {
    if (p.participant == participant) at = std::max(at, p.first_at);
  }
  return at;
}

}  // namespace cammio
