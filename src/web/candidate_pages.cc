// The candidate's pages: the automated interview behind an invitation link,
// its question videos and intro video, and public vacancies (a name and email form that
// creates an invitation and continues on its link). The interview itself runs
// in the browser (assets/candidate.js) against the JSON, upload and
// completion endpoints of api/candidate.h and api/uploads.h.
#include "api/fields.h"
#include "config/public_links.h"
#include "store/invitations.h"
#include "store/vacancies.h"
#include "store/web_links.h"
#include "util/random.h"
#include "web/html.h"
#include "web/i18n.h"
#include "web/interview_view.h"
#include "web/live_pages.h"
#include "web/pages.h"

namespace cammio::web {
namespace {

std::string AcceptLanguage(const Call& call) {
  return call.req().get_header_value("Accept-Language");
}

// The page language, also told to the error renderer (Content-Language).
std::string UseLanguage(Call& call, const Vacancy& v) {
  std::string lang = PickLanguage(v.language, AcceptLanguage(call));
  call.res().set_header("Content-Language", lang);
  return lang;
}

// Answers the page for a link that cannot run an automated interview (a
// revoked, completed or expired invitation). False when it can.
bool ReplyLinkState(Call& call, const Invitation& inv, const Vacancy& v, const std::string& lang) {
  auto& res = call.res();
  const std::vector<std::pair<std::string, std::string>> vars = {
      {"recruiter", v.recruiter_name},
      {"title", v.title},
      {"date", v.datetime_end_ts ? DisplayTime(v.datetime_end_ts) : v.datetime_end},
  };
  if (inv.status == "revoked") {
    ReplyMessage(res, 410, lang, Text(lang, "invitation_revoked_title"),
                 Format(lang, "invitation_revoked_text", vars));
  } else if (inv.status == "completed") {
    ReplyMessage(res, 410, lang, Text(lang, "invitation_completed_title"),
                 Format(lang, "invitation_completed_text", vars));
  } else if (v.datetime_end_ts < call.now()) {
    ReplyMessage(res, 410, lang, Text(lang, "vacancy_closed_title"),
                 Format(lang, "vacancy_closed_text", vars));
  } else {
    return false;
  }
  return true;
}

Status LoadInvitation(Call& call, Invitation* inv, Vacancy* v) {
  return call.store().Read([&](Db& db) {
    auto i = GetInvitationByToken(db, call.Token("token"));
    if (!i.ok()) return i.status();
    auto vac = GetVacancy(db, i->account_id, i->vacancy_id);
    if (!vac.ok()) return vac.status();
    *inv = std::move(i.value());
    *v = std::move(vac.value());
    return Status::OK();
  });
}

// The apply form of a public vacancy; `errors` are plain texts by field.
void ReplyApplyForm(Call& call, int http_status, const Vacancy& v, const std::string& lang,
                    const std::map<std::string, std::string>& form,
                    const std::map<std::string, std::string>& errors) {
  Page p;
  p.lang = lang;
  p.header = v.title;
  p.title = Format(lang, "apply_title", {{"title", v.title}});
  std::string html =
      "<section class=\"card\">\n<h1 tabindex=\"-1\">" + Escape(p.title) + "</h1>\n<p>" +
      Escape(Format(lang, "apply_intro", {{"recruiter", v.recruiter_name}})) + "</p>\n";
  if (v.generic_invitation_text) {
    html += "<p class=\"text\">" + Escape(*v.generic_invitation_text) + "</p>\n";
  }
  html += "<form method=\"post\" class=\"apply\" novalidate>\n";
  auto field = [&](const char* name, const char* type, const char* label_key,
                   const char* autocomplete) {
    auto err = errors.find(name);
    auto val = form.find(name);
    std::string id = std::string("apply-") + name;
    html += "<label for=\"" + id + "\">" + Escape(Text(lang, label_key)) + "</label>\n";
    if (err != errors.end()) {
      html += "<p class=\"error\" id=\"" + id + "-error\">" + Escape(err->second) + "</p>\n";
    }
    html += "<input id=\"" + id + "\" name=\"" + name + "\" type=\"" + type +
            "\" required maxlength=\"200\" autocomplete=\"" + autocomplete + "\" value=\"" +
            Escape(val == form.end() ? "" : val->second) + "\"";
    if (err != errors.end()) html += " aria-invalid=\"true\" aria-describedby=\"" + id + "-error\"";
    html += ">\n";
  };
  field("name", "text", "apply_name", "name");
  field("email", "email", "apply_email", "email");
  html += "<button type=\"submit\" class=\"primary\">" + Escape(Text(lang, "apply_start")) +
          "</button>\n</form>\n</section>";
  p.body = html;
  ReplyPage(call.res(), http_status, p);
}

// Answers the page for a public vacancy that takes no applications now
// (closed, not open yet, live). False when it takes them.
bool ReplyVacancyState(Call& call, const Vacancy& v, const std::string& lang) {
  const std::vector<std::pair<std::string, std::string>> vars = {
      {"title", v.title},
      {"recruiter", v.recruiter_name},
      {"date", DisplayTime(v.datetime_end_ts)}};
  if (v.datetime_end_ts < call.now()) {
    ReplyMessage(call.res(), 410, lang, Text(lang, "vacancy_closed_title"),
                 Format(lang, "vacancy_closed_text", vars));
  } else if (v.datetime_start_ts > call.now()) {
    ReplyMessage(
        call.res(), 200, lang, Text(lang, "vacancy_not_open_title"),
        Format(lang, "vacancy_not_open_text", {{"date", DisplayTime(v.datetime_start_ts)}}));
  } else if (v.kind == "live") {
    ReplyMessage(call.res(), 200, lang, Text(lang, "live_title"),
                 Format(lang, "live_public_text", vars));
  } else {
    return false;
  }
  return true;
}

// The lobby and room of a live interview (web/live_pages.h).
Status ReplyCandidateLivePage(Call& call, const Invitation& inv, const Vacancy& v,
                              const std::string& lang) {
  std::string inviter;
  Status s = call.store().Read([&](Db& db) {
    auto who = GetInvitationInviter(db, inv.account_id, inv.id);
    if (!who.ok()) return who.status();
    if (who->has_value()) inviter = (*who)->name;
    return Status::OK();
  });
  if (!s.ok()) return s;
  LiveLink link;
  link.base = PublicLinks::CandidateInterviewPath(inv.token);
  link.role = "candidate";
  link.name = inv.candidate_name;
  link.interviewer_name = InterviewerName(inv, v, inviter);
  link.invitation = &inv;
  link.vacancy = &v;
  return ReplyLivePage(call, link, lang);
}

Result<Vacancy> LoadPublicVacancy(Call& call) {
  Result<Vacancy> v = Status::Internal("unset");
  Status s = call.store().Read([&](Db& db) {
    v = GetPublicVacancy(db, call.Token("token"));
    return v.status();
  });
  if (!s.ok()) return s;
  return v;
}

}  // namespace

Status CandidatePageHandler(Call& call) {
  Invitation inv;
  Vacancy v;
  Status s = LoadInvitation(call, &inv, &v);
  if (!s.ok()) return s;
  std::string lang = UseLanguage(call, v);
  if (v.kind == "live") return ReplyCandidateLivePage(call, inv, v, lang);
  if (ReplyLinkState(call, inv, v, lang)) return Status::OK();
  Page p;
  p.lang = lang;
  p.title = v.title;
  p.header = v.title;
  p.strings = true;
  p.scripts = {"common.js", "uploads.js", "candidate.js"};
  p.body = "<div id=\"app\" class=\"flow\" data-token=\"" + Escape(call.Token("token")) +
           "\">\n<section class=\"card\"><h1 tabindex=\"-1\">" + Escape(v.title) + "</h1><p>" +
           Escape(Text(lang, "loading")) + "</p></section>\n</div>\n" +
           "<noscript><section class=\"card message\"><p>" + Escape(Text(lang, "noscript")) +
           "</p></section></noscript>\n" +
           "<div id=\"announcer\" class=\"sr-only\" aria-live=\"polite\" aria-atomic=\"true\">"
           "</div>";
  ReplyPage(call.res(), 200, p);
  return Status::OK();
}

Status QuestionVideoHandler(Call& call) {
  Invitation inv;
  Vacancy v;
  Status s = LoadInvitation(call, &inv, &v);
  if (!s.ok()) return s;
  if (inv.status != "open") return Status::Gone("this interview is no longer open");
  for (const Question& q : v.questions) {
    if (q.id == call.Param("question_id") && q.video_id) {
      return ReplyMedia(call, inv.account_id, *q.video_id);
    }
  }
  return Status::NotFound("this question has no video");
}

Status IntroVideoHandler(Call& call) {
  Invitation inv;
  Vacancy v;
  Status s = LoadInvitation(call, &inv, &v);
  if (!s.ok()) return s;
  if (inv.status != "open") return Status::Gone("this interview is no longer open");
  if (!v.intro_video_id) return Status::NotFound("this interview has no intro video");
  return ReplyMedia(call, inv.account_id, *v.intro_video_id);
}

Status PublicVacancyPageHandler(Call& call) {
  auto v = LoadPublicVacancy(call);
  if (!v.ok()) return v.status();
  std::string lang = UseLanguage(call, *v);
  if (ReplyVacancyState(call, *v, lang)) return Status::OK();
  ReplyApplyForm(call, 200, *v, lang, {}, {});
  return Status::OK();
}

Status PublicVacancyApplyHandler(Call& call) {
  auto v = LoadPublicVacancy(call);
  if (!v.ok()) return v.status();
  std::string lang = UseLanguage(call, *v);
  if (ReplyVacancyState(call, *v, lang)) return Status::OK();
  auto form = ParseForm(call.body());
  Value body = Value::Object();
  body.Set("name", Value::String(form["name"]));
  body.Set("email", Value::String(form["email"]));
  std::map<std::string, std::string> errors;
  Fields name_check(body);
  std::string name = name_check.RequiredString("name", 200);
  if (!name_check.ok() || name.find_first_not_of(" \t") == std::string::npos) {
    errors["name"] = Text(lang, "apply_name_error");
  }
  Fields email_check(body);
  auto email = email_check.Email("email");
  if (!email_check.ok() || !email || email->empty()) {
    errors["email"] = Text(lang, "apply_email_error");
  }
  if (!errors.empty()) {
    ReplyApplyForm(call, 400, *v, lang, form, errors);
    return Status::OK();
  }
  Invitation inv;
  inv.account_id = v->account_id;
  inv.vacancy_id = v->id;
  inv.recruiter_id = v->recruiter_id;
  inv.candidate_name = name;
  inv.candidate_email = *email;
  inv.token = OrderedToken(20);
  inv.created_at = inv.updated_at = call.now();
  Status s = call.store().Write([&](Db& db) { return InsertInvitation(db, &inv); });
  if (!s.ok()) return s;
  call.res().status = 303;
  call.res().set_header("Location", PublicLinks::CandidateInterviewPath(inv.token));
  call.res().set_header("Cache-Control", "no-store");
  return Status::OK();
}

}  // namespace cammio::web
