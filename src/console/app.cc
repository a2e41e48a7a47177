// GET /console: the console's browser app, src/web/assets/console/index.html
// (embedded, cmake/Embed.cmake), under the pages' Content-Security-Policy
// (web/html.h). The app reads who is signed in from GET /console/api/session.
// Without a valid session: 303 to the sign-in form.
#include "api/session_auth.h"
#include "console/forms.h"
#include "console/handlers.h"
#include "util/embedded.h"
#include "web/html.h"

namespace cammio::console {

Status AppHandler(Call& call) {
  auto p = AuthenticateSessionRequest(call.ctx(), call.req());
  if (!p.ok() || !p.value()) {
    call.res().status = 303;
    call.res().set_header("Location", "/console/sign-in");
    call.res().set_header("Cache-Control", "no-store");
    // A cookie that names no valid session is of no further use.
    if (!p.ok()) call.res().set_header("Set-Cookie", ClearCookieValue(kSessionCookie));
    return Status::OK();
  }
  const EmbeddedFile* f = FindEmbeddedFile("src/web/assets/console/index.html");
  if (f == nullptr) return Status::Internal("the console's index.html is not embedded");
  web::SetPageHeaders(call.res(), FormLanguage(call), "same-origin");
  call.res().status = 200;
  call.res().set_content(f->data.data(), f->data.size(), "text/html; charset=utf-8");
  return Status::OK();
}

}  // namespace cammio::console
