#include "api/reply_text.h"

#include <utility>

namespace cammio {

void ReplyText(Call& call, int http_status, std::string text, int64_t total) {
  if (total >= 0) call.res().set_header("X-Total-Count", std::to_string(total));
  call.res().status = http_status;
  // set_content copies its argument: set the type with an empty body, then
  // move the text in (an uncached page is ~36 KiB).
  call.res().set_content(std::string(), ContentTypeFor(call.format()));
  call.res().body = std::move(text);
}

}  // namespace cammio
