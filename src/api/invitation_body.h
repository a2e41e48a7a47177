// The body of an invitation (create and update), parsed and checked before
// the write (docs/decisions.md, "The writer thread only writes"): parsing
// is pure; the rules over the merged invitation need no reads and run again
// inside the write.
//
// Thread-safety: plain functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "cammio/document.h"
#include "cammio/status.h"
#include "store/invitations.h"

namespace cammio {

// The fields an invitation body sets, parsed and checked before the write.
// An outer nullopt: the body does not name the field.
struct InvitationPatch {
  std::optional<std::string> candidate_email, candidate_name;
  std::optional<std::optional<std::string>> candidate_phone, candidate_gender;
  std::optional<std::optional<std::string>> datetime_scheduled;
  std::optional<std::optional<int64_t>> datetime_scheduled_ts;
  std::optional<std::optional<std::string>> interviewer_name, interviewer_email;
  std::optional<std::optional<std::string>> redirect_url, callback_params;
};

// Parses the body's fields (create or update). Pure: no rule here depends
// on a stored row.
Status ParseInvitationPatch(const Value& body, InvitationPatch* p);

// Sets what `p` names onto `inv` (create: a new one; update: the stored one).
void ApplyInvitationPatch(const InvitationPatch& p, Invitation* inv);

// The rules over the merged invitation. `kind` is the vacancy's kind, for
// the live-only rule. No reads: cheap enough to run again inside the write,
// where the stored row (update) or the vacancy's kind may have moved.
Status CheckInvitation(const std::string& kind, const Invitation& inv);

// The body field an error of ParseInvitationPatch or CheckInvitation is
// about ("candidate_email"; "callback_params" for its members): their
// details start with that name, as every Fields error's do. "" when the
// details start otherwise.
std::string InvitationErrorField(const Status& error);

}  // namespace cammio
