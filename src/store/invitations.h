// Candidates, invitations and guests. Scoped to one account: rows of other
// accounts are NotFound. Writers run inside Store::Write.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "cammio/status.h"
#include "store/db.h"

namespace cammio {

struct Guest {
  int64_t id = 0;
  int64_t invitation_id = 0;
  std::string name, email;
};

struct Invitation {
  int64_t id = 0;
  int64_t account_id = 0;
  int64_t vacancy_id = 0;
  int64_t candidate_id = 0;
  int64_t recruiter_id = 0;
  std::string status = "open";  // open | completed | revoked
  std::optional<std::string> datetime_scheduled;
  std::optional<int64_t> datetime_scheduled_ts;
  std::string candidate_email, candidate_name;
  std::optional<std::string> candidate_phone, candidate_gender;
  std::optional<std::string> interviewer_name, interviewer_email;
  std::optional<std::string> callback_params;  // JSON object text
  std::optional<std::string> redirect_url;
  std::string token;
  int64_t created_at = 0, updated_at = 0;
  // From the vacancy, on read.
  std::string title, kind, scope;
  std::optional<std::string> reference_id;
  int64_t num_of_questions = 0;
  // From the live room's presence (live_presence), on read: when the
  // candidate and the interviewer were first in the room (live only).
  std::optional<int64_t> candidate_joined_at, interviewer_joined_at;
};

struct InvitationFilter {
  std::optional<int64_t> vacancy_id;
  std::optional<int64_t> from, to;  // on datetime_scheduled
  std::optional<int64_t> updated_since;
  int64_t limit = -1, offset = 0;
};

// Finds or creates the candidate with that email in the account, updating
// name/phone/gender to the latest invitation's; sets inv->candidate_id.
Status UpsertCandidate(Db& db, Invitation* inv);
// Inserts an open invitation (token and timestamps assigned by the caller).
Status InsertInvitation(Db& db, Invitation* inv);
Status UpdateInvitation(Db& db, const Invitation& inv);
// Any status except revoked; NotFound otherwise.
Result<Invitation> GetInvitation(Db& db, int64_t account_id, int64_t id);
// By the candidate link's token, any status and account (the public pages).
Result<Invitation> GetInvitationByToken(Db& db, const std::string& token);
// The first (lowest) id of the vacancy's invitations, revoked ones excepted,
// whose candidate has that email, or 0 when there is none; a failed read's
// Status otherwise.
Result<int64_t> FindInvitationIdByEmail(Db& db, int64_t vacancy_id, const std::string& email);
// The open invitations the filter selects, ordered by id, each passed to
// `each` as it is read, in one Invitation object refilled per row (its
// strings keep their buffers, so a long list allocates about once per field
// instead of once per field and row). `each` must not keep the reference
// past its call. *total, set before the first call: how many the filter
// selects without its limit and offset. A failed read's Status; rows
// already passed stay passed.
Status ForEachOpenInvitation(Db& db, int64_t account_id, const InvitationFilter& f, int64_t* total,
                             const std::function<void(const Invitation&)>& each);
// open -> revoked. PreconditionFailed for a completed one.
Status RevokeInvitation(Db& db, int64_t account_id, int64_t id, int64_t now);
Status MarkInvitationCompleted(Db& db, int64_t id, int64_t now);

// The name and email of a user, as an email names them.
struct UserContact {
  std::string name, email;
};
// The user who created invitation `invitation_id` of the account (its
// recruiter_id); nullopt when the invitation has none or does not exist.
// For the emails (mail/enqueue.h): their inviting recruiter.
Result<std::optional<UserContact>> GetInvitationInviter(Db& db, int64_t account_id,
                                                        int64_t invitation_id);

Status InsertGuest(Db& db, int64_t account_id, Guest* g, int64_t now);
Result<Guest> GetGuest(Db& db, int64_t account_id, int64_t invitation_id, int64_t id);
Status ListGuests(Db& db, int64_t account_id, int64_t invitation_id, std::vector<Guest>* out);
Status UpdateGuest(Db& db, int64_t account_id, const Guest& g);
Status DeleteGuest(Db& db, int64_t account_id, int64_t invitation_id, int64_t id);

}  // namespace cammio
