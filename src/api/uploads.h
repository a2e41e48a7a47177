// tus 1.0 resumable uploads under a candidate's invitation link:
//   OPTIONS /public/job_interviews/{token}/uploads            capabilities
//   POST    /public/job_interviews/{token}/uploads            create (Upload-Length,
//           Upload-Metadata: kind recording|thumbnail|cv, question N) -> 201 Location
//   HEAD    /public/job_interviews/{token}/uploads/:upload_id  Upload-Offset
//   PATCH   /public/job_interviews/{token}/uploads/:upload_id  append at Upload-Offset
// The link's invitation must be open. A finished upload becomes a media file
// (api/videos.h) once its content type is verified.
#pragma once

#include "api/call.h"

namespace cammio {

Status UploadOptionsHandler(Call& call);
Status CreateUploadHandler(Call& call);
Status UploadStatusHandler(Call& call);
Status UploadChunkHandler(Call& call);

}  // namespace cammio
