// The emails events cause, queued in the caller's write transaction (the Db
// of its Store::Write), so an email exists exactly when its event was
// committed. Each function reads what the email needs (vacancy, language,
// names, recruiter) through `db`, renders the texts (mail/templates.h) and
// inserts a pending outbox row; the sender delivers it after the commit
// (call Sender::Kick() then, to send at once).
//
// When the account's email is disabled (mail::EmailDisabled) nothing is
// queued and OK is returned. NotFound when a row named does not exist in the
// account. `links` builds the links (config/public_links.h).
//
// Thread-safety: plain functions over a Db the caller holds.
#pragma once

#include <cstdint>
#include <string>

#include "cammio/status.h"
#include "config/public_links.h"
#include "store/db.h"
#include "store/invitations.h"

namespace cammio::mail {

// (1) To the candidate: the invitation with the personal link
// <public_url>/public/job_interviews/<token>, the vacancy's
// generic_invitation_text, and for live vacancies the scheduled time. Reply-To
// is the interviewer (live) or the inviting recruiter.
Status EnqueueCandidateInvitation(Db& db, const PublicLinks& links, int64_t account_id,
                                  int64_t invitation_id, int64_t now);
// Same, for an invitation the caller has just read in this transaction
// (GetInvitation), so it is not read twice.
Status EnqueueCandidateInvitation(Db& db, const PublicLinks& links, const Invitation& inv,
                                  int64_t now);

// (2) To a guest of a live interview: date and time, and the guest's link
// GuestLink(...).
Status EnqueueGuestInvitation(Db& db, const PublicLinks& links, int64_t account_id,
                              int64_t invitation_id, int64_t guest_id, int64_t now);

// (3) To a reviewer: the review link <public_url>/public/reviews/<token>.
Status EnqueueReviewerInvitation(Db& db, const PublicLinks& links, int64_t account_id,
                                 int64_t interview_id, int64_t reviewer_id, int64_t now);

// (4) To the recruiter who sent the invitation (the vacancy's recruiter for an
// interview without one): the interview was completed, with the link
// <public_url>/recruiter/reviews/<interview_id>.
Status EnqueueInterviewCompleted(Db& db, const PublicLinks& links, int64_t account_id,
                                 int64_t interview_id, int64_t now);

// A guest's personal link, <public_url>/public/guests/<GuestToken(...)>.
std::string GuestLink(const PublicLinks& links, const std::string& invitation_token,
                      int64_t guest_id);
// "<guest_id>.<26 base32 characters>": an HMAC-SHA256 keyed with the
// (secret) candidate token, so a guest page can verify it from the guest's
// invitation without storing another token, and the guest never learns the
// candidate's link.
std::string GuestToken(const std::string& invitation_token, int64_t guest_id);

}  // namespace cammio::mail
