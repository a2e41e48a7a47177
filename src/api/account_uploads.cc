// Recruiters' uploads (api/account_uploads.h) over the tus machinery the
// candidates' uploads use (api/tus_upload.h).
#include "api/account_uploads.h"

#include <unistd.h>

#include <string>
#include <vector>

#include "api/tus_headers.h"
#include "api/tus_upload.h"
#include "store/uploads.h"
#include "store/videos.h"
#include "util/time.h"

namespace cammio {
namespace {

constexpr const char kKind[] = "question";

bool Expired(const Upload& u, int64_t now) {
  return !u.video_id && u.updated_at < now - kAccountUploadExpirySeconds;
}

Value UploadDocument(const Upload& u) {
  Value o = Value::Object();
  o.Set("id", Value::Int(u.id));
  o.Set("length", Value::Int(u.length));
  o.Set("offset", Value::Int(u.received));
  o.Set("complete", Value::Bool(u.video_id.has_value()));
  o.Set("video_id", Value::IntOrNull(u.video_id));
  o.Set("datetime_created", Value::Datetime(FormatUtc(u.created_at)));
  return Value::Wrap("upload", std::move(o));
}

// The caller's upload named by the path: NotFound for another account's or
// a candidate's, Gone once it expired unfinished.
Result<Upload> LoadAccountUpload(Call& call) {
  Result<Upload> u = Status::NotFound("");
  Status s = call.store().Read([&](Db& db) {
    u = GetAccountUpload(db, call.account_id(), call.Param("id"));
    return u.ok() || u.status().IsNotFound() ? Status::OK() : u.status();
  });
  if (!s.ok()) return s;
  if (u.ok() && Expired(*u, call.now())) {
    return Status::Gone("upload " + std::to_string(u->id) +
                        " expired unfinished (no bytes for 24 hours); start a new upload");
  }
  return u;
}

// The container from the first bytes: WebM (EBML header) or MP4/QuickTime
// (an `ftyp` box first). False for anything else.
bool SniffVideo(const unsigned char* b, ssize_t n, const char** content_type,
                const char** extension) {
  if (n >= 4 && b[0] == 0x1A && b[1] == 0x45 && b[2] == 0xDF && b[3] == 0xA3) {
    *content_type = "video/webm";
    *extension = "webm";
    return true;
  }
  if (n >= 8 && b[4] == 'f' && b[5] == 't' && b[6] == 'y' && b[7] == 'p') {
    *content_type = "video/mp4";
    *extension = "mp4";
    return true;
  }
  return false;
}

// The last byte arrived: a WebM or MP4 file becomes the account's video.
// Anything else is refused; its bytes are dropped (the row stays, complete
// but without a video, so HEAD tells the client the upload is over).
Status FinishAccountUpload(Call& call, const Upload& u) {
  unsigned char head[8] = {0};
  const ssize_t n = tus::ReadHead(call, u.id, head, sizeof head);
  MediaFile media;
  const char* content_type = nullptr;
  const char* extension = nullptr;
  if (!SniffVideo(head, n, &content_type, &extension)) {
    ::unlink(tus::PartPath(call, u.id).c_str());
    return Status::InvalidArgument("upload " + std::to_string(u.id) +
                                   " is not a video: a WebM or MP4 file is required");
  }
  Status s = tus::MakeDir(tus::MediaDir(call) + "/" + std::to_string(u.account_id));
  if (!s.ok()) return s;
  media.account_id = u.account_id;
  media.kind = kKind;
  media.content_type = content_type;
  media.size = u.length;
  media.created_at = call.now();
  return call.store().Write(
      [&](Db& db) { return tus::MoveIntoMedia(call, db, u, extension, &media); });
}

void TusHeaders(Call& call, const Upload& u) {
  call.res().set_header("Tus-Resumable", tus::kVersion);
  call.res().set_header("Upload-Offset", std::to_string(u.received));
  call.res().set_header("Upload-Length", std::to_string(u.length));
  call.res().set_header("Cache-Control", "no-store");
}

}  // namespace

Status CreateAccountUploadHandler(Call& call) {
  Status s = tus::RequireTus(call);
  if (!s.ok()) return s;
  const std::string meta = call.req().get_header_value("Upload-Metadata");
  if (tus::HasMetadata(meta, "filetype")) {
    const std::string type = tus::MetadataValue(meta, "filetype");
    if (type != "video/webm" && type != "video/mp4") {
      return Status::InvalidArgument("Upload-Metadata filetype must be video/webm or video/mp4 (" +
                                     (type.empty() ? std::string("none or not base64") : type) +
                                     " given)");
    }
  }
  Upload u;
  if (!tus::ParseLength(call.req().get_header_value("Upload-Length"), &u.length) || u.length == 0) {
    return Status::InvalidArgument("Upload-Length must be a positive number of bytes");
  }
  if (u.length > tus::kMaxVideo) {
    return Status::PayloadTooLarge("a video may be at most " + std::to_string(tus::kMaxVideo) +
                                   " bytes");
  }
  u.account_id = call.account_id();
  u.kind = kKind;
  u.created_at = call.now();
  u.updated_at = u.created_at;
  s = tus::MakeDir(tus::MediaDir(call));
  if (s.ok()) s = tus::MakeDir(tus::MediaDir(call) + "/uploads");
  if (!s.ok()) return s;
  std::vector<int64_t> expired;
  s = call.WriteAndReply(
      [&](Db& db) {
        expired.clear();
        Status st = DeleteStaleAccountUploads(db, u.account_id,
                                              call.now() - kAccountUploadExpirySeconds, &expired);
        if (!st.ok()) return st;
        auto active = CountAccountUnfinishedUploads(db, u.account_id,
                                                    call.now() - kAccountUploadActiveSeconds);
        if (!active.ok()) return active.status();
        if (*active >= kMaxActiveAccountUploads) {
          return Status::TooManyRequests("this account already has " + std::to_string(*active) +
                                         " unfinished uploads; finish them, or try again in " +
                                         std::to_string(kAccountUploadActiveSeconds / 60) +
                                         " minutes");
        }
        return InsertUpload(db, &u);
      },
      [&] {
        call.Reply(201, UploadDocument(u));
        call.res().set_header("Tus-Resumable", tus::kVersion);
        call.res().set_header("Location", "/api/uploads/" + std::to_string(u.id));
      });
  // The expired rows are gone only if the write committed.
  if (s.ok()) {
    for (int64_t id : expired) ::unlink(tus::PartPath(call, id).c_str());
  }
  if (s.code() == Status::Code::kTooManyRequests) {
    call.res().set_header("Retry-After", std::to_string(kAccountUploadActiveSeconds));
  }
  if (!s.ok()) return s;
  return tus::CreatePartFile(call, u.id);
}

Status AccountUploadStatusHandler(Call& call) {
  auto u = LoadAccountUpload(call);
  if (!u.ok()) return u.status();
  call.Reply(200, UploadDocument(*u));
  TusHeaders(call, *u);
  return Status::OK();
}

Status AccountUploadChunkHandler(Call& call) {
  // Another account's id is 404 whatever the headers (docs/contract.md
  // "Tenancy"); tus::Patch loads the upload again under its claim.
  auto u = LoadAccountUpload(call);
  if (!u.ok()) return u.status();
  Status s = tus::RequirePatch(call);
  if (!s.ok()) return s;
  return tus::Patch(
      call, [&] { return LoadAccountUpload(call); },
      [&](const Upload& u) { return FinishAccountUpload(call, u); });
}

}  // namespace cammio
