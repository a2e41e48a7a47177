// tus 1.0 resumable uploads under a candidate's invitation link:
//   OPTIONS /public/job_interviews/{token}/uploads            capabilities
//   POST    /public/job_interviews/{token}/uploads            create (Upload-Length,
//           Upload-Metadata: kind recording|thumbnail|cv, question N) -> 201 Location
//   HEAD    /public/job_interviews/{token}/uploads/:upload_id  Upload-Offset
//   PATCH   /public/job_interviews/{token}/uploads/:upload_id  append at Upload-Offset
// The link's invitation must be open. A finished upload becomes a media file
// (api/videos.h) once its content type is verified.
// Live interviews (api/live.h): kind live_recording is a participant's own
// recording of the room, accepted from a participant who was in the room
// until live_upload_wait_s after the end, under the candidate's link and
// under /public/interviewers/{token:guest}/uploads and
// /public/guests/{token:guest}/uploads (the same handlers, with the
// participant recorded on the upload).
#pragma once

#include "api/call.h"

namespace cammio {

Status UploadOptionsHandler(Call& call);
Status CreateUploadHandler(Call& call);
Status UploadStatusHandler(Call& call);
Status UploadChunkHandler(Call& call);
Status InterviewerCreateUploadHandler(Call& call);
Status InterviewerUploadStatusHandler(Call& call);
Status InterviewerUploadChunkHandler(Call& call);
Status GuestCreateUploadHandler(Call& call);
Status GuestUploadStatusHandler(Call& call);
Status GuestUploadChunkHandler(Call& call);

}  // namespace cammio
