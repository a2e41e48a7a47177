// Handlers of /api/invitations[/:id] and guests, flat and nested under
// /api/vacancies/:vacancy_id. Every handler reads the optional :vacancy_id
// and restricts itself to that vacancy.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "api/call.h"
#include "config/public_links.h"
#include "format/doc_writer.h"
#include "store/invitations.h"

namespace cammio {

// {"invitation": {...}}; `guests` (when not null) are embedded. Written to
// `out`, or as a tree.
void WriteInvitation(DocWriter& out, const Invitation& inv, const PublicLinks& links,
                     const std::vector<Guest>* guests);
Value InvitationDocument(const Invitation& inv, const PublicLinks& links,
                         const std::vector<Guest>* guests);

Status ListInvitationsHandler(Call& call);
Status CreateInvitationHandler(Call& call);
Status GetInvitationHandler(Call& call);
Status UpdateInvitationHandler(Call& call);
Status DeleteInvitationHandler(Call& call);
// POST .../invitations/:id/resend: queues the candidate's invitation email
// again (composed as on create, a new Message-ID) and answers 202 with the
// invitation. 404 for a missing, revoked or another account's id; 412 for a
// completed invitation or an account whose email is disabled. Writes only
// the mail outbox, so it evicts no cached answer (store/change_scopes.cc).
Status ResendInvitationHandler(Call& call);

// POST /api/vacancies/:vacancy_id/invitations/import (api/invitation_import.cc,
// docs/decisions.md "Invitation import"): body {"invitations": [{...}, ...]},
// each row the body of POST .../invitations (a row's vacancy_id is ignored:
// the path names the vacancy), at most kMaxImportRows rows. All or nothing:
// - another account's or a missing vacancy: 404;
// - no `invitations` array: 400 (412 when absent); more rows than the cap:
//   413; an empty one: 400;
// - any bad row (the single create's rules, per row, plus a candidate_email
//   already in an earlier row, without case): nothing is written, and the
//   answer is the error document with `errors`: [{row (1-based), field
//   (or null), code, details}] for every bad row, 400 when a row is
//   malformed (a wrong type, not an object), else 412. The one handler that
//   renders an error itself: a Status carries one error, not a list;
// - else every row is created, with its emails, in one store write (one
//   transaction), and the answer is 201 with the invitations in row order,
//   each as POST .../invitations answers it.
// Idempotency-Key works as on every POST (api/idempotency.h).
inline constexpr size_t kMaxImportRows = 1000;
Status ImportInvitationsHandler(Call& call);

Status ListGuestsHandler(Call& call);
Status CreateGuestHandler(Call& call);
Status GetGuestHandler(Call& call);
Status UpdateGuestHandler(Call& call);
Status DeleteGuestHandler(Call& call);

}  // namespace cammio
