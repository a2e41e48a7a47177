#include "api/live_recordings.h"

#include <algorithm>
#include <string>
#include <vector>

#include "api/live_link.h"
#include "store/live_recordings.h"
#include "store/live_sessions.h"

namespace cammio {
namespace {

// Candidate first, then the interviewer, then the guests in order of arrival.
int Rank(const std::string& id) {
  if (id == "candidate") return 0;
  if (id == "interviewer") return 1;
  return 2;
}

std::string TitleOf(const LivePresence& p, size_t part, size_t parts) {
  const int rank = Rank(p.participant);
  const char* who = rank == 0 ? "Candidate" : rank == 1 ? "Interviewer" : "Guest";
  std::string title = p.name.empty() ? std::string(who) : std::string(who) + ": " + p.name;
  if (parts > 1) title += " (part " + std::to_string(part) + ")";
  return title;
}

// The existing rows and which of them a wanted row took.
struct Rows {
  std::vector<LiveRecordingRow> rows;
  std::vector<bool> used;

  // The row of `seg` (by upload), else a row of its participant that no
  // segment has taken; nullptr when there is none.
  LiveRecordingRow* Take(const std::string& participant, const LiveSegment* seg) {
    for (size_t i = 0; seg && i < rows.size(); ++i) {
      if (!used[i] && rows[i].upload_id == seg->upload_id) return Use(i);
    }
    for (size_t i = 0; i < rows.size(); ++i) {
      const LiveRecordingRow& r = rows[i];
      if (used[i] || r.upload_id || r.participant != participant) continue;
      // A row from before segments (its video set by participant) keeps it.
      if (seg && r.video_id && r.video_id != seg->video_id) continue;
      return Use(i);
    }
    return nullptr;
  }
  // The rows of a participant's segments `mine` (nullptr: its waiting row),
  // by index: first each segment's own row, then the waiting row (a row of
  // the participant without a segment) for mine[last], then such rows for
  // the rest; nullptr where none is left.
  std::vector<LiveRecordingRow*> TakeAll(const std::string& participant,
                                         const std::vector<const LiveSegment*>& mine, size_t last) {
    std::vector<LiveRecordingRow*> out(mine.size(), nullptr);
    for (size_t k = 0; k < mine.size(); ++k) {
      for (size_t i = 0; mine[k] && !out[k] && i < rows.size(); ++i) {
        if (!used[i] && rows[i].upload_id == mine[k]->upload_id) out[k] = Use(i);
      }
    }
    if (last < mine.size() && !out[last]) out[last] = Take(participant, mine[last]);
    for (size_t k = 0; k < mine.size(); ++k) {
      if (!out[k]) out[k] = Take(participant, mine[k]);
    }
    return out;
  }
  LiveRecordingRow* Use(size_t i) {
    used[i] = true;
    return &rows[i];
  }
};

// The index in `mine` of the first segment of the participant's last visit
// (visit >= `visits`, the count of its joins), or mine.size() when none is
// known yet.
size_t LastVisit(const std::vector<const LiveSegment*>& mine, int64_t visits) {
  for (size_t k = 0; k < mine.size(); ++k) {
    if (mine[k]->visit >= visits) return k;
  }
  return mine.size();
}

bool Same(const LiveRecordingRow& a, const LiveRecordingRow& b) {
  return a.index == b.index && a.title == b.title && a.participant == b.participant &&
         a.upload_id == b.upload_id && a.recorded_at == b.recorded_at && a.video_id == b.video_id;
}

// The rows wanted now, in order (existing ones keep their id).
Status Wanted(Db& db, int64_t invitation_id, Rows* have, bool frozen,
              std::vector<LiveRecordingRow>* out) {
  auto session = GetLiveSession(db, invitation_id);
  if (!session.ok()) return session.status();
  std::vector<LivePresence> present = session->present;
  std::stable_sort(present.begin(), present.end(), [](const auto& a, const auto& b) {
    return Rank(a.participant) < Rank(b.participant);
  });
  std::vector<LiveSegment> segments;
  Status s = ListLiveSegments(db, invitation_id, &segments);
  if (!s.ok()) return s;
  for (const LivePresence& p : present) {
    std::vector<const LiveSegment*> mine;
    for (const LiveSegment& seg : segments) {
      if (seg.participant == p.participant) mine.push_back(&seg);
    }
    // The segment of its last visit takes the waiting row; until it is
    // known, a row waits for it (after the participant's other segments).
    const size_t last = LastVisit(mine, p.visits);
    if (last == mine.size()) mine.push_back(nullptr);
    std::vector<LiveRecordingRow*> olds = have->TakeAll(p.participant, mine, last);
    for (size_t k = 0; k < mine.size(); ++k) {
      const LiveSegment* seg = mine[k];
      LiveRecordingRow* old = olds[k];
      if (frozen) {  // after the completion event: no new row, only videos
        if (!old) continue;
        LiveRecordingRow row = *old;
        if (seg && seg->video_id && !row.video_id) row.video_id = seg->video_id;
        out->push_back(row);
        continue;
      }
      LiveRecordingRow row = old ? *old : LiveRecordingRow{};
      row.participant = p.participant;
      row.title = TitleOf(p, k + 1, mine.size());
      if (seg) {
        row.upload_id = seg->upload_id;
        row.recorded_at = seg->recorded_at;
        if (seg->video_id) row.video_id = seg->video_id;
      }
      out->push_back(row);
    }
  }
  return Status::OK();
}

}  // namespace

Status LayOutLiveRecordings(Db& db, int64_t account_id, int64_t invitation_id, int64_t interview_id,
                            bool frozen, int64_t now) {
  Rows have;
  Status s = ListLiveRecordingRows(db, interview_id, &have.rows);
  if (!s.ok()) return s;
  have.used.assign(have.rows.size(), false);
  std::vector<LiveRecordingRow> wanted;
  s = Wanted(db, invitation_id, &have, frozen, &wanted);
  if (!s.ok()) return s;
  // Rows no segment took: kept when they have a video (or are not a
  // participant's), else their segment is gone and they go too.
  for (size_t i = 0; i < have.rows.size(); ++i) {
    if (have.used[i]) continue;
    if (frozen || have.rows[i].video_id || !have.rows[i].participant) {
      wanted.push_back(have.rows[i]);
      continue;
    }
    s = DeleteLiveRecordingRow(db, have.rows[i].id);
    if (!s.ok()) return s;
  }
  bool changed = false;
  for (size_t i = 0; i < wanted.size(); ++i) {
    LiveRecordingRow& row = wanted[i];
    if (!frozen) row.index = static_cast<int64_t>(i) + 1;
    if (row.id == 0) {
      s = InsertLiveRecordingRow(db, account_id, interview_id, &row);
      changed = true;
    } else {
      auto old = std::find_if(have.rows.begin(), have.rows.end(),
                              [&](const LiveRecordingRow& r) { return r.id == row.id; });
      if (old != have.rows.end() && Same(*old, row)) continue;
      s = UpdateLiveRecordingRow(db, row);
      changed = true;
    }
    if (!s.ok()) return s;
  }
  return changed ? TouchInterview(db, interview_id, now) : Status::OK();
}

Status LiveRecordingsChanged(Db& db, Events& events, const Invitation& inv, int64_t now,
                             bool* raised) {
  *raised = false;
  auto session = GetLiveSession(db, inv.id);
  if (session.status().IsNotFound()) return Status::OK();
  if (!session.ok()) return session.status();
  if (!session->interview_id) return Status::OK();  // the end lays them out
  const bool frozen = session->completed_event_at.has_value();
  Status s = LayOutLiveRecordings(db, inv.account_id, inv.id, *session->interview_id, frozen, now);
  if (!s.ok() || frozen) return s;
  auto missing = CountLiveRecordingsMissing(db, *session->interview_id);
  if (!missing.ok()) return missing.status();
  if (*missing > 0) return Status::OK();
  *raised = true;
  return RaiseLiveCompletion(db, events, *session, now);
}

}  // namespace cammio
