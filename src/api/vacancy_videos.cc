// Attaching and removing the videos of a vacancy and its questions
// (api/vacancy_videos.h).
#include "api/vacancy_videos.h"

#include <optional>

#include "api/fields.h"
#include "api/vacancies.h"
#include "store/uploads.h"
#include "store/vacancies.h"
#include "store/videos.h"

namespace cammio {
namespace {

// A PUT body: exactly one of video_id and upload_id.
struct VideoRef {
  std::optional<int64_t> video_id, upload_id;
};

Status ParseVideoRef(Call& call, VideoRef* ref) {
  auto body = call.BodyObject("video");
  if (!body.ok()) return body.status();
  Fields f(*body);
  ref->video_id = f.Id("video_id");
  ref->upload_id = f.Id("upload_id");
  if (!f.ok()) return f.status();
  if (ref->video_id.has_value() == ref->upload_id.has_value()) {
    return Status::PreconditionFailed(
        "give exactly one of video_id (a video of this account) and upload_id (a finished "
        "upload of POST /api/uploads)");
  }
  return Status::OK();
}

// The video `ref` names, checked (CheckVacancyVideo). An upload must be the
// account's own and finished.
Result<int64_t> ResolveVideo(Db& db, int64_t account_id, const VideoRef& ref) {
  if (ref.video_id) {
    Status s = CheckVacancyVideo(db, account_id, *ref.video_id, "video_id");
    if (!s.ok()) return s;
    return *ref.video_id;
  }
  const int64_t id = *ref.upload_id;
  auto u = GetAccountUpload(db, account_id, id);
  if (u.status().IsNotFound()) {
    return Status::NotFound("upload_id " + std::to_string(id) +
                            " is not an upload of this account");
  }
  if (!u.ok()) return u.status();
  if (!u->video_id) {
    if (u->received < u->length) {
      return Status::PreconditionFailed("upload " + std::to_string(id) +
                                        " is not complete: " + std::to_string(u->received) +
                                        " of " + std::to_string(u->length) +
                                        " bytes received; resume it with PATCH "
                                        "/api/uploads/" +
                                        std::to_string(id));
    }
    return Status::PreconditionFailed("upload " + std::to_string(id) +
                                      " was refused (not a WebM or MP4 video)");
  }
  Status s = CheckVacancyVideo(db, account_id, *u->video_id, "upload_id");
  if (!s.ok()) return s;
  return *u->video_id;
}

// The path's vacancy (and question) first, so that another account's ids
// answer 404 whatever the body (docs/contract.md "Tenancy"); the vacancy's
// kind (into *kind) is checked after them.
Status CheckTarget(Db& db, const Call& call, bool question, std::string* kind_out) {
  const int64_t vacancy_id = call.Param("vacancy_id");
  auto kind = GetVacancyKind(db, call.account_id(), vacancy_id);
  if (!kind.ok()) return kind.status();
  *kind_out = *kind;
  if (question) {
    const int64_t question_id = call.Param("question_id");
    auto found = QuestionOfVacancy(db, vacancy_id, question_id);
    if (!found.ok()) return found.status();
    if (!*found) {
      return Status::NotFound("vacancy " + std::to_string(vacancy_id) +
                              " has no question with id " + std::to_string(question_id));
    }
  }
  return Status::OK();
}

// Runs `set` (given the resolved video, nullopt: remove) in one write with
// the checks that decide, and answers the vacancy as it now is. The order
// of the checks: the path's ids (404), the body (400/412), the vacancy's
// kind (412), the video (404/412).
template <class SetFn>
Status Attach(Call& call, bool question, bool remove, SetFn set) {
  VideoRef ref;
  const Status parsed = remove ? Status::OK() : ParseVideoRef(call, &ref);
  const int64_t vacancy_id = call.Param("vacancy_id");
  std::optional<int64_t> video;
  // The reads that decide: on a snapshot first (invalid input never reaches
  // the writer, docs/decisions.md), then again inside the write.
  auto check = [&](Db& db) {
    video.reset();
    std::string kind;
    Status st = CheckTarget(db, call, question, &kind);
    if (st.ok()) st = parsed;
    if (st.ok() && kind != "automated") {
      st = Status::PreconditionFailed("videos are only for automated vacancies");
    }
    if (!st.ok() || remove) return st;
    auto id = ResolveVideo(db, call.account_id(), ref);
    if (!id.ok()) return id.status();
    video = *id;
    return Status::OK();
  };
  Status s = call.store().Read(check);
  if (!s.ok()) return s;
  Vacancy updated;
  s = call.store().Write([&](Db& db) {
    Status st = check(db);
    if (st.ok()) st = set(db, video);
    if (!st.ok()) return st;
    auto v = GetVacancy(db, call.account_id(), vacancy_id);
    if (!v.ok()) return v.status();
    updated = std::move(v.value());
    return Status::OK();
  });
  if (!s.ok()) return s;
  call.Reply(200, VacancyDocument(updated, call.ctx().links, VacancyView::kDetail));
  return Status::OK();
}

Status IntroVideo(Call& call, bool remove) {
  return Attach(call, false, remove, [&](Db& db, std::optional<int64_t> video) {
    return SetVacancyIntroVideo(db, call.account_id(), call.Param("vacancy_id"), video, call.now());
  });
}

Status QuestionVideo(Call& call, bool remove) {
  return Attach(call, true, remove, [&](Db& db, std::optional<int64_t> video) {
    return SetQuestionVideo(db, call.account_id(), call.Param("vacancy_id"),
                            call.Param("question_id"), video, call.now());
  });
}

}  // namespace

Status CheckVacancyVideo(Db& db, int64_t account_id, int64_t video_id, const std::string& field) {
  auto f = GetMediaFile(db, account_id, video_id);
  if (f.status().IsNotFound()) {
    return Status::NotFound(field + " " + std::to_string(video_id) +
                            " is not a video of this account");
  }
  if (!f.ok()) return f.status();
  if (f->kind != "question") {
    return Status::PreconditionFailed(field + " " + std::to_string(video_id) +
                                      " is a candidate's " + f->kind +
                                      ", not a video uploaded for vacancies (POST /api/uploads)");
  }
  return Status::OK();
}

Status PutVacancyVideoHandler(Call& call) { return IntroVideo(call, false); }
Status DeleteVacancyVideoHandler(Call& call) { return IntroVideo(call, true); }
Status PutQuestionVideoHandler(Call& call) { return QuestionVideo(call, false); }
Status DeleteQuestionVideoHandler(Call& call) { return QuestionVideo(call, true); }

}  // namespace cammio
