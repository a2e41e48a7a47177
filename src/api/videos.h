// GET /api/videos/:video_id: a recording (or thumbnail) of the caller's
// account, streamed from DATA/media with HTTP Range support, so an ATS can
// fetch recordings with its API credentials.
#pragma once

#include "api/call.h"

namespace cammio {

Status GetVideoHandler(Call& call);

// Streams the media file `path` (absolute) as the response body with
// Accept-Ranges; cpp-httplib answers Range requests with 206 from it.
Status ReplyWithFile(Call& call, const std::string& path, const std::string& content_type);

}  // namespace cammio
