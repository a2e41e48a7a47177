// Creating an invitation, in the steps every create path takes (the single
// POST .../invitations and the import, api/invitation_import.cc), so both
// create exactly the same rows and emails (docs/decisions.md "The writer
// thread only writes"):
//   1. before any read: NewInvitationFor (the row from the parsed body, its
//      token and times);
//   2. on a read snapshot, once the vacancy's rules passed:
//      ComposeInvitationMail (the candidate's email, from the snapshot's
//      vacancy row);
//   3. inside the write, after the vacancy's kind was read again and the
//      rules ran again: InsertNewInvitation (the insert, the re-read for the
//      answer, the emails' outbox rows).
//
// Thread-safety: plain functions; a NewInvitation belongs to one request.
#pragma once

#include <cstdint>
#include <string>

#include "api/call.h"
#include "api/invitation_body.h"
#include "store/invitations.h"
#include "store/mail_outbox.h"
#include "store/vacancies.h"

namespace cammio {

// One invitation on its way into the database.
struct NewInvitation {
  Invitation inv;              // after InsertNewInvitation: the stored row
  mail::OutboxMail mail;       // the candidate's email (ComposeInvitationMail)
  std::string interviewer_id;  // the Message-ID of a live vacancy's interviewer email
};

// Step 1: the invitation to `vacancy_id` that `patch` describes, by the
// caller (its recruiter), with a new token, created and updated now.
NewInvitation NewInvitationFor(const Call& call, int64_t vacancy_id, const InvitationPatch& patch);

// Step 2: composes the candidate's email to vacancy `v` (GetVacancyRow on
// the snapshot) from the caller. Pure.
void ComposeInvitationMail(const Call& call, const Vacancy& v, NewInvitation* n);

// Step 3, inside the write (the caller has checked the vacancy's kind and
// CheckInvitation on the write's own reads): inserts n->inv (and its
// candidate), re-reads it into n->inv, and inserts the candidate's email
// and, for a live vacancy `v`, the interviewer's (none when the account's
// email is disabled). Errors are the database's; the caller's write then
// rolls back whatever this inserted.
Status InsertNewInvitation(Db& db, const Call& call, const Vacancy& v, NewInvitation* n);

}  // namespace cammio
