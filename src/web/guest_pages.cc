// The page behind a guest's link, /public/guests/<guest id>.<mac> (mailed by
// mail::EnqueueGuestInvitation): the lobby and room of the live interview the
// guest is invited to join (web/live_pages.h). The token is checked by
// recomputing mail::GuestToken from the guest's invitation; nothing else is
// stored for it.
#include "api/live_link.h"
#include "api/router.h"
#include "config/public_links.h"
#include "mail/enqueue.h"
#include "store/invitations.h"
#include "store/live_sessions.h"
#include "store/vacancies.h"
#include "store/web_links.h"
#include "util/crypto.h"
#include "web/html.h"
#include "web/i18n.h"
#include "web/live_pages.h"
#include "web/pages.h"

namespace cammio::web {
namespace {

// What the guest page shows; read in one snapshot.
struct GuestView {
  GuestOfInvitation guest;
  Invitation invitation;
  Vacancy vacancy;
  bool removed = false;  // by the interviewer, from the room
};

Status UnknownLink() { return Status::NotFound("this guest link is not known"); }

// Loads the guest the link names and verifies the link: an unknown guest and
// a wrong token answer alike (NotFound).
Status LoadGuestView(Call& call, GuestView* out) {
  const std::string token = call.Token("token");
  int64_t guest_id = 0;
  if (!ParseId(std::string_view(token).substr(0, token.find('.')), &guest_id)) {
    return UnknownLink();
  }
  return call.store().Read([&](Db& db) {
    auto g = GetGuestOfInvitation(db, guest_id);
    if (g.status().IsNotFound()) return UnknownLink();
    if (!g.ok()) return g.status();
    if (!ConstantTimeEquals(mail::GuestToken(g->invitation_token, guest_id), token)) {
      return UnknownLink();
    }
    auto inv = GetInvitationByToken(db, g->invitation_token);
    if (!inv.ok()) return inv.status();
    auto v = GetVacancyRow(db, inv->account_id, inv->vacancy_id);
    if (!v.ok()) return v.status();
    auto removed = IsGuestRemoved(db, guest_id);
    if (!removed.ok()) return removed.status();
    out->removed = *removed;
    out->guest = std::move(g.value());
    out->invitation = std::move(inv.value());
    out->vacancy = std::move(v.value());
    return Status::OK();
  });
}

// A deleted guest's link (its token still right): 410, said in the
// browser's language (the guest's invitation is not read).
bool ReplyDeletedGuest(Call& call) {
  cammio::LiveLink l;
  Status s = call.store().Read(
      [&](Db& db) { return LoadLiveLinkAnyState(db, LiveBase::kGuest, call.Token("token"), &l); });
  if (s.code() != Status::Code::kGone || l.invitation.id != 0) return false;
  const std::string lang =
      PickLanguage(std::nullopt, call.req().get_header_value("Accept-Language"));
  call.res().set_header("Content-Language", lang);
  ReplyMessage(call.res(), 410, lang, Text(lang, "live_guest_deleted_title"),
               Text(lang, "live_guest_deleted_text"));
  return true;
}

}  // namespace

Status GuestPageHandler(Call& call) {
  GuestView g;
  Status s = LoadGuestView(call, &g);
  if (s.IsNotFound() && ReplyDeletedGuest(call)) return Status::OK();
  if (!s.ok()) return s;
  const std::string lang =
      PickLanguage(g.vacancy.language, call.req().get_header_value("Accept-Language"));
  call.res().set_header("Content-Language", lang);
  LiveLink link;
  link.base = PublicLinks::GuestPagePath(call.Token("token"));
  link.role = "guest";
  link.name = g.guest.guest.name;
  link.interviewer_name = InterviewerName(g.invitation, g.vacancy, g.guest.inviter_name);
  link.invitation = &g.invitation;
  link.vacancy = &g.vacancy;
  link.removed = g.removed;
  return ReplyLivePage(call, link, lang);
}

}  // namespace cammio::web
