#include "console/forms.h"

#include "api/session_auth.h"
#include "util/crypto.h"
#include "web/html.h"
#include "web/i18n.h"

namespace cammio::console {

std::string FormLanguage(const Call& call) {
  std::string lang = call.req().get_param_value("lang");
  if (web::HasLanguage(lang)) return lang;
  return web::PickLanguage(std::nullopt, call.req().get_header_value("Accept-Language"));
}

std::string IssueFormToken(Call& call) {
  std::string token = NewSessionSecret();
  call.res().set_header("Set-Cookie", SetCookieValue(kPreSessionCookie, token, kPreSessionSeconds));
  return token;
}

Status CheckFormToken(const Call& call, const std::map<std::string, std::string>& form) {
  Status s = CheckSameOrigin(call.req(), call.ctx());
  if (!s.ok()) return s;
  auto cookie = FindHexCookie(call.req(), kPreSessionCookie);
  if (!cookie.ok()) return cookie.status();
  auto field = form.find("csrf");
  if (!cookie.value() || field == form.end() || !ConstantTimeEquals(**cookie, field->second)) {
    return Status::Unauthenticated("the form's CSRF token does not match its cookie");
  }
  return Status::OK();
}

void ReplyFormPage(Call& call, int http_status, const std::string& lang, const std::string& title,
                   const std::string& body_html) {
  web::Page p;
  p.lang = lang;
  p.title = title;
  p.header = web::Text(lang, "console_name");
  p.referrer_policy = "same-origin";
  p.body = "<section class=\"card\">\n<h1 tabindex=\"-1\">" + web::Escape(title) + "</h1>\n" +
           body_html + "</section>";
  web::ReplyPage(call.res(), http_status, p);
}

std::string ErrorHtml(const std::string& text) {
  if (text.empty()) return "";
  return "<p class=\"error\" role=\"alert\">" + web::Escape(text) + "</p>\n";
}

}  // namespace cammio::console
