// A recruiter's (or an ATS's) resumable uploads of question and intro
// videos, tus 1.0 core + creation under the API's authentication:
//   OPTIONS /api/uploads                capabilities
//   POST    /api/uploads                create: Upload-Length (at most
//           tus::kMaxVideo), Upload-Metadata `filetype` (optional:
//           video/webm or video/mp4), `filename` (ignored)
//           -> 201, Location /api/uploads/<id>, the upload document
//   GET/HEAD /api/uploads/:id          Upload-Offset, Upload-Length and
//                                       the upload document
//   PATCH   /api/uploads/:id           append at Upload-Offset (204)
// An upload belongs to the caller's account: another account's id and a
// candidate's upload are 404 alike. The last byte makes it a `videos` row of
// kind "question" once its content is a WebM or MP4 file (sniffed from its
// first bytes; anything else is refused with 400 and its bytes dropped). An
// unfinished upload expires kExpirySeconds after it last received bytes
// (410; its row and bytes are swept by the account's next POST). The video
// is then attached with api/vacancy_videos.h.
//
// Thread-safety: handlers, one request each; concurrent PATCHes of one
// upload are ordered by api/upload_claims.h.
#pragma once

#include <cstdint>

#include "api/call.h"

namespace cammio {

// An unfinished upload that received nothing for this long has expired.
constexpr int64_t kAccountUploadExpirySeconds = 24 * 3600;
// At most this many of an account's unfinished uploads may have been active
// (created or written) in the last kAccountUploadActiveSeconds; a further
// POST is 429.
constexpr int64_t kMaxActiveAccountUploads = 20;
constexpr int64_t kAccountUploadActiveSeconds = 600;

Status CreateAccountUploadHandler(Call& call);
Status AccountUploadStatusHandler(Call& call);
Status AccountUploadChunkHandler(Call& call);

}  // namespace cammio
