#include "api/takes.h"

#include <algorithm>

#include "store/videos.h"

namespace cammio {
namespace {

bool HasQuestion(const Vacancy& v, int64_t index) {
  for (const Question& q : v.questions) {
    if (q.index == index) return true;
  }
  return false;
}

Status TakesUsedUp(const Vacancy& v, int64_t q) {
  const int64_t allowed = *TakesAllowed(v);
  return Status::PreconditionFailed(
      "question " + std::to_string(q) + " allows " + std::to_string(allowed) +
      (allowed == 1 ? " take" : " takes") + " (num_of_retries " + std::to_string(allowed - 1) +
      ") and all of them are used; no further recording of it is accepted");
}

// PreconditionFailed when the takes of question `q` are used up.
Status CheckTakesLeft(Db& db, const Invitation& inv, const Vacancy& v, int64_t q) {
  auto left = TakesLeft(db, inv, v, q);
  if (!left.ok()) return left.status();
  if (left->has_value() && **left <= 0) return TakesUsedUp(v, q);
  return Status::OK();
}

}  // namespace

std::optional<int64_t> TakesAllowed(const Vacancy& v) {
  if (!v.num_of_retries) return std::nullopt;
  return 1 + std::max<int64_t>(0, *v.num_of_retries);
}

Result<std::optional<int64_t>> TakesLeft(Db& db, const Invitation& inv, const Vacancy& v,
                                         int64_t question_index) {
  auto allowed = TakesAllowed(v);
  if (!allowed) return std::optional<int64_t>();
  auto used = CountFinishedUploads(db, inv.id, "recording", question_index);
  if (!used.ok()) return used.status();
  return std::optional<int64_t>(std::max<int64_t>(0, *allowed - *used));
}

Status CheckNewUpload(Db& db, const Invitation& inv, const Vacancy& v, const Upload& u,
                      int64_t now) {
  if (u.kind == "cv") {
    if (v.cv_upload_required != "yes") {
      return Status::PreconditionFailed("this interview does not ask for a CV");
    }
    return Status::OK();
  }
  if (u.kind != "recording") return Status::OK();
  if (!u.question_index) {
    return Status::InvalidArgument("Upload-Metadata must name the question of a recording");
  }
  const int64_t q = *u.question_index;
  if (!HasQuestion(v, q)) {
    return Status::InvalidArgument("this interview has no question " + std::to_string(q));
  }
  Status s = CheckTakesLeft(db, inv, v, q);
  if (!s.ok()) return s;
  auto unfinished =
      CountUnfinishedUploads(db, inv.id, "recording", q, now - kUnfinishedActiveSeconds);
  if (!unfinished.ok()) return unfinished.status();
  if (*unfinished >= kMaxUnfinishedTakes) {
    return Status::TooManyRequests(
        "question " + std::to_string(q) + " already has " + std::to_string(*unfinished) +
        " unfinished recording uploads; finish one of them, or try again in " +
        std::to_string(kUnfinishedActiveSeconds / 60) + " minutes");
  }
  return Status::OK();
}

Status CheckFinishedTake(Db& db, const Invitation& inv, const Vacancy& v, const Upload& u) {
  if (u.kind != "recording" || !u.question_index) return Status::OK();
  return CheckTakesLeft(db, inv, v, *u.question_index);
}

Status CheckHandedInTake(Db& db, const Invitation& inv, const Upload& u, int64_t question_index) {
  const std::string id = std::to_string(u.id);
  if (u.question_index != question_index) {
    return Status::PreconditionFailed("upload " + id + " is not a recording of question " +
                                      std::to_string(question_index));
  }
  auto latest = LatestFinishedUploadId(db, inv.id, "recording", question_index);
  if (!latest.ok()) return latest.status();
  if (*latest != u.id) {
    return Status::PreconditionFailed("upload " + id + " is not the newest take of question " +
                                      std::to_string(question_index) +
                                      "; a later take replaced it");
  }
  return Status::OK();
}

Status CheckHandedInCv(Db& db, const Invitation& inv, const Upload& u) {
  auto latest = LatestFinishedUploadId(db, inv.id, "cv", std::nullopt);
  if (!latest.ok()) return latest.status();
  if (*latest != u.id) {
    return Status::PreconditionFailed("upload " + std::to_string(u.id) +
                                      " is not the newest CV; a later upload replaced it");
  }
  return Status::OK();
}

Status DropUnusedUploads(Db& db, const Invitation& inv, const std::vector<int64_t>& keep,
                         int64_t now, std::vector<std::string>* files) {
  std::vector<Upload> uploads;
  Status s = ListUploads(db, inv.id, &uploads);
  for (size_t i = 0; s.ok() && i < uploads.size(); ++i) {
    const Upload& u = uploads[i];
    if (!u.video_id) {
      files->push_back("uploads/" + std::to_string(u.id) + ".part");
      continue;
    }
    if (std::find(keep.begin(), keep.end(), *u.video_id) != keep.end()) continue;
    auto media = GetMediaFile(db, inv.account_id, *u.video_id);
    if (!media.ok()) return media.status();
    s = ClearUploadVideo(db, u.id, now);
    if (s.ok()) s = DeleteMediaFile(db, inv.account_id, media->id);
    if (s.ok()) files->push_back(media->path);
  }
  return s;
}

}  // namespace cammio
