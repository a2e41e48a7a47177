// The request path as the access log writes it (api/pipeline.cc): link
// tokens, which are the public pages' only credential, never reach a log
// line. It knows only the route token shapes (api/router.h).
//
// Thread-safety: a pure function.
#pragma once

#include <string>
#include <string_view>

namespace cammio {

// `path` (the decoded path, as the router matched it) for the access log:
// the link token segments of /public/ paths (which are the pages' only
// credential) cut to their first 4 characters and "~", a guest token to
// "<guest id>.<4 characters>~"; then '%', space, control characters, DEL and
// every byte >= 0x80 percent-encoded again (%XX), so the path is one
// printable field however the client encoded it.
// "/public/reviews/k3k3k3k3k3k3k3k3k3k3/media/7" -> "/public/reviews/k3k3~/media/7",
// "/a b%0A" as sent ("/a b\n" decoded) -> "/a%20b%0A".
std::string LogPath(std::string_view path);

}  // namespace cammio
