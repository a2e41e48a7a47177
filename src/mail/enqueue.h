// The emails events cause, queued in the caller's write transaction (the Db
// of its Store::Write), so an email exists exactly when its event was
// committed; the sender delivers it after the commit (call Sender::Kick()
// then, to send at once).
//
// Two steps, so the writer thread only writes (docs/decisions.md, "The
// writer thread only writes"):
//   Compose*  before the write, pure: from rows the caller read in a
//             snapshot (Store::Read) it renders the texts (mail/templates.h)
//             into an outbox row. The same inputs give the same bytes.
//   Insert*   inside the write: checks that the account's email is on (a
//             read that decides) and inserts the row, naming the row it is
//             about (ref_id), whose id only exists after its own insert.
// The Enqueue* functions do both in one transaction, for callers that only
// hold a Db (the completion's events, the CLI, tests).
//
// When the account's email is disabled (mail::EmailDisabled) nothing is
// queued and OK is returned. NotFound when a row named does not exist in the
// account. `links` builds the links (config/public_links.h).
//
// Thread-safety: plain functions; the Db ones run over a Db the caller holds.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "cammio/status.h"
#include "config/public_links.h"
#include "mail/icalendar.h"
#include "mail/templates.h"
#include "store/accounts.h"
#include "store/db.h"
#include "store/interviews.h"
#include "store/invitations.h"
#include "store/mail_outbox.h"
#include "store/vacancies.h"

namespace cammio::mail {

// ---------------------------------------------------------------- Compose

// (1) The candidate's invitation for `inv` (as it is or will be inserted: its
// id is not needed) to vacancy `v` (GetVacancyRow), from `inviter` (the user
// who invites; nullopt: the vacancy's recruiter). `message_id` is the new
// Message-ID (NewMessageId), `now` the creation time. Pure.
OutboxMail ComposeCandidateInvitation(const PublicLinks& links, const Invitation& inv,
                                      const Vacancy& v, const std::optional<UserContact>& inviter,
                                      const std::string& message_id, int64_t now);

// (3) The reviewer's invitation for reviewer `r` (its token is made before
// the write; its id is not needed) of interview `w` of vacancy `v`. Pure.
OutboxMail ComposeReviewerInvitation(const PublicLinks& links, const Reviewer& r,
                                     const Interview& w, const Vacancy& v,
                                     const std::string& message_id, int64_t now);

// (2) A guest's invitation, composed as far as it can be before the write:
// the guest's link is an HMAC over the guest's id (GuestToken), which only
// exists after the guest's insert, so the texts are rendered by
// InsertGuestInvitation inside the write (one template render, no reads).
struct GuestMailDraft {
  Language language = Language::kEnglish;
  GuestInvitationInfo info;  // all but `link`
  std::string invitation_token;
  std::optional<CalendarEvent> event;  // all but the link (live + scheduled)
  OutboxMail row;                      // all but the texts, the id and the ref_id
};
// For guest `g` (name and email; its id is not needed) of invitation `inv`
// of vacancy `v`, from `inviter` (GetInvitationInviter). Pure.
GuestMailDraft ComposeGuestInvitation(const PublicLinks& links, const Invitation& inv,
                                      const Vacancy& v, const std::optional<UserContact>& inviter,
                                      const Guest& g, const std::string& message_id, int64_t now);

// (2b) The interviewer's invitation of a live invitation `inv` (stored: its
// id names the link, InterviewerLink) to vacancy `v`, from `inviter`
// (GetInvitationInviter, or the creating user). The recipient is the
// invitation's interviewer_email/name, else the inviter, else the vacancy's
// recruiter. nullopt when `v` is not live or there is no valid address. Pure.
std::optional<OutboxMail> ComposeInterviewerInvitation(const PublicLinks& links,
                                                       const Invitation& inv, const Vacancy& v,
                                                       const std::optional<UserContact>& inviter,
                                                       const std::string& message_id, int64_t now);

// The calendar event of live invitation `inv` of vacancy `v`, without the
// recipient's link and attendee: nullopt unless `v` is live and `inv` has a
// datetime_scheduled. UID CalendarUid(inv.token), SEQUENCE the seconds
// between the invitation's creation and its last change (so every change
// counts higher), DTSTART the scheduled time, DTEND kLiveEventSeconds later,
// ORGANIZER `organizer`. Pure.
std::optional<CalendarEvent> LiveEvent(const PublicLinks& links, const Invitation& inv,
                                       const Vacancy& v, const UserContact& organizer, int64_t now);

// ---------------------------------------------------------------- Insert

// Inside the write: inserts the composed `m` about row `ref_id` (m.id is
// set) unless the account's email is disabled. Errors are the database's.
Status InsertComposed(Db& db, OutboxMail* m, int64_t ref_id);
// Inside the write: renders `draft` with the link of guest `guest_id` and
// inserts it, unless the account's email is disabled.
Status InsertGuestInvitation(Db& db, const PublicLinks& links, const GuestMailDraft& draft,
                             int64_t guest_id);

// ---------------------------------------------------------------- Enqueue (both)

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

// (2b) To the interviewer of a live invitation: date and time, and the
// interviewer's link InterviewerLink(...). OK without a mail when the
// vacancy is not live.
Status EnqueueInterviewerInvitation(Db& db, const PublicLinks& links, int64_t account_id,
                                    int64_t invitation_id, int64_t now);

// (3) To a reviewer: the review link <public_url>/public/reviews/<token>.
Status EnqueueReviewerInvitation(Db& db, const PublicLinks& links, int64_t account_id,
                                 int64_t interview_id, int64_t reviewer_id, int64_t now);

// (4) To the recruiter who sent the invitation (the vacancy's recruiter for an
// interview without one): the interview was completed, with the link
// <public_url>/recruiter/reviews/<interview_id>.
Status EnqueueInterviewCompleted(Db& db, const PublicLinks& links, int64_t account_id,
                                 int64_t interview_id, int64_t now);

// (5) To a console user: the one-time set-password `link` (made by
// store/console_sessions.h CreatePasswordLink), in `lang`. The account's name
// is read; nothing is queued when the account's email is disabled.
Status EnqueueConsoleInvitation(Db& db, const PublicLinks& links, const User& user,
                                const std::string& link, Language lang, int64_t valid_hours,
                                int64_t now);

// A guest's personal link, <public_url>/public/guests/<GuestToken(...)>.
std::string GuestLink(const PublicLinks& links, const std::string& invitation_token,
                      int64_t guest_id);
// "<guest_id>.<26 base32 characters>": an HMAC-SHA256 keyed with the
// (secret) candidate token, so a guest page can verify it from the guest's
// invitation without storing another token, and the guest never learns the
// candidate's link.
std::string GuestToken(const std::string& invitation_token, int64_t guest_id);

// The interviewer's personal link of a live invitation,
// <public_url>/public/interviewers/<InterviewerToken(...)>.
std::string InterviewerLink(const PublicLinks& links, const std::string& invitation_token,
                            int64_t invitation_id);
// "<invitation_id>.<26 base32 characters>": the first 128 bits of
// HMAC-SHA256(invitation_token, "cammio interviewer <invitation_id>"), the
// same shape as a GuestToken (the router's {token:guest} kind). A page looks
// the invitation up by the id before the dot and compares the whole token
// with ConstantTimeEquals(InterviewerToken(its token, its id), token). Pure.
std::string InterviewerToken(const std::string& invitation_token, int64_t invitation_id);

}  // namespace cammio::mail
