// Interviews (completed candidate sessions) with their recordings, reviewer
// invitations, reviews and forward links. Interviews are created only by
// CompleteInvitation -- the one internal service the candidate flow calls --
// never through the API. Scoped to one account like every store file.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "cammio/status.h"
#include "store/db.h"
#include "store/invitations.h"

namespace cammio {

struct Recording {
  int64_t id = 0;
  int64_t index = 0;
  std::string title;
  bool required = true;
  std::optional<int64_t> video_id, thumbnail_id;
  // A live interview's recordings only: whose (candidate, interviewer,
  // guest-<id>) and when its segment began recording (nullopt while none is
  // known).
  std::optional<std::string> participant;
  std::optional<int64_t> recorded_at;
};

struct Reviewer {
  int64_t id = 0;
  int64_t interview_id = 0;
  std::string name, email;
  std::optional<std::string> phone;
  std::string token;
};

struct Review {
  int64_t id = 0;
  int64_t interview_id = 0;
  std::string reviewer_name;
  int64_t rating = 0;
  std::optional<std::string> remarks;
};

struct Interview {
  int64_t id = 0;
  int64_t account_id = 0;
  int64_t vacancy_id = 0;
  std::optional<int64_t> invitation_id;
  int64_t candidate_id = 0;
  std::string candidate_email, candidate_name;
  std::optional<std::string> candidate_phone, candidate_gender;
  std::optional<std::string> datetime_scheduled;
  int64_t datetime_start_ts = 0, datetime_end_ts = 0;
  std::optional<int64_t> datetime_synchronized_ts;
  std::optional<int64_t> thumbnail_video_id;
  int64_t updated_at = 0;
  // From the vacancy and counters, on read.
  std::string title, kind, scope;
  int64_t num_of_questions = 0, num_of_recordings = 0;
  int64_t num_of_review_invitations = 0, num_of_reviews = 0;
};

struct InterviewFilter {
  std::optional<int64_t> vacancy_id;
  std::optional<int64_t> from, to;  // on datetime_end (completion)
  std::optional<int64_t> updated_since;
  int64_t limit = -1, offset = 0;
};

// What a candidate hands in when completing an invitation.
struct Completion {
  int64_t started_at = 0, ended_at = 0;
  std::vector<Recording> recordings;  // in question order
};

// Turns an open invitation into an interview with its recordings, in the
// caller's write transaction: PreconditionFailed if the invitation is not
// open. On success *interview_id is set. (Outbox events for notifications are
// added in the same transaction by the notifications module.)
Status CompleteInvitation(Db& db, int64_t invitation_id, const Completion& c,
                          int64_t* interview_id);

Result<Interview> GetInterview(Db& db, int64_t account_id, int64_t id);
// The first (lowest) id of the invitation's interviews, or 0 when there is
// none; a failed read's Status otherwise. Any account (the caller owns the
// invitation).
Result<int64_t> FindInterviewIdOfInvitation(Db& db, int64_t invitation_id);
// How many reviews the interview has (0 for none); a failed read's Status
// otherwise.
Result<int64_t> CountReviewsOfInterview(Db& db, int64_t interview_id);
Status ListInterviews(Db& db, int64_t account_id, const InterviewFilter& f,
                      std::vector<Interview>* out, int64_t* total);
Status CountInterviews(Db& db, int64_t account_id, const InterviewFilter& f, int64_t* total);

// The rows of ListInterviews one at a time, for streaming the unpaginated
// list of a large account. `db` must stay in one read transaction (a
// Store::ReadSnapshot) for the cursor's lifetime.
class InterviewCursor {
 public:
  InterviewCursor(Db& db, int64_t account_id, const InterviewFilter& f);
  // false at the end or on error (*status set).
  bool Next(Interview* out, Status* status);

 private:
  Stmt st_;
};
Status ListRecordings(Db& db, int64_t interview_id, std::vector<Recording>* out);
Status SetInterviewSynchronized(Db& db, int64_t interview_id, int64_t when);

Status InsertReviewer(Db& db, int64_t account_id, Reviewer* r, int64_t now);
Result<Reviewer> GetReviewer(Db& db, int64_t account_id, int64_t interview_id, int64_t id);
Result<Reviewer> GetReviewerByToken(Db& db, const std::string& token);
Status ListReviewers(Db& db, int64_t account_id, int64_t interview_id, std::vector<Reviewer>* out);
Status UpdateReviewer(Db& db, int64_t account_id, const Reviewer& r);
// Deleting marks the interview updated (updated_since sees it).
Status DeleteReviewer(Db& db, int64_t account_id, int64_t interview_id, int64_t id, int64_t now);

Status InsertReview(Db& db, int64_t account_id, Review* r, std::optional<int64_t> user_id,
                    int64_t now);
Result<Review> GetReview(Db& db, int64_t account_id, int64_t interview_id, int64_t id);
Status ListReviews(Db& db, int64_t account_id, int64_t interview_id, std::vector<Review>* out);
Status DeleteReview(Db& db, int64_t account_id, int64_t interview_id, int64_t id, int64_t now);

struct ForwardLink {
  int64_t id = 0, account_id = 0, interview_id = 0;
  std::string token;
  int64_t created_at = 0, expires_at = 0, opens_left = 0;
};
Status InsertForwardLink(Db& db, ForwardLink* link);
Result<ForwardLink> GetForwardLink(Db& db, const std::string& token);
// Uses one opening; Gone when none is left or the link expired.
Status UseForwardLink(Db& db, const std::string& token, int64_t now, ForwardLink* link);

}  // namespace cammio
