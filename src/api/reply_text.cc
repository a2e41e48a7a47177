#include "api/reply_text.h"

#include <utility>

namespace cammio {

void ReplyText(Call& call, int http_status, std::string text, int64_t total) {
  if (total >= 0) call.res().set_header("X-Total-Count", std::to_string(total));
  call.res().status = http_status;
  call.res().set_content(std::move(text), ContentTypeFor(call.format()));
}

}  // namespace cammio
