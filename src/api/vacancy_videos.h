// The videos a vacancy shows its candidates: each question's (video_id, in
// the contract since the start) and the vacancy's intro (intro_video_id,
// shown before the first question). A recruiter uploads the video first
// (api/account_uploads.h), then attaches it:
//   PUT    /api/vacancies/:vacancy_id/video                      intro video
//   DELETE /api/vacancies/:vacancy_id/video
//   PUT    /api/vacancies/:vacancy_id/questions/:question_id/video
//   DELETE /api/vacancies/:vacancy_id/questions/:question_id/video
// PUT takes {"video_id": N} or {"upload_id": N} (also wrapped in "video",
// and XML <video>); both answer the vacancy document (200), as PUT
// /api/vacancies/:id does. The vacancy body's `video_id` of each question
// and `intro_video_id` go through CheckVacancyVideo as well.
//
// Thread-safety: handlers and plain functions, one request each.
#pragma once

#include <cstdint>
#include <string>

#include "api/call.h"
#include "store/db.h"

namespace cammio {

// Whether `video_id` may be shown to the candidates of the account's
// vacancies: NotFound (naming `field`) unless it is a video of the account
// (an unknown id and another account's alike); PreconditionFailed unless it
// is a video uploaded for vacancies (kind "question", a finished upload of
// POST /api/uploads), not a candidate's recording, thumbnail or CV.
Status CheckVacancyVideo(Db& db, int64_t account_id, int64_t video_id, const std::string& field);

Status PutVacancyVideoHandler(Call& call);
Status DeleteVacancyVideoHandler(Call& call);
Status PutQuestionVideoHandler(Call& call);
Status DeleteQuestionVideoHandler(Call& call);

}  // namespace cammio
