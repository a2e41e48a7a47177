#include "web/html.h"

#include "api/errors.h"
#include "format/html.h"
#include "web/i18n.h"

namespace cammio::web {
namespace {

constexpr const char kCsp[] =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' blob: data:; "
    "media-src 'self' blob:; connect-src 'self'; form-action 'self'; base-uri 'none'; "
    "frame-ancestors 'none'; object-src 'none'";

bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

// Title and text keys for an HTTP status.
std::pair<const char*, const char*> ErrorTexts(int http) {
  switch (http) {
    case 401:
      return {"error_401_title", "error_401_text"};
    case 403:
      return {"error_403_title", "error_generic_text"};
    case 404:
      return {"error_404_title", "error_404_text"};
    case 410:
      return {"error_410_title", "error_generic_text"};
    case 429:
      return {"error_429_title", "error_429_text"};
    default:
      return {"error_title", "error_generic_text"};
  }
}

}  // namespace

std::string Escape(std::string_view text) { return HtmlEscape(text); }

std::string RenderPage(const Page& p) {
  std::string html;
  html.reserve(2048 + p.body.size());
  html += "<!doctype html>\n<html lang=\"" + Escape(p.lang) + "\">\n<head>\n";
  html += "<meta charset=\"utf-8\">\n";
  html += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  html += "<meta name=\"robots\" content=\"noindex, nofollow\">\n";
  html += "<title>" + Escape(p.title) + "</title>\n";
  html += "<link rel=\"icon\" href=\"data:,\">\n";
  html += "<link rel=\"stylesheet\" href=\"/public/assets/cammio.css\">\n";
  for (const auto& s : p.styles) {
    html += "<link rel=\"stylesheet\" href=\"/public/assets/" + Escape(s) + "\">\n";
  }
  html += "</head>\n<body>\n";
  html += "<a class=\"skip\" href=\"#main\">" + Escape(Text(p.lang, "skip_to_content")) + "</a>\n";
  html += "<header class=\"bar\"><span class=\"brand\" aria-hidden=\"true\">&#9679;</span>";
  html += "<span class=\"product\">" + Escape(Text(p.lang, "brand")) + "</span>";
  if (!p.header.empty()) html += "<span class=\"context\">" + Escape(p.header) + "</span>";
  html += std::string("</header>\n<main id=\"main\" tabindex=\"-1\"") +
          (p.wide ? " class=\"wide\"" : "") + ">\n" + p.body + "\n</main>\n";
  if (p.strings) {
    html += "<script type=\"application/json\" id=\"cammio-strings\">" + StringsJson(p.lang) +
            "</script>\n";
  }
  for (const auto& s : p.scripts) {
    html += "<script src=\"/public/assets/" + Escape(s) + "\"></script>\n";
  }
  html += "</body>\n</html>\n";
  return html;
}

void SetPageHeaders(httplib::Response& res, const std::string& lang,
                    const std::string& referrer_policy) {
  // A handler may have named the language already (for the error renderer);
  // headers are a multimap, so replace rather than add.
  res.headers.erase("Content-Language");
  res.set_header("Content-Language", lang);
  res.set_header("Cache-Control", "no-store");
  res.set_header("Referrer-Policy", referrer_policy);
  res.set_header("Content-Security-Policy", kCsp);
  res.set_header("Permissions-Policy", "camera=(self), microphone=(self)");
}

void ReplyPage(httplib::Response& res, int http_status, const Page& page) {
  res.status = http_status;
  SetPageHeaders(res, page.lang, page.referrer_policy);
  res.set_content(RenderPage(page), "text/html; charset=utf-8");
}

void ReplyMessage(httplib::Response& res, int http_status, const std::string& lang,
                  const std::string& title, const std::string& text) {
  Page p;
  p.lang = lang;
  p.title = title;
  p.body = "<section class=\"card message\">\n<h1 tabindex=\"-1\">" + Escape(title) +
           "</h1>\n<p class=\"text\">" + Escape(text) + "</p>\n</section>";
  ReplyPage(res, http_status, p);
}

bool WantsHtml(const httplib::Request& req) {
  if (req.method != "GET" && req.method != "HEAD" && req.method != "POST") return false;
  if (StartsWith(req.path, "/api/") || req.path == "/healthz") return false;
  return req.get_header_value("Accept").find("text/html") != std::string::npos;
}

void ReplyErrorPage(const httplib::Request& req, httplib::Response& res, const Status& status) {
  int http = HttpStatusFor(status);
  bool recruiter = StartsWith(req.path, "/recruiter/");
  if (recruiter && status.code() == Status::Code::kUnauthenticated) {
    http = 401;
    res.set_header("WWW-Authenticate", "Basic realm=\"Cammio recruiters\", charset=\"UTF-8\"");
  }
  std::string chosen = res.get_header_value("Content-Language");
  std::string lang = HasLanguage(chosen)
                         ? chosen
                         : PickLanguage(std::nullopt, req.get_header_value("Accept-Language"));
  auto [title_key, text_key] = ErrorTexts(http);
  std::string text = Text(lang, text_key);
  // Client errors say which rule failed (in English: the API's own words).
  if (http >= 400 && http < 500 && http != 404 && http != 401 && !status.details().empty()) {
    text += " (" + status.details() + ")";
  }
  ReplyMessage(res, http, lang, Text(lang, title_key), text);
}

}  // namespace cammio::web
