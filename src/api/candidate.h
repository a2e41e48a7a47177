// The candidate's side of an invitation link (JSON for the candidate pages)
// and CompleteInterview: the single internal service that turns an open
// invitation into an interview with its recordings.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "api/call.h"
#include "store/db.h"

namespace cammio {

struct CompletionResult {
  int64_t interview_id = 0;
  int64_t account_id = 0;
  std::optional<std::string> redirect_url;
  // Media files no longer referenced (earlier takes, replaced CVs, unfinished
  // uploads), relative to DATA/media: unlinked once the completion committed.
  std::vector<std::string> unused_files;
};

// What happens when an interview is completed, besides the interview itself:
// `in_transaction` callbacks add outbox rows (notification, email) inside the
// completion's transaction, so the event is committed with it or not at all;
// `after_commit` callbacks wake the senders. Owned by the server; outlives
// every request.
struct CompletionEvents {
  std::vector<std::function<Status(Db&, const CompletionResult&, int64_t now)>> in_transaction;
  std::vector<std::function<void()>> after_commit;
};

// Inside a Store::Write: validates the hand-in `body`
//   {"started_at": epoch?, "recordings": [{"question_id", "upload_id",
//    "thumbnail_upload_id"?}], "cv_upload_id"?}
// against the vacancy's questions and the invitation's finished uploads, then
// completes the invitation, drops the media of the uploads the interview
// does not use (api/takes.h; listed in result->unused_files) and runs
// `events->in_transaction` (may be null). NotFound for an unknown link, Gone
// for a completed, revoked or expired one, PreconditionFailed for a missing
// required recording, a foreign upload, or a take or CV that a later one
// replaced.
Status CompleteInterview(Db& db, const std::string& token, const Value& body, int64_t now,
                         const CompletionEvents* events, CompletionResult* result);

Status CandidateStateHandler(Call& call);
Status CandidateCompleteHandler(Call& call);

}  // namespace cammio
