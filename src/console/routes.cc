// The console's rows. The pages and sign-in handle the session cookie
// themselves (authenticated = false); /console/api/... and the sign-out are
// authenticated by the pipeline like /api/... (a session cookie or Basic
// credentials, api/session_auth.h), so CSRF is checked before they run.
#include "console/routes.h"

#include "console/handlers.h"
#include "web/pages.h"

namespace cammio::console {

const std::vector<Route>& ConsoleRoutes() {
  static const std::vector<Route> rows({
      {"GET", "/console", AppHandler, false},
      // The app's files (src/web/assets/console/; index.html is GET /console).
      {"GET", "/public/assets/console/console.css", web::AssetHandler, false},
      {"GET", "/public/assets/console/app.js", web::AssetHandler, false},
      {"GET", "/public/assets/console/core.js", web::AssetHandler, false},
      {"GET", "/public/assets/console/csv.js", web::AssetHandler, false},
      {"GET", "/public/assets/console/table.js", web::AssetHandler, false},
      {"GET", "/public/assets/console/tus.js", web::AssetHandler, false},
      {"GET", "/public/assets/console/video.js", web::AssetHandler, false},
      {"GET", "/public/assets/console/today.js", web::AssetHandler, false},
      {"GET", "/public/assets/console/vacancies.js", web::AssetHandler, false},
      {"GET", "/public/assets/console/invitations.js", web::AssetHandler, false},
      {"GET", "/public/assets/console/interviews.js", web::AssetHandler, false},
      {"GET", "/public/assets/console/settings.js", web::AssetHandler, false},
      {"GET", "/public/assets/console/i18n/en.json", web::AssetHandler, false},
      {"GET", "/public/assets/console/i18n/nl.json", web::AssetHandler, false},
      {"GET", "/console/sign-in", SignInPageHandler, false},
      {"POST", "/console/sign-in", SignInHandler, false},
      {"POST", "/console/sign-out", SignOutHandler},
      {"GET", "/console/set-password", SetPasswordPageHandler, false},
      {"POST", "/console/set-password", SetPasswordHandler, false},

      {"GET", "/console/api/session", GetSessionHandler},
      {"GET", "/console/api/sessions", ListSessionsHandler},
      {"DELETE", "/console/api/sessions/:id", RevokeSessionHandler},
      {"GET", "/console/api/users", ListUsersHandler},
      {"POST", "/console/api/users", CreateUserHandler},
      {"PATCH", "/console/api/users/:id", UpdateUserHandler},
      {"GET", "/console/api/tokens", ListTokensHandler},
      {"POST", "/console/api/tokens", CreateTokenHandler},
      {"DELETE", "/console/api/tokens/:id", RevokeTokenHandler},
      {"GET", "/console/api/settings/mail", GetMailSettingsHandler},
      {"PUT", "/console/api/settings/mail", PutMailSettingsHandler},
      {"POST", "/console/api/settings/mail/test", TestMailSettingsHandler},
      {"GET", "/console/api/settings/retention", GetRetentionHandler},
      {"PUT", "/console/api/settings/retention", PutRetentionHandler},
  });
  return rows;
}

}  // namespace cammio::console
