// GET/POST /console/sign-in and POST /console/sign-out (docs/console.md
// "Sign-in"). A sign-in always makes a new session with a new id (a session
// cookie sent along is revoked, never reused: no fixation). Failed sign-ins
// count in the API's throttle (api/auth_throttle.h) per (address, email)
// and per address; unlike a token, a password is guessable, so while its
// key is throttled a sign-in is refused (429) before the password is even
// checked, right or wrong.
#include <cctype>

#include "api/auth_throttle.h"
#include "api/session_auth.h"
#include "console/forms.h"
#include "console/handlers.h"
#include "store/console_sessions.h"
#include "store/users.h"
#include "util/crypto.h"
#include "util/log.h"
#include "util/password.h"
#include "web/html.h"
#include "web/i18n.h"
#include "web/interview_view.h"

namespace cammio::console {
namespace {

constexpr size_t kMaxEmail = 254;
constexpr size_t kMaxUserAgent = 256;

using web::Escape;
using web::Text;

void ReplySignIn(Call& call, int http_status, const std::string& lang, const std::string& email,
                 const std::string& error) {
  const std::string token = IssueFormToken(call);
  std::string html = ErrorHtml(error);
  html += "<form class=\"console-form\" method=\"post\" action=\"/console/sign-in?lang=" +
          Escape(lang) + "\">\n";
  html += "<input type=\"hidden\" name=\"csrf\" value=\"" + token + "\">\n";
  html += "<label for=\"email\">" + Escape(Text(lang, "console_email")) + "</label>\n";
  html +=
      "<input id=\"email\" name=\"email\" type=\"email\" autocomplete=\"username\" required "
      "maxlength=\"254\" value=\"" +
      Escape(email) + "\">\n";
  html += "<label for=\"password\">" + Escape(Text(lang, "console_password")) + "</label>\n";
  html +=
      "<input id=\"password\" name=\"password\" type=\"password\" "
      "autocomplete=\"current-password\" required maxlength=\"1024\">\n";
  html += "<button type=\"submit\" class=\"primary\">" +
          Escape(Text(lang, "console_sign_in_button")) + "</button>\n</form>\n";
  ReplyFormPage(call, http_status, lang, Text(lang, "console_sign_in_title"), html);
}

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string Field(const std::map<std::string, std::string>& form, const char* name) {
  auto it = form.find(name);
  return it == form.end() ? std::string() : it->second;
}

// True when the request carries a valid session (a malformed cookie is
// none: the form then replaces it).
bool SignedIn(const Call& call) {
  auto p = AuthenticateSessionRequest(call.ctx(), call.req());
  return p.ok() && p.value().has_value();
}

void Redirect(Call& call, const std::string& location) {
  call.res().status = 303;
  call.res().set_header("Location", location);
  call.res().set_header("Cache-Control", "no-store");
}

}  // namespace

Status SignInPageHandler(Call& call) {
  if (SignedIn(call)) {
    Redirect(call, "/console");
    return Status::OK();
  }
  ReplySignIn(call, 200, FormLanguage(call), "", "");
  return Status::OK();
}

Status SignInHandler(Call& call) {
  const std::string lang = FormLanguage(call);
  const auto form = web::ParseForm(call.body());
  if (Status s = CheckFormToken(call, form); !s.ok()) {
    LogWarn("console sign-in refused: " + s.details());
    ReplySignIn(call, 403, lang, "", Text(lang, "console_form_expired") + " (" + s.details() + ")");
    return Status::OK();
  }
  const std::string email = Field(form, "email");
  const std::string password = Field(form, "password");
  if (email.empty() || password.empty() || email.size() > kMaxEmail ||
      password.size() > kMaxPasswordBytes) {
    ReplySignIn(call, 400, lang, email.size() > kMaxEmail ? "" : email,
                Text(lang, "console_sign_in_failed"));
    return Status::OK();
  }
  const ServerContext& ctx = call.ctx();
  const std::string client = RequestClientAddress(ctx, call.req());
  const std::string key = Lower(email);
  const int64_t now = call.now();
  if (const int64_t wait = ctx.throttle->RetryAfter(key, client, now); wait > 0) {
    LogWarn("console sign-in refused: too many failed sign-ins for user=" + key +
            " addr=" + client);
    call.res().set_header("Retry-After", std::to_string(wait));
    ReplySignIn(call, 429, lang, email,
                web::Format(lang, "console_too_many", {{"seconds", std::to_string(wait)}}) +
                    " (too many failed sign-ins; retry in " + std::to_string(wait) + " seconds)");
    return Status::OK();
  }
  Result<UserCredentials> cred = Status::Internal("unset");
  Status s = call.store().Read([&](Db& db) {
    cred = GetUserCredentials(db, email);
    return cred.ok() || cred.status().IsNotFound() ? Status::OK() : cred.status();
  });
  if (!s.ok()) return s;
  const int64_t iterations = ctx.console.password_iterations;
  bool ok = false;
  if (cred.ok() && cred->password_hash) {
    ok = VerifyPassword(password, *cred->password_hash);
  } else {
    // As much work as a real check, so the answer's time does not tell
    // which emails have a password.
    (void)HashPassword(password, iterations);
  }
  if (ok && (cred->user.disabled || cred->account_disabled)) ok = false;
  if (!ok) {
    ctx.throttle->RecordFailure(key, client, now);
    LogWarn("console sign-in failed for user=" + key + " addr=" + client);
    ReplySignIn(call, 403, lang, email, Text(lang, "console_sign_in_failed"));
    return Status::OK();
  }
  const std::string session_id = NewSessionSecret();
  NewConsoleSession n;
  n.user_id = cred->user.id;
  n.session_hash = Sha256(session_id);
  n.csrf_token = NewSessionSecret();
  n.now = now;
  n.idle_seconds = ctx.console.idle_seconds;
  n.absolute_seconds = ctx.console.absolute_seconds;
  std::string agent = call.req().get_header_value("User-Agent");
  if (!agent.empty()) n.user_agent = ToValidUtf8(agent.substr(0, kMaxUserAgent));
  n.client_address = client;
  const std::string rehash = NeedsRehash(*cred->password_hash, iterations)
                                 ? HashPassword(password, iterations)
                                 : std::string();
  std::optional<std::string> old_hash;
  auto old = FindHexCookie(call.req(), kSessionCookie);
  if (old.ok() && old.value()) old_hash = Sha256(**old);
  s = call.store().Write([&](Db& db) {
    if (old_hash) {
      Status r = RevokeConsoleSessionByHash(db, *old_hash, now);
      if (!r.ok()) return r;
    }
    if (!rehash.empty()) {
      Status r = SetPasswordHash(db, n.user_id, rehash);
      if (!r.ok()) return r;
    }
    return CreateConsoleSession(db, n).status();
  });
  if (!s.ok()) return s;
  LogInfo("console sign-in user=" + key + " addr=" + client);
  call.res().set_header("Set-Cookie",
                        SetCookieValue(kSessionCookie, session_id, ctx.console.absolute_seconds));
  call.res().set_header("Set-Cookie", ClearCookieValue(kPreSessionCookie));
  Redirect(call, "/console");
  return Status::OK();
}

Status SignOutHandler(Call& call) {
  const Principal& p = call.principal();
  if (p.session) {
    const int64_t user = p.user.id, id = p.session->id, now = call.now();
    Status s =
        call.store().Write([&](Db& db) { return RevokeUserConsoleSession(db, user, id, now); });
    if (!s.ok() && !s.IsNotFound()) return s;
  }
  call.res().set_header("Set-Cookie", ClearCookieValue(kSessionCookie));
  if (web::WantsHtml(call.req())) {
    Redirect(call, "/console/sign-in");
  } else {
    call.res().status = 204;
    call.res().set_header("Cache-Control", "no-store");
  }
  return Status::OK();
}

}  // namespace cammio::console
