// The page behind a guest's link, /public/guests/<guest id>.<mac> (mailed by
// mail::EnqueueGuestInvitation): the live interview the guest is invited to
// join -- vacancy, candidate, scheduled time in the vacancy's language and
// the interviewer, who shares the meeting itself. The token is checked by
// recomputing mail::GuestToken from the guest's invitation; nothing else is
// stored for it.
#include "api/router.h"
#include "mail/enqueue.h"
#include "store/invitations.h"
#include "store/vacancies.h"
#include "store/web_links.h"
#include "util/crypto.h"
#include "web/html.h"
#include "web/i18n.h"
#include "web/interview_view.h"
#include "web/pages.h"

namespace cammio::web {
namespace {

using Vars = std::vector<std::pair<std::string, std::string>>;

// What the guest page shows; read in one snapshot.
struct GuestView {
  GuestOfInvitation guest;
  Invitation invitation;
  Vacancy vacancy;
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
    out->guest = std::move(g.value());
    out->invitation = std::move(inv.value());
    out->vacancy = std::move(v.value());
    return Status::OK();
  });
}

struct Person {
  std::string name, email;
};

// Who runs the interview, as the guest's email named them: the invitation's
// interviewer, else the inviting user, else the vacancy's recruiter.
Person Interviewer(const GuestView& g) {
  Person p{g.vacancy.recruiter_name, g.vacancy.recruiter_email};
  if (!g.guest.inviter_name.empty()) p = Person{g.guest.inviter_name, g.guest.inviter_email};
  const Invitation& inv = g.invitation;
  if (inv.interviewer_name && !inv.interviewer_name->empty()) p.name = *inv.interviewer_name;
  if (inv.interviewer_email && !inv.interviewer_email->empty()) p.email = *inv.interviewer_email;
  return p;
}

std::string Fact(const std::string& lang, const char* key, const std::string& value_html) {
  return "<dt>" + Escape(Text(lang, key)) + "</dt><dd>" + value_html + "</dd>\n";
}

std::string PersonHtml(const Person& p) {
  std::string html = Escape(p.name);
  if (!p.email.empty()) {
    html += " &lt;<a href=\"mailto:" + Escape(p.email) + "\">" + Escape(p.email) + "</a>&gt;";
  }
  return html;
}

void ReplyGuestPage(Call& call, const GuestView& g, const std::string& lang) {
  const Invitation& inv = g.invitation;
  const Person interviewer = Interviewer(g);
  Page p;
  p.lang = lang;
  p.header = g.vacancy.title;
  p.title = Format(lang, "guest_title", {{"candidate", inv.candidate_name}});
  p.body = "<section class=\"card\">\n<h1 tabindex=\"-1\">" + Escape(p.title) + "</h1>\n<p>" +
           Escape(Format(lang, "guest_intro",
                         {{"guest", g.guest.guest.name},
                          {"candidate", inv.candidate_name},
                          {"title", g.vacancy.title}})) +
           "</p>\n<dl class=\"facts\">\n" +
           Fact(lang, "guest_vacancy", Escape(g.vacancy.title)) +
           Fact(lang, "candidate", Escape(inv.candidate_name)) +
           Fact(lang, "guest_when", Escape(DisplaySchedule(lang, inv.datetime_scheduled))) +
           Fact(lang, "guest_interviewer", PersonHtml(interviewer)) + "</dl>\n" +
           "<p class=\"note\" id=\"meeting\">" +
           Escape(Format(lang, "guest_meeting_note", {{"interviewer", interviewer.name}})) +
           "</p>\n</section>";
  ReplyPage(call.res(), 200, p);
}

}  // namespace

Status GuestPageHandler(Call& call) {
  GuestView g;
  Status s = LoadGuestView(call, &g);
  if (!s.ok()) return s;
  const std::string lang =
      PickLanguage(g.vacancy.language, call.req().get_header_value("Accept-Language"));
  call.res().set_header("Content-Language", lang);
  const Vars vars = {{"candidate", g.invitation.candidate_name},
                     {"title", g.vacancy.title},
                     {"recruiter", Interviewer(g).name}};
  if (g.invitation.status == "revoked") {
    ReplyMessage(call.res(), 410, lang, Text(lang, "guest_revoked_title"),
                 Format(lang, "guest_revoked_text", vars));
  } else if (g.invitation.status == "completed") {
    ReplyMessage(call.res(), 200, lang, Text(lang, "guest_done_title"),
                 Format(lang, "guest_done_text", vars));
  } else {
    ReplyGuestPage(call, g, lang);
  }
  return Status::OK();
}

}  // namespace cammio::web
