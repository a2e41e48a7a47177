// The HTML error presenter the pipeline is given (PipelineOptions::
// error_presenter, api/pipeline.h): a browser opening a page (WantsHtml)
// gets an HTML error page in its language (ReplyErrorPage, web/html.h)
// instead of the API's error document.
//
// Thread-safety: a pure function of its arguments.
#pragma once

#include <httplib.h>

#include "cammio/status.h"

namespace cammio::web {

// Answers `status` as an HTML page and returns true for a WantsHtml request;
// false (and `res` untouched) otherwise.
bool PresentErrorPage(const httplib::Request& req, httplib::Response& res, const Status& status);

}  // namespace cammio::web
