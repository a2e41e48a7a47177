// The live interview's pages (web/live_pages.h) and the interviewer's link,
// /public/interviewers/<invitation id>.<mac> (mail::InterviewerToken).
#include "web/live_pages.h"

#include "api/live.h"
#include "api/router.h"
#include "config/public_links.h"
#include "mail/enqueue.h"
#include "store/live_sessions.h"
#include "util/crypto.h"
#include "web/html.h"
#include "web/i18n.h"
#include "web/interview_view.h"
#include "web/pages.h"

namespace cammio::web {
namespace {

using Vars = std::vector<std::pair<std::string, std::string>>;

Vars TextVars(const LiveLink& link, const std::string& lang) {
  const int64_t minutes = link.lobby_minutes;
  return {{"title", link.vacancy->title},
          {"interviewer", link.interviewer_name},
          {"candidate", link.invitation->candidate_name},
          {"name", link.name},
          {"date", DisplaySchedule(lang, link.invitation->datetime_scheduled)},
          {"minutes", std::to_string(minutes)}};
}

// The shell live.js fills: the link's path, the vacancy and who interviews.
std::string AppHtml(const LiveLink& link, const std::string& lang, const std::string& inner,
                    bool ended) {
  return "<div id=\"app\" class=\"live\" data-base=\"" + Escape(link.base) + "\"" +
         (ended ? " data-ended" : "") + ">\n" + inner + "</div>\n" +
         "<noscript><section class=\"card message\"><p>" + Escape(Text(lang, "noscript")) +
         "</p></section></noscript>\n" +
         "<div id=\"announcer\" class=\"sr-only\" aria-live=\"polite\" aria-atomic=\"true\">"
         "</div>";
}

Page LivePage(const LiveLink& link, const std::string& lang, const std::string& title) {
  Page p;
  p.lang = lang;
  p.title = title;
  p.header = link.vacancy->title;
  p.strings = true;
  p.wide = true;
  p.styles = {"live.css"};
  p.scripts = {"common.js", "uploads.js", "live.js"};
  return p;
}

// The room cannot be entered any more (410): `title_key` and `text_key` say
// why; live.js still runs, so an upload this browser had not finished goes on.
void ReplyEnded(Call& call, const LiveLink& link, const std::string& lang,
                const char* title_key = "live_over_title",
                const char* text_key = "live_over_text") {
  const std::string title = Text(lang, title_key);
  Page p = LivePage(link, lang, title);
  p.body = AppHtml(link, lang,
                   "<section class=\"card message\">\n<h1 tabindex=\"-1\">" + Escape(title) +
                       "</h1>\n<p class=\"text\">" +
                       Escape(Format(lang, text_key, TextVars(link, lang))) + "</p>\n</section>\n",
                   true);
  ReplyPage(call.res(), 410, p);
}

void ReplyRoom(Call& call, const LiveLink& link, const std::string& lang) {
  Page p = LivePage(link, lang, Format(lang, "live_page_title", TextVars(link, lang)));
  std::string facts =
      "<dl class=\"facts\">\n<dt>" + Escape(Text(lang, "guest_when")) + "</dt><dd>" +
      Escape(DisplaySchedule(lang, link.invitation->datetime_scheduled)) + "</dd>\n";
  if (!link.interviewer_name.empty()) {
    facts += "<dt>" + Escape(Text(lang, "guest_interviewer")) + "</dt><dd id=\"interviewer\">" +
             Escape(link.interviewer_name) + "</dd>\n";
  }
  facts += "<dt>" + Escape(Text(lang, "candidate")) + "</dt><dd>" +
           Escape(link.invitation->candidate_name) + "</dd>\n</dl>\n";
  p.body = AppHtml(link, lang,
                   "<section class=\"card\"><h1 tabindex=\"-1\">" + Escape(p.title) + "</h1>\n" +
                       facts + "<p>" + Escape(Text(lang, "loading")) + "</p></section>\n",
                   false);
  ReplyPage(call.res(), 200, p);
}

// "<invitation id>.<mac>" -> the invitation's id; false when malformed.
bool InvitationIdOf(const std::string& token, int64_t* id) {
  size_t dot = token.find('.');
  return dot != std::string::npos && ParseId(std::string_view(token).substr(0, dot), id);
}

}  // namespace

std::string InterviewerName(const Invitation& inv, const Vacancy& v, const std::string& inviter) {
  if (inv.interviewer_name && !inv.interviewer_name->empty()) return *inv.interviewer_name;
  if (!inviter.empty()) return inviter;
  return v.recruiter_name;
}

Status ReplyLivePage(Call& call, LiveLink link, const std::string& lang) {
  const Invitation& inv = *link.invitation;
  const LiveRooms* rooms = call.ctx().live;
  link.lobby_minutes = rooms != nullptr ? rooms->settings().lobby_minutes : kLobbyMinutes;
  bool ended = inv.status == "completed";
  Status s = call.store().Read([&](Db& db) {
    auto session = GetLiveSession(db, inv.id);
    if (session.ok()) ended = ended || session->ended_at.has_value();
    return session.ok() || session.status().IsNotFound() ? Status::OK() : session.status();
  });
  if (!s.ok()) return s;
  const Vars vars = TextVars(link, lang);
  if (inv.status == "revoked") {
    ReplyMessage(call.res(), 410, lang, Text(lang, "live_revoked_title"),
                 Format(lang, "live_revoked_text", vars));
  } else if (link.removed) {
    ReplyEnded(call, link, lang, "live_removed_title", "live_removed_text");
  } else if (ended) {
    ReplyEnded(call, link, lang);
  } else if (inv.datetime_scheduled_ts &&
             call.now() < *inv.datetime_scheduled_ts - link.lobby_minutes * 60) {
    ReplyMessage(call.res(), 200, lang, Format(lang, "live_not_yet_title", vars),
                 Format(lang, "live_not_yet_text", vars));
  } else {
    ReplyRoom(call, link, lang);
  }
  return Status::OK();
}

Status InterviewerPageHandler(Call& call) {
  const std::string token = call.Token("token");
  int64_t id = 0;
  const Status unknown = Status::NotFound("this interviewer link is not known");
  if (!InvitationIdOf(token, &id)) return unknown;
  Invitation inv;
  Vacancy v;
  std::string inviter;
  Status s = call.store().Read([&](Db& db) {
    auto t = GetInvitationTokenOf(db, id);
    if (t.status().IsNotFound()) return unknown;
    if (!t.ok()) return t.status();
    if (!ConstantTimeEquals(mail::InterviewerToken(*t, id), token)) return unknown;
    auto i = GetInvitationByToken(db, *t);
    if (!i.ok()) return i.status();
    auto vac = GetVacancyRow(db, i->account_id, i->vacancy_id);
    if (!vac.ok()) return vac.status();
    auto who = GetInvitationInviter(db, i->account_id, i->id);
    if (!who.ok()) return who.status();
    if (who->has_value()) inviter = (*who)->name;
    inv = std::move(i.value());
    v = std::move(vac.value());
    return Status::OK();
  });
  if (!s.ok()) return s;
  if (v.kind != "live") return unknown;
  const std::string lang = PickLanguage(v.language, call.req().get_header_value("Accept-Language"));
  call.res().set_header("Content-Language", lang);
  LiveLink link;
  link.base = PublicLinks::InterviewerPagePath(token);
  link.role = "interviewer";
  link.interviewer_name = InterviewerName(inv, v, inviter);
  link.name = link.interviewer_name;
  link.invitation = &inv;
  link.vacancy = &v;
  return ReplyLivePage(call, link, lang);
}

}  // namespace cammio::web
