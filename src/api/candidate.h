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

// The shape of a hand-in body
//   {"started_at": epoch?, "recordings": [{"question_id", "upload_id",
//    "thumbnail_upload_id"?}], "cv_upload_id"?}
// parsed before the write. A field's error is kept where the old check
// found it, so CompleteInterview reports errors in the order it always has
// (the vacancy's questions decide which item is looked at).
struct HandIn {
  struct Item {
    int64_t question_id = 0;  // 0: none or malformed
    Status status;            // upload_id missing or malformed, thumbnail_upload_id malformed
    std::optional<int64_t> upload_id, thumbnail_upload_id;
  };
  std::vector<Item> recordings;
  Status cv_status;  // cv_upload_id missing or malformed (an error only when a CV is required)
  std::optional<int64_t> cv_upload_id;
  Status started_status;  // started_at outside 0..now
  std::optional<int64_t> started_at;
};
// Pure. InvalidArgument when `recordings` is not an array (or the body not
// an object), PreconditionFailed for more than 100 recordings.
Result<HandIn> ParseHandIn(const Value& body, int64_t now);

// Inside a Store::Write: checks the parsed hand-in against the vacancy's
// questions and the invitation's finished uploads (the reads that decide),
// then completes the invitation, drops the media of the uploads the
// interview does not use (api/takes.h; listed in result->unused_files) and
// raises `events.InterviewCompleted` (api/events.h: the outbox rows).
// NotFound for an unknown link, Gone for a completed, revoked or expired
// one, PreconditionFailed for a missing required recording, a foreign
// upload, or a take or CV that a later one replaced; Conflict for a live
// interview's link (its room completes it, api/live.h).
Status CompleteInterview(Db& db, const std::string& token, const HandIn& hand_in, int64_t now,
                         Events& events, CompletionResult* result);

Status CandidateStateHandler(Call& call);
Status CandidateCompleteHandler(Call& call);

}  // namespace cammio
