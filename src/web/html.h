// HTML of the web pages: one layout for every page (candidate, forward,
// reviewer, recruiter), escaping, and the single renderer that turns a Status
// into an HTML error page in the page's language.
//
// Every page is self-contained on the appliance: styles and scripts come from
// /public/assets/ (embedded into the binary), never from another host; the
// Content-Security-Policy sent with each page enforces that.
//
// Thread-safety: pure functions.
#pragma once

#include <httplib.h>

#include <string>
#include <string_view>
#include <vector>

#include "cammio/status.h"

namespace cammio::web {

// Escapes & < > " ' for HTML text and attribute values.
std::string Escape(std::string_view text);

struct Page {
  std::string lang = "en";           // <html lang>, Content-Language
  std::string title;                 // plain text, also the <h1> unless body has its own
  std::string header;                // plain text beside the brand (the vacancy title)
  std::string body;                  // HTML placed inside <main>
  std::vector<std::string> scripts;  // asset names under /public/assets/
  std::vector<std::string> styles;   // more stylesheets there, after cammio.css
  bool wide = false;                 // <main class="wide"> (the live room)
  bool strings = false;              // embed the language's texts for the scripts
  // Referrer-Policy. The console's pages say "same-origin", so that their
  // forms and fetches carry an Origin the CSRF check can compare
  // (api/session_auth.h); under no-referrer browsers send "Origin: null".
  std::string referrer_policy = "no-referrer";
};

// The complete document.
std::string RenderPage(const Page& page);

// Answers `page` with `http_status` and the page headers: text/html, no-store,
// Content-Language, Referrer-Policy no-referrer (links carry secrets), and a
// Content-Security-Policy allowing only this origin (media from blob: too, for
// the candidate's own recordings). X-Content-Type-Options and HSTS come with
// every answer of the listener (http/server.h).
void ReplyPage(httplib::Response& res, int http_status, const Page& page);

// The headers ReplyPage sets, for a complete HTML document made elsewhere
// (the console's embedded index.html): no-store, Content-Language `lang`,
// Referrer-Policy `referrer_policy`, the Content-Security-Policy above.
void SetPageHeaders(httplib::Response& res, const std::string& lang,
                    const std::string& referrer_policy);

// A page holding only a heading and a paragraph (both plain text).
void ReplyMessage(httplib::Response& res, int http_status, const std::string& lang,
                  const std::string& title, const std::string& text);

// True for a browser asking for a page: GET, HEAD or POST outside /api/ and
// /healthz, with text/html in Accept. Such requests get HTML error pages; the
// pages' own JSON and upload calls (no text/html) keep the JSON errors.
bool WantsHtml(const httplib::Request& req);

// The HTML error renderer (web/error_page.h hands it to the pipeline for
// WantsHtml requests):
// the page for `status` in the language a page handler already chose
// (Content-Language on `res`), else the browser's Accept-Language. On
// /recruiter/ pages a missing or wrong login answers 401 with a Basic
// challenge, so the browser asks for the account's credentials.
void ReplyErrorPage(const httplib::Request& req, httplib::Response& res, const Status& status);

}  // namespace cammio::web
