// A live interview's recording segments (schema/016_live_segments.sql): each
// participant's browser uploads its recording as one or more segments (one
// upload each, a new one after a reload or a crash), and once the interview
// exists each segment is one recording row of it. The layout of those rows
// (order, titles) is decided in api/live_recordings.h; this file reads and
// writes them. Writers run inside Store::Write, readers in Store::Read.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "cammio/status.h"
#include "store/db.h"

namespace cammio {

// One live recording upload.
struct LiveSegment {
  int64_t upload_id = 0;
  std::string participant;
  int64_t recorded_at = 0;          // when it began recording
  int64_t visit = 0;                // the participant's visit it was recorded in (0: not said)
  std::optional<int64_t> video_id;  // set once its last byte arrived
};

// Upload `upload_id` is a segment of `participant`'s recording that began at
// `recorded_at`, during its visit `visit` of the room.
Status SetUploadSegment(Db& db, int64_t upload_id, const std::string& participant,
                        int64_t recorded_at, int64_t visit);
// The invitation's live recording uploads, finished or not, ordered by
// participant, then recording order (recorded_at, then upload id).
Status ListLiveSegments(Db& db, int64_t invitation_id, std::vector<LiveSegment>* out);

// A live interview's recording row.
struct LiveRecordingRow {
  int64_t id = 0;  // 0: not stored yet
  int64_t index = 0;
  std::string title;
  std::optional<std::string> participant;
  std::optional<int64_t> upload_id, recorded_at, video_id;
};

// The interview's recording rows in index order.
Status ListLiveRecordingRows(Db& db, int64_t interview_id, std::vector<LiveRecordingRow>* out);
// Adds `row` (not required, no thumbnail) to the interview; sets row->id.
Status InsertLiveRecordingRow(Db& db, int64_t account_id, int64_t interview_id,
                              LiveRecordingRow* row);
// Stores index, title, participant, upload, recorded_at and video of the row
// with row.id.
Status UpdateLiveRecordingRow(Db& db, const LiveRecordingRow& row);
Status DeleteLiveRecordingRow(Db& db, int64_t id);
// Marks the interview changed (GET /api/interviews?updated_since sees it).
Status TouchInterview(Db& db, int64_t interview_id, int64_t now);

}  // namespace cammio
