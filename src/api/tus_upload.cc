// The tus machinery of api/tus_upload.h, moved here from api/uploads.cc when
// recruiters' uploads (api/account_uploads.cc) began to share it.
#include "api/tus_upload.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "api/tus_headers.h"
#include "api/upload_claims.h"
#include "util/fs.h"

namespace cammio::tus {

std::string MediaDir(const Call& call) { return call.ctx().data_dir + "/media"; }

std::string PartPath(const Call& call, int64_t upload_id) {
  return MediaDir(call) + "/uploads/" + std::to_string(upload_id) + ".part";
}

// A new directory's name is synced into its parent: files made durable in it
// must not vanish with it in a power failure.
Status MakeDir(const std::string& path) {
  if (::mkdir(path.c_str(), 0700) == 0) return SyncDir(DirName(path));
  if (errno == EEXIST) return Status::OK();
  if (errno == ENOSPC) return Status::InsufficientStorage("the data disk is full");
  return Status::Unavailable("cannot create " + path + ": " + std::strerror(errno));
}

Status RequireTus(Call& call) {
  call.res().set_header("Tus-Resumable", kVersion);
  if (call.req().get_header_value("Tus-Resumable") != kVersion) {
    call.res().set_header("Tus-Version", kVersion);
    return Status::PreconditionFailed("Tus-Resumable: 1.0.0 is required");
  }
  return Status::OK();
}

Status CreatePartFile(Call& call, int64_t upload_id) {
  int fd =
      ::open(PartPath(call, upload_id).c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return Status::Unavailable("cannot create the upload file");
  ::close(fd);
  // The bytes are fdatasync'ed as they arrive; the file's name needs its
  // directory synced, or a power failure can take the whole file.
  return SyncDir(MediaDir(call) + "/uploads");
}

ssize_t ReadHead(const Call& call, int64_t upload_id, unsigned char* head, size_t n) {
  int fd = ::open(PartPath(call, upload_id).c_str(), O_RDONLY | O_CLOEXEC);
  ssize_t got = fd >= 0 ? ::pread(fd, head, n < 16 ? n : 16, 0) : -1;
  if (fd >= 0) ::close(fd);
  return got;
}

Status MoveIntoMedia(Call& call, Db& db, const Upload& u, const char* extension, MediaFile* media) {
  const std::string dir = std::to_string(u.account_id);
  media->path = "pending";
  Status st = InsertMediaFile(db, media);
  if (!st.ok()) return st;
  media->path = dir + "/" + std::to_string(media->id) + "." + extension;
  st = SetMediaFilePath(db, media->id, media->path);
  if (st.ok()) st = SetUploadVideo(db, u.id, media->id, call.now());
  if (!st.ok()) return st;
  // Renamed inside the transaction: if the rename fails nothing is recorded.
  // Both directories are synced before the commit, so a power failure
  // cannot leave a committed path whose rename was lost.
  const std::string part = PartPath(call, u.id);
  const std::string target = MediaDir(call) + "/" + media->path;
  if (::rename(part.c_str(), target.c_str()) != 0) {
    return Status::IoError("cannot move the upload into the media store");
  }
  st = SyncDir(MediaDir(call) + "/" + dir);
  if (st.ok()) st = SyncDir(MediaDir(call) + "/uploads");
  if (!st.ok()) ::rename(target.c_str(), part.c_str());  // the transaction rolls back
  return st;
}

namespace {

// Whether a PATCH at `offset` may append to `u` as stored. A finished upload
// is immutable: every PATCH on it is refused.
Status CheckOffset(const Upload& u, int64_t offset) {
  if (u.video_id) return Status::Conflict("this upload is already complete and cannot be changed");
  if (offset != u.received) {
    return Status::Conflict("Upload-Offset must be " + std::to_string(u.received));
  }
  return Status::OK();
}

constexpr const char kSuperseded[] =
    "another PATCH request took over this upload; ask HEAD for Upload-Offset and resume there";

// Writes the request body into the upload's file from `offset` on, each piece
// only while `claim` still owns the upload, then records the durable offset
// and, on the last byte, finishes the upload -- under the claim as well.
Status AppendBody(Call& call, Upload& u, int64_t offset, UploadClaims::Claim& claim,
                  const FinishFn& finish) {
  int fd = ::open(PartPath(call, u.id).c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0) return Status::Gone("this upload's data is gone; start a new upload");
  int64_t at = offset;
  Status write_status;
  bool superseded = false;
  bool complete = call.ReadBody([&](const char* data, size_t len) {
    if (at + static_cast<int64_t>(len) > u.length) {
      write_status = Status::PayloadTooLarge("more bytes than Upload-Length");
      return false;
    }
    superseded = !claim.RunIfCurrent([&] {
      while (len > 0) {
        ssize_t n = ::pwrite(fd, data, len, at);
        if (n < 0) {
          write_status = errno == ENOSPC ? Status::InsufficientStorage("the data disk is full")
                                         : Status::IoError("cannot write the upload");
          return;
        }
        data += n;
        len -= static_cast<size_t>(n);
        at += n;
      }
    });
    return !superseded && write_status.ok();
  });
  if (superseded) {
    ::close(fd);
    return Status::Conflict(kSuperseded);
  }
  // What is on disk counts, even when the client went away mid-request:
  // resuming continues from here.
  bool synced = ::fdatasync(fd) == 0;
  ::close(fd);
  if (!synced) return Status::IoError("cannot sync the upload");
  Status s;
  bool current = claim.RunIfCurrent([&] {
    s = call.store().Write([&](Db& db) { return SetUploadReceived(db, u.id, at, call.now()); });
    if (s.ok() && write_status.ok() && complete && at == u.length) s = finish(u);
  });
  if (!current) return Status::Conflict(kSuperseded);
  if (!s.ok()) return s;
  if (!write_status.ok()) return write_status;
  if (!complete) {
    return Status::InvalidArgument("the upload was interrupted at " + std::to_string(at) +
                                   " bytes; resume from there");
  }
  u.received = at;
  call.res().status = 204;
  call.res().set_header("Upload-Offset", std::to_string(at));
  return Status::OK();
}

}  // namespace

Status RequirePatch(Call& call) {
  Status s = RequireTus(call);
  if (!s.ok()) return s;
  if (call.req().get_header_value("Content-Type") != "application/offset+octet-stream") {
    return Status::InvalidArgument("Content-Type must be application/offset+octet-stream");
  }
  return Status::OK();
}

Status Patch(Call& call, const LoadFn& load, const FinishFn& finish) {
  auto u = load();
  if (!u.ok()) return u.status();
  int64_t offset = -1;
  if (!ParseLength(call.req().get_header_value("Upload-Offset"), &offset)) offset = -1;
  Status s = CheckOffset(*u, offset);  // answers most mismatches without taking the upload over
  if (!s.ok()) return s;
  // The authoritative check, under the upload's lock: see api/upload_claims.h.
  auto claim = call.ctx().upload_claims->Take(u->id, [&] {
    auto fresh = load();
    if (!fresh.ok()) return fresh.status();
    u = fresh;
    return CheckOffset(*u, offset);
  });
  if (!claim.ok()) return claim.status();
  return AppendBody(call, *u, offset, **claim, finish);
}

}  // namespace cammio::tus
