#include "store/live_recordings.h"

namespace cammio {
namespace {

constexpr const char kSetSegment[] =
    "UPDATE uploads SET participant = ?2, recorded_at = ?3, visit = ?4 WHERE id = ?1";
constexpr const char kListSegments[] =
    "SELECT id, participant, coalesce(recorded_at, created_at), video_id, coalesce(visit, 0) "
    "FROM uploads "
    "WHERE invitation_id = ?1 AND participant IS NOT NULL "
    "ORDER BY participant, coalesce(recorded_at, created_at), id";
constexpr const char kListRows[] =
    "SELECT id, idx, title, participant, upload_id, recorded_at, video_id FROM recordings "
    "WHERE interview_id = ?1 ORDER BY idx, id";
constexpr const char kInsertRow[] =
    "INSERT INTO recordings (account_id, interview_id, idx, title, required, participant, "
    "upload_id, recorded_at, video_id) VALUES (?1, ?2, ?3, ?4, 0, ?5, ?6, ?7, ?8)";
constexpr const char kUpdateRow[] =
    "UPDATE recordings SET idx = ?2, title = ?3, participant = ?4, upload_id = ?5, "
    "recorded_at = ?6, video_id = ?7 WHERE id = ?1";
constexpr const char kDeleteRow[] = "DELETE FROM recordings WHERE id = ?1";
constexpr const char kTouch[] = "UPDATE interviews SET updated_at = ?2 WHERE id = ?1";

}  // namespace

Status SetUploadSegment(Db& db, int64_t upload_id, const std::string& participant,
                        int64_t recorded_at, int64_t visit) {
  return db.Prepare(kSetSegment)
      .Bind(1, upload_id)
      .Bind(2, participant)
      .Bind(3, recorded_at)
      .Bind(4, visit)
      .Run();
}

Status ListLiveSegments(Db& db, int64_t invitation_id, std::vector<LiveSegment>* out) {
  Stmt st = db.Prepare(kListSegments);
  st.Bind(1, invitation_id);
  Status s;
  while (st.Step(&s))
    out->push_back(LiveSegment{st.Int(0), st.Text(1), st.Int(2), st.Int(4), st.OptInt(3)});
  return s;
}

Status ListLiveRecordingRows(Db& db, int64_t interview_id, std::vector<LiveRecordingRow>* out) {
  Stmt st = db.Prepare(kListRows);
  st.Bind(1, interview_id);
  Status s;
  while (st.Step(&s)) {
    out->push_back(LiveRecordingRow{st.Int(0), st.Int(1), st.Text(2), st.OptText(3), st.OptInt(4),
                                    st.OptInt(5), st.OptInt(6)});
  }
  return s;
}

Status InsertLiveRecordingRow(Db& db, int64_t account_id, int64_t interview_id,
                              LiveRecordingRow* row) {
  Status s = db.Prepare(kInsertRow)
                 .Bind(1, account_id)
                 .Bind(2, interview_id)
                 .Bind(3, row->index)
                 .Bind(4, row->title)
                 .Bind(5, row->participant)
                 .Bind(6, row->upload_id)
                 .Bind(7, row->recorded_at)
                 .Bind(8, row->video_id)
                 .Run();
  if (s.ok()) row->id = db.LastInsertId();
  return s;
}

Status UpdateLiveRecordingRow(Db& db, const LiveRecordingRow& row) {
  return db.Prepare(kUpdateRow)
      .Bind(1, row.id)
      .Bind(2, row.index)
      .Bind(3, row.title)
      .Bind(4, row.participant)
      .Bind(5, row.upload_id)
      .Bind(6, row.recorded_at)
      .Bind(7, row.video_id)
      .Run();
}

Status DeleteLiveRecordingRow(Db& db, int64_t id) {
  return db.Prepare(kDeleteRow).Bind(1, id).Run();
}

Status TouchInterview(Db& db, int64_t interview_id, int64_t now) {
  return db.Prepare(kTouch).Bind(1, interview_id).Bind(2, now).Run();
}

}  // namespace cammio
