#include "cammio/status.h"

namespace cammio {

std::string Status::ToString() const {
  static const char* const kNames[] = {
      "OK",        "InvalidArgument",    "Unauthenticated", "Disabled",
      "NotFound",  "MethodNotAllowed",   "Conflict",        "Gone",
      "PreconditionFailed", "PayloadTooLarge", "TooManyRequests", "Internal",
      "IoError",   "InsufficientStorage", "Unavailable"};
  std::string s = kNames[static_cast<int>(code_)];
  if (!details_.empty()) s += ": " + details_;
  return s;
}

}  // namespace cammio
