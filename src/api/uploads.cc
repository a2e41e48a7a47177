// Resumable uploads for the candidate pages: the tus 1.0 core protocol with
// the creation extension, under the candidate's invitation link
// (/public/job_interviews/{token}/uploads). The server checks what it gets:
// declared size limits, the Content-Type, and the file's magic bytes (WebM's
// EBML header, JPEG, PDF/Office); files are named by the server.
#include "api/uploads.h"
#include "config/public_links.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "api/live.h"
#include "api/live_link.h"
#include "api/live_recordings.h"
#include "api/live_uploads.h"
#include "api/takes.h"
#include "api/tus_headers.h"
#include "api/upload_claims.h"
#include "store/invitations.h"
#include "store/live_recordings.h"
#include "store/live_sessions.h"
#include "store/uploads.h"
#include "store/vacancies.h"
#include "store/videos.h"
#include "util/crypto.h"
#include "util/fs.h"

namespace cammio {
namespace {

constexpr const char kTusVersion[] = "1.0.0";
constexpr int64_t kMaxRecording = int64_t{512} << 20;
constexpr int64_t kMaxThumbnail = int64_t{2} << 20;
constexpr int64_t kMaxCv = int64_t{10} << 20;

struct KindInfo {
  const char* kind;
  int64_t max_size;
  const char* extension;
  const char* content_type;
};

const KindInfo kKinds[] = {
    {"recording", kMaxRecording, "webm", "video/webm"},
    {"thumbnail", kMaxThumbnail, "jpg", "image/jpeg"},
    {"cv", kMaxCv, "bin", "application/octet-stream"},
};

const KindInfo* FindKind(const std::string& kind) {
  for (const auto& k : kKinds) {
    if (kind == k.kind) return &k;
  }
  return nullptr;
}

std::string MediaDir(const Call& call) { return call.ctx().data_dir + "/media"; }

std::string PartPath(const Call& call, int64_t upload_id) {
  return MediaDir(call) + "/uploads/" + std::to_string(upload_id) + ".part";
}

// Creates the directory `path` if it is missing. A new directory's name is
// synced into its parent: files made durable in it must not vanish with it
// in a power failure.
Status MakeDir(const std::string& path) {
  if (::mkdir(path.c_str(), 0700) == 0) return SyncDir(DirName(path));
  if (errno == EEXIST) return Status::OK();
  if (errno == ENOSPC) return Status::InsufficientStorage("the data disk is full");
  return Status::Unavailable("cannot create " + path + ": " + std::strerror(errno));
}

using tus::MetadataValue;
using tus::ParseLength;

// The invitation behind the link and the participant who uploads: on the
// candidate's link the open invitation (participant "candidate" only for a
// live recording); on an interviewer's or guest's link, or on a live
// candidate link after the room ended, a participant who was in the room,
// until live_upload_wait_s after the end. Gone otherwise.
struct UploadLink {
  Invitation inv;
  std::optional<std::string> participant;  // set: live recordings only
  std::string path;                        // the link base, for Location
};

Result<UploadLink> LiveUploadLink(Call& call, LiveBase base) {
  UploadLink link;
  LiveLink live;
  Status s = call.store().Read(
      [&](Db& db) { return LoadLiveLinkAnyState(db, base, call.Token("token"), &live); });
  if (!s.ok()) return s;
  const std::string& me = live.participant.id;
  bool present = false;
  if (live.session) {
    for (const LivePresence& p : live.session->present) present |= p.participant == me;
  }
  if (!present) return Status::Conflict("only a participant who was in the room uploads here");
  const int64_t wait = call.ctx().live != nullptr ? call.ctx().live->settings().upload_wait_s : 600;
  if (live.session->ended_at && call.now() > *live.session->ended_at + wait) {
    return Status::Gone("recordings of this interview are no longer accepted");
  }
  link.inv = std::move(live.invitation);
  link.participant = me;
  return link;
}

Result<UploadLink> ResolveLink(Call& call, LiveBase base) {
  const std::string token = call.Token("token");
  Result<UploadLink> out = Status::NotFound("");
  if (base == LiveBase::kCandidate) {
    Result<Invitation> inv = Status::NotFound("");
    Status s = call.store().Read([&](Db& db) {
      inv = GetInvitationByToken(db, token);
      return inv.ok() || inv.status().IsNotFound() ? Status::OK() : inv.status();
    });
    if (!s.ok()) return s;
    if (!inv.ok()) return Status::NotFound("this interview link is not known");
    if (inv->status == "open") {
      UploadLink link;
      link.inv = std::move(inv.value());
      out = std::move(link);
    } else if (inv->status == "completed" && inv->kind == "live") {
      out = LiveUploadLink(call, base);
    } else {
      return Status::Gone("this interview is no longer open");
    }
  } else {
    out = LiveUploadLink(call, base);
  }
  if (!out.ok()) return out;
  out->path = base == LiveBase::kCandidate     ? PublicLinks::CandidateInterviewPath(token)
              : base == LiveBase::kInterviewer ? "/public/interviewers/" + token
                                               : "/public/guests/" + token;
  return out;
}

Status RequireTus(Call& call) {
  call.res().set_header("Tus-Resumable", kTusVersion);
  if (call.req().get_header_value("Tus-Resumable") != kTusVersion) {
    call.res().set_header("Tus-Version", kTusVersion);
    return Status::PreconditionFailed("Tus-Resumable: 1.0.0 is required");
  }
  return Status::OK();
}

Result<Upload> LoadUpload(Call& call, const UploadLink& link) {
  Result<Upload> u = Status::NotFound("");
  Status s = call.store().Read([&](Db& db) {
    u = GetUpload(db, link.inv.id, call.Param("upload_id"));
    if (!u.ok()) return u.status().IsNotFound() ? Status::OK() : u.status();
    auto who = GetUploadParticipant(db, u->id);
    if (!who.ok()) return who.status();
    // An interviewer's or guest's link reaches its own uploads only; the
    // candidate's link its own (no participant, or "candidate").
    const std::string mine = link.participant.value_or("candidate");
    if (who->value_or("candidate") != mine) u = Status::NotFound("no such upload");
    return Status::OK();
  });
  if (!s.ok()) return s;
  return u;
}

bool HasMagic(const std::string& kind, const unsigned char* b, ssize_t n) {
  if (kind == "recording")
    return n >= 4 && b[0] == 0x1A && b[1] == 0x45 && b[2] == 0xDF && b[3] == 0xA3;
  if (kind == "thumbnail") return n >= 3 && b[0] == 0xFF && b[1] == 0xD8 && b[2] == 0xFF;
  // CV: PDF, Office Open XML (zip) or legacy Office.
  return n >= 4 && ((b[0] == '%' && b[1] == 'P' && b[2] == 'D' && b[3] == 'F') ||
                    (b[0] == 'P' && b[1] == 'K' && b[2] == 3 && b[3] == 4) ||
                    (b[0] == 0xD0 && b[1] == 0xCF && b[2] == 0x11 && b[3] == 0xE0));
}

// A CV's content type and file extension from its magic bytes (HasMagic
// accepted them): PDF, Office Open XML (Word's .docx) or legacy Office.
void CvType(const unsigned char* b, std::string* content_type, const char** extension) {
  if (b[0] == '%') {
    *content_type = "application/pdf";
    *extension = "pdf";
  } else if (b[0] == 'P') {
    *content_type = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
    *extension = "docx";
  } else {
    *content_type = "application/msword";
    *extension = "doc";
  }
}

// The last byte arrived: check the content and move it into the media store.
// A recording whose question's takes were used up meanwhile (by a parallel
// upload) is refused: its row and its bytes are removed.
Status Finish(Call& call, const UploadLink& link, const Upload& u) {
  const Invitation& inv = link.inv;
  const KindInfo* kind = FindKind(u.kind);
  std::string part = PartPath(call, u.id);
  unsigned char head[8] = {0};
  int fd = ::open(part.c_str(), O_RDONLY | O_CLOEXEC);
  ssize_t n = fd >= 0 ? ::pread(fd, head, sizeof head, 0) : -1;
  if (fd >= 0) ::close(fd);
  if (!HasMagic(u.kind, head, n)) {
    ::unlink(part.c_str());
    return Status::InvalidArgument(u.kind == std::string("recording")
                                       ? "the recording is not a WebM file"
                                       : "the " + u.kind + " is not a supported file type");
  }
  std::string dir = std::to_string(u.account_id);
  Status s = MakeDir(MediaDir(call) + "/" + dir);
  if (!s.ok()) return s;
  MediaFile media;
  media.account_id = u.account_id;
  media.kind = u.kind;
  media.content_type = kind->content_type;
  const char* extension = kind->extension;
  if (u.kind == "cv") CvType(head, &media.content_type, &extension);
  media.size = u.length;
  media.created_at = call.now();
  Status refused;
  bool raised = false;
  s = call.store().Write([&](Db& db) {
    raised = false;
    // Checked in the transaction that finishes the upload: of two parallel
    // uploads only one can become the last allowed take.
    auto v = GetVacancy(db, inv.account_id, inv.vacancy_id);
    if (!v.ok()) return v.status();
    // The participant as the upload row has it: on the candidate's link the
    // request may have begun while the live invitation was open (no
    // participant on the link then) and finish after the end was written.
    auto who = GetUploadParticipant(db, u.id);
    if (!who.ok()) return who.status();
    const std::optional<std::string>& participant = *who;
    refused = participant ? CheckFinishedLiveUpload(db, inv, *v, *participant, u.id)
                          : CheckFinishedTake(db, inv, *v, u);
    if (!refused.ok()) {  // committed: the refusal is final
      Status st = DeleteUpload(db, u.id);
      // A live segment's row, if the interview made one, goes with it.
      if (st.ok() && participant) {
        st = LiveRecordingsChanged(db, *call.ctx().events, inv, call.now(), &raised);
      }
      return st;
    }
    media.path = "pending";
    Status st = InsertMediaFile(db, &media);
    if (!st.ok()) return st;
    media.path = dir + "/" + std::to_string(media.id) + "." + extension;
    st = SetMediaFilePath(db, media.id, media.path);
    if (st.ok()) st = SetUploadVideo(db, u.id, media.id, call.now());
    if (st.ok() && participant) {
      st = LiveRecordingsChanged(db, *call.ctx().events, inv, call.now(), &raised);
    }
    if (!st.ok()) return st;
    // Renamed inside the transaction: if the rename fails nothing is recorded.
    // Both directories are synced before the commit, so a power failure
    // cannot leave a committed path whose rename was lost.
    const std::string target = MediaDir(call) + "/" + media.path;
    if (::rename(part.c_str(), target.c_str()) != 0) {
      return Status::IoError("cannot move the upload into the media store");
    }
    st = SyncDir(MediaDir(call) + "/" + dir);
    if (st.ok()) st = SyncDir(MediaDir(call) + "/uploads");
    if (!st.ok()) ::rename(target.c_str(), part.c_str());  // the transaction rolls back
    return st;
  });
  if (s.ok() && raised) {
    call.ctx().events->NotificationQueued();
    call.ctx().events->MailQueued();
  }
  if (s.ok() && !refused.ok()) {
    ::unlink(part.c_str());
    return refused;
  }
  return s;
}

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
Status AppendBody(Call& call, const UploadLink& link, Upload& u, int64_t offset,
                  UploadClaims::Claim& claim) {
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
    if (s.ok() && write_status.ok() && complete && at == u.length) s = Finish(call, link, u);
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

Status UploadOptionsHandler(Call& call) {
  call.res().status = 204;
  call.res().set_header("Tus-Resumable", kTusVersion);
  call.res().set_header("Tus-Version", kTusVersion);
  call.res().set_header("Tus-Extension", "creation");
  call.res().set_header("Tus-Max-Size", std::to_string(kMaxRecording));
  return Status::OK();
}

namespace {

Status CreateUpload(Call& call, LiveBase base) {
  Status s = RequireTus(call);
  if (!s.ok()) return s;
  auto link = ResolveLink(call, base);
  if (!link.ok()) return link.status();
  const Invitation* inv = &link->inv;
  const std::string meta = call.req().get_header_value("Upload-Metadata");
  const std::string kind_name = MetadataValue(meta, "kind");
  const bool live = kind_name == "live_recording";
  const KindInfo* kind = FindKind(live ? "recording" : kind_name);
  if (live && !link->participant) {
    // A live recording on the candidate's open link.
    if (inv->kind != "live") return Status::InvalidArgument("this is not a live interview");
    auto in_room = LiveUploadLink(call, base);
    if (!in_room.ok()) return in_room.status();
    link->participant = in_room->participant;
  }
  // Every upload of a live invitation is a participant's recording.
  const bool participant_only = link->participant || inv->kind == "live";
  if (!live && participant_only) kind = nullptr;
  if (kind == nullptr) {
    return Status::InvalidArgument(participant_only
                                       ? "Upload-Metadata must name kind: live_recording"
                                       : "Upload-Metadata must name kind: recording, "
                                         "thumbnail or cv");
  }
  Upload u;
  if (!ParseLength(call.req().get_header_value("Upload-Length"), &u.length) || u.length == 0) {
    return Status::InvalidArgument("Upload-Length must be a positive number of bytes");
  }
  if (u.length > kind->max_size) {
    return Status::PayloadTooLarge("a " + std::string(kind->kind) + " may be at most " +
                                   std::to_string(kind->max_size) + " bytes");
  }
  int64_t question = 0;
  if (!live && ParseLength(MetadataValue(meta, "question"), &question)) {
    u.question_index = question;
  }
  // When a live segment began recording (epoch seconds), as the browser says.
  std::optional<int64_t> recorded_at;
  int64_t claimed = 0;
  if (live && ParseLength(MetadataValue(meta, "recorded_at"), &claimed)) recorded_at = claimed;
  // The participant's visit of the room the segment was recorded in (its
  // page has it from `welcome`); not said (an older page): 0.
  int64_t visit = 0;
  if (live && tus::HasMetadata(meta, "visit") &&
      !ParseLength(MetadataValue(meta, "visit"), &visit)) {
    return Status::InvalidArgument(
        "Upload-Metadata visit must be a non-negative integer (the visit of the room the "
        "segment was recorded in)");
  }
  u.account_id = inv->account_id;
  u.invitation_id = inv->id;
  u.kind = kind->kind;
  u.created_at = call.now();
  s = MakeDir(MediaDir(call));
  if (s.ok()) s = MakeDir(MediaDir(call) + "/uploads");
  // The take limits are checked in the transaction that inserts the upload:
  // two concurrent creations cannot both pass the unfinished-uploads cap.
  bool raised = false;
  if (s.ok()) {
    s = call.store().Write([&](Db& db) {
      raised = false;
      auto v = GetVacancy(db, inv->account_id, inv->vacancy_id);
      if (!v.ok()) return v.status();
      Status st = live ? CheckNewLiveUpload(db, *inv, *v, *link->participant)
                       : CheckNewUpload(db, *inv, *v, u, call.now());
      if (st.ok()) st = InsertUpload(db, &u);
      if (!st.ok() || !live) return st;
      const std::string& who = *link->participant;
      st = SetUploadSegment(db, u.id, who, LiveSegmentTime(db, *inv, who, recorded_at, call.now()),
                            visit);
      // After the end: the interview gets the segment's row now, so its
      // completion event waits for it.
      if (st.ok()) st = LiveRecordingsChanged(db, *call.ctx().events, *inv, call.now(), &raised);
      return st;
    });
  }
  if (s.ok() && raised) {
    call.ctx().events->NotificationQueued();
    call.ctx().events->MailQueued();
  }
  if (s.code() == Status::Code::kTooManyRequests) {
    call.res().set_header("Retry-After", std::to_string(kUnfinishedActiveSeconds));
  }
  if (!s.ok()) return s;
  int fd = ::open(PartPath(call, u.id).c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return Status::Unavailable("cannot create the upload file");
  ::close(fd);
  // The bytes are fdatasync'ed as they arrive; the file's name needs its
  // directory synced, or a power failure can take the whole file.
  s = SyncDir(MediaDir(call) + "/uploads");
  if (!s.ok()) return s;
  call.res().status = 201;
  call.res().set_header("Location", link->path + "/uploads/" + std::to_string(u.id));
  return Status::OK();
}

Status UploadStatus(Call& call, LiveBase base) {
  Status s = RequireTus(call);
  if (!s.ok()) return s;
  auto link = ResolveLink(call, base);
  if (!link.ok()) return link.status();
  auto u = LoadUpload(call, *link);
  if (!u.ok()) return u.status();
  call.res().status = 200;
  call.res().set_header("Upload-Offset", std::to_string(u->received));
  call.res().set_header("Upload-Length", std::to_string(u->length));
  call.res().set_header("Cache-Control", "no-store");
  return Status::OK();
}

Status UploadChunk(Call& call, LiveBase base) {
  Status s = RequireTus(call);
  if (!s.ok()) return s;
  if (call.req().get_header_value("Content-Type") != "application/offset+octet-stream") {
    return Status::InvalidArgument("Content-Type must be application/offset+octet-stream");
  }
  auto link = ResolveLink(call, base);
  if (!link.ok()) return link.status();
  auto u = LoadUpload(call, *link);
  if (!u.ok()) return u.status();
  int64_t offset = -1;
  if (!ParseLength(call.req().get_header_value("Upload-Offset"), &offset)) offset = -1;
  s = CheckOffset(*u, offset);  // answers most mismatches without taking the upload over
  if (!s.ok()) return s;
  // The authoritative check, under the upload's lock: see api/upload_claims.h.
  auto claim = call.ctx().upload_claims->Take(u->id, [&] {
    auto fresh = LoadUpload(call, *link);
    if (!fresh.ok()) return fresh.status();
    u = fresh;
    return CheckOffset(*u, offset);
  });
  if (!claim.ok()) return claim.status();
  return AppendBody(call, *link, *u, offset, **claim);
}

}  // namespace

Status CreateUploadHandler(Call& call) { return CreateUpload(call, LiveBase::kCandidate); }
Status UploadStatusHandler(Call& call) { return UploadStatus(call, LiveBase::kCandidate); }
Status UploadChunkHandler(Call& call) { return UploadChunk(call, LiveBase::kCandidate); }
Status InterviewerCreateUploadHandler(Call& call) {
  return CreateUpload(call, LiveBase::kInterviewer);
}
Status InterviewerUploadStatusHandler(Call& call) {
  return UploadStatus(call, LiveBase::kInterviewer);
}
Status InterviewerUploadChunkHandler(Call& call) {
  return UploadChunk(call, LiveBase::kInterviewer);
}
Status GuestCreateUploadHandler(Call& call) { return CreateUpload(call, LiveBase::kGuest); }
Status GuestUploadStatusHandler(Call& call) { return UploadStatus(call, LiveBase::kGuest); }
Status GuestUploadChunkHandler(Call& call) { return UploadChunk(call, LiveBase::kGuest); }

}  // namespace cammio
