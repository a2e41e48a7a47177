// The candidate's side of an invitation link (JSON for the candidate pages)
// and CompleteInterview: the single internal service that turns an open
// invitation into an interview with its recordings.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "api/call.h"
#include "api/events.h"
#include "store/db.h"

namespace cammio {

// Inside a Store::Write: validates the hand-in `body`
//   {"started_at": epoch?, "recordings": [{"question_id", "upload_id",
//    "thumbnail_upload_id"?}], "cv_upload_id"?}
// against the vacancy's questions and the invitation's finished uploads, then
// completes the invitation, drops the media of the uploads the interview
// does not use (api/takes.h; listed in result->unused_files) and raises
// `events.InterviewCompleted` (api/events.h: the outbox rows). NotFound for an unknown link, Gone
// for a completed, revoked or expired one, PreconditionFailed for a missing
// required recording, a foreign upload, or a take or CV that a later one
// replaced.
Status CompleteInterview(Db& db, const std::string& token, const Value& body, int64_t now,
                         Events& events, CompletionResult* result);

Status CandidateStateHandler(Call& call);
Status CandidateCompleteHandler(Call& call);

}  // namespace cammio
