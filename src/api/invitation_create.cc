#include "api/invitation_create.h"

#include "mail/enqueue.h"
#include "mail/message.h"
#include "util/random.h"

namespace cammio {

NewInvitation NewInvitationFor(const Call& call, int64_t vacancy_id, const InvitationPatch& patch) {
  NewInvitation n;
  Invitation& inv = n.inv;
  inv.account_id = call.account_id();
  inv.vacancy_id = vacancy_id;
  inv.recruiter_id = call.principal().user.id;
  inv.token = OrderedToken(20);
  inv.created_at = inv.updated_at = call.now();
  ApplyInvitationPatch(patch, &inv);
  n.interviewer_id = mail::NewMessageId(call.ctx().links.host());
  return n;
}

void ComposeInvitationMail(const Call& call, const Vacancy& v, NewInvitation* n) {
  const PublicLinks& links = call.ctx().links;
  // The inviter is the caller: authentication read its user row.
  const User& me = call.principal().user;
  n->mail = mail::ComposeCandidateInvitation(links, n->inv, v, UserContact{me.name, me.email},
                                             mail::NewMessageId(links.host()), call.now());
}

Status InsertNewInvitation(Db& db, const Call& call, const Vacancy& v, NewInvitation* n) {
  Status st = InsertInvitation(db, &n->inv);
  if (!st.ok()) return st;
  auto stored = GetInvitation(db, n->inv.account_id, n->inv.id);
  if (!stored.ok()) return stored.status();
  n->inv = std::move(stored.value());
  // The candidate row keeps the address as first seen (emails are matched
  // without case): the stored one is the recipient.
  n->mail.to_address = n->inv.candidate_email;
  st = mail::InsertComposed(db, &n->mail, n->inv.id);
  if (!st.ok()) return st;
  // Live: the interviewer's own link names the invitation's id, which only
  // exists now (one template render, no reads).
  const User& me = call.principal().user;
  auto to_interviewer = mail::ComposeInterviewerInvitation(
      call.ctx().links, n->inv, v, UserContact{me.name, me.email}, n->interviewer_id, call.now());
  if (!to_interviewer) return Status::OK();
  return mail::InsertComposed(db, &*to_interviewer, n->inv.id);
}

}  // namespace cammio
