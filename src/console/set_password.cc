// GET/POST /console/set-password?token=...: a one-time link (console/invite.h)
// lets its user choose a password (util/password.h CheckNewPassword). Using
// it closes the link and ends the user's sessions.
#include <optional>

#include "api/router.h"
#include "console/forms.h"
#include "console/handlers.h"
#include "store/console_sessions.h"
#include "util/password.h"
#include "web/html.h"
#include "web/i18n.h"
#include "web/interview_view.h"

namespace cammio::console {
namespace {

using web::Escape;
using web::Text;

constexpr size_t kMaxToken = 128;

void ReplyForm(Call& call, int http_status, const std::string& lang, const std::string& token,
               const User& user, const std::string& error) {
  const std::string csrf = IssueFormToken(call);
  std::string html = "<p>" + Escape(user.email) + "</p>\n" + ErrorHtml(error);
  html += "<form class=\"console-form\" method=\"post\" action=\"/console/set-password?lang=" +
          Escape(lang) + "\">\n";
  html += "<input type=\"hidden\" name=\"csrf\" value=\"" + csrf + "\">\n";
  html += "<input type=\"hidden\" name=\"token\" value=\"" + Escape(token) + "\">\n";
  html += "<input type=\"hidden\" name=\"username\" autocomplete=\"username\" value=\"" +
          Escape(user.email) + "\">\n";
  html += "<p>" + Escape(Text(lang, "console_password_rules")) + "</p>\n";
  html += "<label for=\"password\">" + Escape(Text(lang, "console_password")) + "</label>\n";
  html +=
      "<input id=\"password\" name=\"password\" type=\"password\" autocomplete=\"new-password\" "
      "required minlength=\"10\" maxlength=\"1024\">\n";
  html += "<label for=\"password2\">" + Escape(Text(lang, "console_password_again")) + "</label>\n";
  html +=
      "<input id=\"password2\" name=\"password2\" type=\"password\" "
      "autocomplete=\"new-password\" required minlength=\"10\" maxlength=\"1024\">\n";
  html += "<button type=\"submit\" class=\"primary\">" +
          Escape(Text(lang, "console_set_password_button")) + "</button>\n</form>\n";
  ReplyFormPage(call, http_status, lang, Text(lang, "console_set_password_title"), html);
}

// The answer for a link that is not open: 404 unknown, 410 used or expired.
Status ReplyLinkError(Call& call, const std::string& lang, const Status& s) {
  if (s.code() == Status::Code::kGone || s.IsNotFound()) {
    ReplyFormPage(call, s.IsNotFound() ? 404 : 410, lang, Text(lang, "console_link_gone_title"),
                  "<p>" + Escape(Text(lang, "console_link_gone_text")) + "</p>\n");
    return Status::OK();
  }
  return s;
}

bool PlausibleToken(const std::string& token) {
  if (token.empty() || token.size() > kMaxToken) return false;
  for (char c : token) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))) return false;
  }
  return true;
}

// The user of the open link `token`; nullopt when it is not open: then its
// error page was answered and *error is OK, or *error is the error to return.
std::optional<User> OpenLinkUser(Call& call, const std::string& lang, const std::string& token,
                                 Status* error) {
  if (!PlausibleToken(token)) {
    *error = ReplyLinkError(call, lang, Status::NotFound("no such link"));
    return std::nullopt;
  }
  Result<User> user = Status::Internal("unset");
  *error = call.store().Read([&](Db& db) {
    user = GetPasswordLinkUser(db, token, call.now());
    return Status::OK();
  });
  if (!error->ok()) return std::nullopt;
  if (!user.ok()) {
    *error = ReplyLinkError(call, lang, user.status());
    return std::nullopt;
  }
  return user.value();
}

}  // namespace

Status SetPasswordPageHandler(Call& call) {
  const std::string lang = FormLanguage(call);
  const std::string token = call.req().get_param_value("token");
  Status error;
  std::optional<User> user = OpenLinkUser(call, lang, token, &error);
  if (!user) return error;
  ReplyForm(call, 200, lang, token, *user, "");
  return Status::OK();
}

Status SetPasswordHandler(Call& call) {
  const std::string lang = FormLanguage(call);
  auto form = web::ParseForm(call.body());
  const std::string token = form["token"];
  Status error;
  std::optional<User> user = OpenLinkUser(call, lang, token, &error);
  if (!user) return error;
  if (Status c = CheckFormToken(call, form); !c.ok()) {
    ReplyForm(call, 403, lang, token, *user,
              Text(lang, "console_form_expired") + " (" + c.details() + ")");
    return Status::OK();
  }
  const std::string& password = form["password"];
  if (password != form["password2"]) {
    ReplyForm(call, 400, lang, token, *user, Text(lang, "console_password_mismatch"));
    return Status::OK();
  }
  if (Status c = CheckNewPassword(password, user->email); !c.ok()) {
    ReplyForm(call, 400, lang, token, *user,
              Text(lang, "console_password_rules") + " (" + c.details() + ")");
    return Status::OK();
  }
  const std::string hash = HashPassword(password, call.ctx().console.password_iterations);
  const int64_t now = call.now();
  Status s =
      call.store().Write([&](Db& db) { return UsePasswordLink(db, token, now, hash).status(); });
  if (!s.ok()) return ReplyLinkError(call, lang, s);
  ReplyFormPage(
      call, 200, lang, Text(lang, "console_password_set_title"),
      "<p>" + Escape(Text(lang, "console_password_set_text")) +
          "</p>\n<p><a class=\"button primary\" href=\"/console/sign-in?lang=" + Escape(lang) +
          "\">" + Escape(Text(lang, "console_sign_in_button")) + "</a></p>\n");
  return Status::OK();
}

}  // namespace cammio::console
