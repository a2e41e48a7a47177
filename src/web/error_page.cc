#include "web/error_page.h"

#include "web/html.h"

namespace cammio::web {

bool PresentErrorPage(const httplib::Request& req, httplib::Response& res, const Status& status) {
  if (!WantsHtml(req)) return false;
  ReplyErrorPage(req, res, status);
  return true;
}

}  // namespace cammio::web
