// sources: src/http/request_head.cc
//
// libFuzzer target for the request-head scanner (src/http/request_head.h):
// the input is scanned whole and in arrivals of a few bytes, and the two
// must agree; a complete head must end in CRLF CRLF within the limits, a
// refusal must carry one of the documented statuses and a reason, and an
// incomplete head must be shorter than the head limit.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

#include "http/request_head.h"

namespace {

using cammio::http::RequestHeadLimits;
using cammio::http::RequestHeadScanner;

void Check(bool ok) {
  if (!ok) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  const RequestHeadLimits limits;

  RequestHeadScanner whole(limits);
  const RequestHeadScanner::State state = whole.Scan(in);

  RequestHeadScanner parts(limits);
  const size_t step = 1 + (size > 0 ? data[size - 1] % 13 : 0);
  for (size_t n = step < size ? step : size;; n = n + step < size ? n + step : size) {
    parts.Scan(in.substr(0, n));
    if (n == size || parts.state() != RequestHeadScanner::State::kIncomplete) break;
  }
  Check(parts.state() == state);
  Check(parts.status() == whole.status());

  switch (state) {
    case RequestHeadScanner::State::kComplete:
      Check(whole.head_size() >= 4 && whole.head_size() <= size);
      Check(whole.head_size() <= limits.max_head_bytes);
      Check(in.substr(whole.head_size() - 4, 4) == "\r\n\r\n");
      Check(parts.head_size() == whole.head_size());
      break;
    case RequestHeadScanner::State::kRefused: {
      const int s = whole.status();
      Check(s == 400 || s == 414 || s == 431 || s == 501 || s == 505);
      Check(whole.details() != nullptr && std::strlen(whole.details()) > 0);
      break;
    }
    case RequestHeadScanner::State::kIncomplete:
      Check(size < limits.max_head_bytes);
      break;
  }
  // Reset gives a fresh scanner.
  whole.Reset();
  Check(whole.state() == RequestHeadScanner::State::kIncomplete);
  return 0;
}
