// What the console's server-rendered forms (sign-in, set-password) share:
// their language, the double-submit CSRF cookie of a visitor without a
// session, and the page frame.
//
// A form page sets cookie kPreSessionCookie (api/session_auth.h) to a fresh
// 256-bit value and puts the same value in the form's hidden `csrf` field;
// the POST must bring both, equal, from the same origin. A cross-site page
// can neither read the cookie nor make the browser send it (SameSite=Strict).
//
// Thread-safety: pure functions of their arguments.
#pragma once

#include <map>
#include <string>

#include "api/call.h"

namespace cammio::console {

// The page language: ?lang= when translated, else Accept-Language, else en.
std::string FormLanguage(const Call& call);

// A new double-submit value, set as the cookie on `call`'s answer.
std::string IssueFormToken(Call& call);

// OK when the form's `csrf` field equals the cookie and the request is
// same-origin; Unauthenticated (403) with details otherwise.
Status CheckFormToken(const Call& call, const std::map<std::string, std::string>& form);

// Answers a console form page: `body_html` inside the layout, titled
// `title`, with Referrer-Policy same-origin.
void ReplyFormPage(Call& call, int http_status, const std::string& lang, const std::string& title,
                   const std::string& body_html);

// `<p class="error" role="alert">` with `text`, or "" for an empty text.
std::string ErrorHtml(const std::string& text);

}  // namespace cammio::console
