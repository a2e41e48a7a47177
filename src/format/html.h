// HtmlEscape: text made safe inside HTML element content and quoted attribute
// values (& < > " ' become entities). The one escaper of the web pages
// (web/html.h Escape) and the HTML email (mail/templates.cc).
//
// Thread-safety: a pure function.
#pragma once

#include <string>
#include <string_view>

namespace cammio {

std::string HtmlEscape(std::string_view s);

}  // namespace cammio
