#include "console/invite.h"

#include "mail/enqueue.h"
#include "store/console_sessions.h"

namespace cammio::console {

std::string SetPasswordUrl(const PublicLinks& links, const std::string& token) {
  return links.base() + "/console/set-password?token=" + token;
}

Result<std::string> IssuePasswordLink(Db& db, const PublicLinks& links, const User& user,
                                      bool send_mail, const std::string& lang, int64_t now) {
  auto token = CreatePasswordLink(db, user.id, now, kPasswordLinkHours * 3600);
  if (!token.ok()) return token.status();
  std::string url = SetPasswordUrl(links, *token);
  if (send_mail) {
    Status s = mail::EnqueueConsoleInvitation(
        db, links, user, url, lang == "nl" ? mail::Language::kDutch : mail::Language::kEnglish,
        kPasswordLinkHours, now);
    if (!s.ok()) return s;
  }
  return url;
}

}  // namespace cammio::console
