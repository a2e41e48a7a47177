#include "api/errors.h"

namespace cammio {

int HttpStatusFor(const Status& status) {
  using C = Status::Code;
  switch (status.code()) {
    case C::kOk:
      return 200;
    case C::kInvalidArgument:
      return 400;
    case C::kDisabled:
      return 401;
    case C::kUnauthenticated:
      return 403;
    case C::kNotFound:
      return 404;
    case C::kMethodNotAllowed:
      return 405;
    case C::kConflict:
      return 409;
    case C::kGone:
      return 410;
    case C::kPreconditionFailed:
      return 412;
    case C::kPayloadTooLarge:
      return 413;
    case C::kTooManyRequests:
      return 429;
    case C::kInsufficientStorage:
      return 507;
    case C::kUnavailable:
      return 503;
    case C::kInternal:
    case C::kIoError:
      return 500;
  }
  return 500;
}

const char* MessageForHttpStatus(int s) {
  switch (s) {
    case 400:
      return "Bad request";
    case 401:
      return "Service not available";
    case 403:
      return "Forbidden request";
    case 404:
      return "Requested resource not found";
    case 405:
      return "Method not allowed";
    case 408:
      return "Request timeout";
    case 409:
      return "Conflict";
    case 410:
      return "Gone";
    case 411:
      return "Length required";
    case 412:
      return "Precondition failed";
    case 413:
      return "Request entity too large";
    case 414:
      return "Request URI too long";
    case 415:
      return "Unsupported media type";
    case 416:
      return "Range not satisfiable";
    case 429:
      return "Too many requests";
    case 431:
      return "Request header fields too large";
    case 501:
      return "Not implemented";
    case 503:
      return "Service unavailable";
    case 505:
      return "HTTP version not supported";
    case 507:
      return "Insufficient storage";
    default:
      return s >= 500 ? "Internal server error" : "Bad request";
  }
}

namespace {

Value ErrorObject(int http_status, const std::string& details) {
  Value e = Value::Object();
  e.Set("code", Value::Int(http_status));
  e.Set("message", Value::String(MessageForHttpStatus(http_status)));
  e.Set("details", Value::String(details));
  return e;
}

}  // namespace

Value ErrorDocument(int http_status, const std::string& details) {
  return Value::Wrap("error", ErrorObject(http_status, details));
}

Value ErrorDocument(int http_status, const std::string& details, Value errors) {
  Value e = ErrorObject(http_status, details);
  e.Set("errors", std::move(errors));
  return Value::Wrap("error", std::move(e));
}

Value ErrorDocumentFor(const Status& status) {
  int http = HttpStatusFor(status);
  std::string details = status.details();
  if (http == 500) details = "Internal server error";
  return ErrorDocument(http, details);
}

}  // namespace cammio
