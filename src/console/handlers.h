// The recruiter console's handlers (their routes: console/routes.cc; the
// contract: docs/console.md). Every handler has the API's shape
// `Status H(Call&)`.
//
//  GET  /console                        the console app (index.html); 303 to sign-in without a
//  session GET  /console/sign-in                sign-in form (double-submit CSRF cookie) POST
//  /console/sign-in                email + password -> session cookie, 303 to /console POST
//  /console/sign-out               revokes the session, clears the cookie GET
//  /console/set-password?token=    one-time set-password form POST /console/set-password sets the
//  password, closes the link GET  /console/api/session            who is signed in, the CSRF token,
//  expiries GET  /console/api/sessions           the user's own sessions (current marked) DELETE
//  /console/api/sessions/:id     revokes one of them GET|POST /console/api/users, PATCH
//  /console/api/users/:id      (admin) GET|POST /console/api/tokens, DELETE /console/api/tokens/:id
//  (admin)
//  GET|PUT /console/api/settings/mail, POST /console/api/settings/mail/test,
//  GET|PUT /console/api/settings/retention (admin; console/settings_api.cc)
//
// Thread-safety: handlers run on request threads; they share only the
// ServerContext's services.
#pragma once

#include "api/call.h"

namespace cammio::console {

Status AppHandler(Call& call);
Status SignInPageHandler(Call& call);
Status SignInHandler(Call& call);
Status SignOutHandler(Call& call);
Status SetPasswordPageHandler(Call& call);
Status SetPasswordHandler(Call& call);

Status GetSessionHandler(Call& call);
Status ListSessionsHandler(Call& call);
Status RevokeSessionHandler(Call& call);

Status ListUsersHandler(Call& call);
Status CreateUserHandler(Call& call);
Status UpdateUserHandler(Call& call);

Status ListTokensHandler(Call& call);
Status CreateTokenHandler(Call& call);
Status RevokeTokenHandler(Call& call);

// The account's relay and retention (console/settings_api.cc; admin).
Status GetMailSettingsHandler(Call& call);
Status PutMailSettingsHandler(Call& call);
Status TestMailSettingsHandler(Call& call);
Status GetRetentionHandler(Call& call);
Status PutRetentionHandler(Call& call);

// Admin-only handlers start with RequireAdmin(call) (api/call.h): 403 with
// "this needs the admin role" for a recruiter.

}  // namespace cammio::console
