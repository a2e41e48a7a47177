// The recording rows of a live interview (docs/decisions.md "Live
// interviews"): each participant's browser uploads its recording as one or
// more segments (a reload, a crash or a second tab starts a new one), and
// the interview has one row per segment of each participant who was present:
// the candidate's first, then the interviewer's, then the guests' in order
// of arrival, each participant's in recording order (store/live_recordings.h
// LiveSegment::recorded_at). Each join of the room is a visit of its
// participant (live_presence.visits counts them; the page tags each segment
// with the visit it was recorded in): until a segment of the participant's
// last visit (visit >= its count) is known, the participant has one more row
// without a video, after its other segments, which that segment takes. So
// the completion event waits for the recording after a reload or a crash.
// Titles are "Candidate: Cora", with several rows "Candidate: Cora (part 2)".
//
// Thread-safety: functions over a Db inside the caller's Store::Write.
#pragma once

#include <cstdint>

#include "api/events.h"
#include "cammio/status.h"
#include "store/db.h"
#include "store/invitations.h"

namespace cammio {

// Lays out the rows of interview `interview_id` (of invitation
// `invitation_id`) for the segments known now: rows for new segments,
// videos of finished ones, indexes and titles; a row without a video whose
// segment is gone is removed. `frozen` (the completion event was raised):
// only videos are filled in, on rows that exist.
Status LayOutLiveRecordings(Db& db, int64_t account_id, int64_t invitation_id, int64_t interview_id,
                            bool frozen, int64_t now);

// The invitation's live recording uploads changed (a segment was created,
// finished or dropped), or its interview was just made: lays out its rows
// when the interview exists and raises the completion event once no row
// waits for a video (*raised says so). Nothing to do before the end.
Status LiveRecordingsChanged(Db& db, Events& events, const Invitation& inv, int64_t now,
                             bool* raised);

}  // namespace cammio
