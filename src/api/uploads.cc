// Resumable uploads for the candidate pages: the tus 1.0 core protocol with
// the creation extension, under the candidate's invitation link
// (/public/job_interviews/{token}/uploads). The server checks what it gets:
// declared size limits, the Content-Type, and the file's magic bytes (WebM's
// EBML header, JPEG, PDF/Office); files are named by the server. The tus
// machinery itself (part files, PATCH claims, the move into the media
// store) is api/tus_upload.h's, shared with recruiters' uploads.
#include "api/uploads.h"
#include "config/public_links.h"

#include <unistd.h>

#include "api/live.h"
#include "api/live_link.h"
#include "api/live_recordings.h"
#include "api/live_uploads.h"
#include "api/takes.h"
#include "api/tus_headers.h"
#include "api/tus_upload.h"
#include "store/invitations.h"
#include "store/live_recordings.h"
#include "store/live_sessions.h"
#include "store/uploads.h"
#include "store/vacancies.h"
#include "store/videos.h"
#include "util/crypto.h"

namespace cammio {
namespace {

using tus::kVersion;
constexpr int64_t kMaxRecording = tus::kMaxVideo;
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

using tus::MakeDir;
using tus::MediaDir;
using tus::MetadataValue;
using tus::ParseLength;
using tus::PartPath;

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
  ssize_t n = tus::ReadHead(call, u.id, head, sizeof head);
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
    Status st = tus::MoveIntoMedia(call, db, u, extension, &media);
    if (st.ok() && participant) {
      st = LiveRecordingsChanged(db, *call.ctx().events, inv, call.now(), &raised);
    }
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

}  // namespace

Status UploadOptionsHandler(Call& call) {
  call.res().status = 204;
  call.res().set_header("Tus-Resumable", kVersion);
  call.res().set_header("Tus-Version", kVersion);
  call.res().set_header("Tus-Extension", "creation");
  call.res().set_header("Tus-Max-Size", std::to_string(kMaxRecording));
  return Status::OK();
}

namespace {

Status CreateUpload(Call& call, LiveBase base) {
  Status s = tus::RequireTus(call);
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
  s = tus::CreatePartFile(call, u.id);
  if (!s.ok()) return s;
  call.res().status = 201;
  call.res().set_header("Location", link->path + "/uploads/" + std::to_string(u.id));
  return Status::OK();
}

Status UploadStatus(Call& call, LiveBase base) {
  Status s = tus::RequireTus(call);
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
  Status s = tus::RequirePatch(call);
  if (!s.ok()) return s;
  auto link = ResolveLink(call, base);
  if (!link.ok()) return link.status();
  return tus::Patch(
      call, [&] { return LoadUpload(call, *link); },
      [&](const Upload& u) { return Finish(call, *link, u); });
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
