#include "api/live_uploads.h"

#include "store/live_sessions.h"

namespace cammio {
namespace {

Status NotRecorded() {
  return Status::Conflict(
      "this interview is not recorded (the vacancy's live_recording is "
      "false); no recording is accepted");
}

Status AlreadyRecorded(const std::string& participant) {
  return Status::Conflict(participant +
                          " already uploaded its recording of this interview; it cannot be "
                          "replaced");
}

}  // namespace

Status CheckNewLiveUpload(Db& db, const Invitation& inv, const Vacancy& v,
                          const std::string& participant) {
  if (!v.live_recording) return NotRecorded();
  auto session = GetLiveSession(db, inv.id);
  if (!session.ok() && !session.status().IsNotFound()) return session.status();
  if (session.ok() && session->completed_event_at) {
    return Status::Conflict(
        "this interview is complete and its completion was reported; no "
        "further recording is accepted");
  }
  auto finished = CountLiveUploads(db, inv.id, participant, true);
  if (!finished.ok()) return finished.status();
  if (*finished > 0) return AlreadyRecorded(participant);
  auto unfinished = CountLiveUploads(db, inv.id, participant, false);
  if (!unfinished.ok()) return unfinished.status();
  if (*unfinished >= kMaxUnfinishedLiveUploads) {
    return Status::Conflict(participant + " already has " + std::to_string(*unfinished) +
                            " unfinished recording uploads; resume one of them");
  }
  return Status::OK();
}

Status CheckFinishedLiveUpload(Db& db, const Invitation& inv, const Vacancy& v,
                               const std::string& participant) {
  if (!v.live_recording) return NotRecorded();
  auto finished = CountLiveUploads(db, inv.id, participant, true);
  if (!finished.ok()) return finished.status();
  if (*finished > 0) return AlreadyRecorded(participant);
  auto session = GetLiveSession(db, inv.id);
  if (session.status().IsNotFound()) return Status::OK();
  if (!session.ok()) return session.status();
  if (!session->interview_id) return Status::OK();
  auto video = GetLiveRecordingVideo(db, *session->interview_id, participant);
  if (!video.ok()) return video.status();
  if (*video) return AlreadyRecorded(participant);
  return Status::OK();
}

}  // namespace cammio
