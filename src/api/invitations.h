// Handlers of /api/invitations[/:id] and guests, flat and nested under
// /api/vacancies/:vacancy_id. Every handler reads the optional :vacancy_id
// and restricts itself to that vacancy.
#pragma once

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

Status ListGuestsHandler(Call& call);
Status CreateGuestHandler(Call& call);
Status GetGuestHandler(Call& call);
Status UpdateGuestHandler(Call& call);
Status DeleteGuestHandler(Call& call);

}  // namespace cammio
