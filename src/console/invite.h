// Set-password links for console users (docs/console.md "Set-password
// links"), issued by an admin in the console (POST /console/api/users) and
// by `cammio user create --invite`: a one-time link, open for
// kPasswordLinkHours, that closes any older one, and optionally the
// invitation email through the mail outbox (mail/enqueue.h).
//
// Thread-safety: plain functions over a Db the caller holds (a Store::Write).
#pragma once

#include <cstdint>
#include <string>

#include "cammio/status.h"
#include "config/public_links.h"
#include "store/accounts.h"
#include "store/db.h"

namespace cammio::console {

constexpr int64_t kPasswordLinkHours = 72;

// The link's URL: links.base() + "/console/set-password?token=" + token.
std::string SetPasswordUrl(const PublicLinks& links, const std::string& token);

// Inside a write: a new link for `user` (older ones close); when `send_mail`,
// the invitation email in `lang` ("en", "nl"). Returns the link's URL.
Result<std::string> IssuePasswordLink(Db& db, const PublicLinks& links, const User& user,
                                      bool send_mail, const std::string& lang, int64_t now);

}  // namespace cammio::console
