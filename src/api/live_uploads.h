// Limits on a live interview's recording uploads (api/uploads.cc, kind
// live_recording; docs/decisions.md "Live interviews"): each participant
// uploads its recording of its own camera and microphone as one or more
// segments (api/live_recordings.h). Creating an upload is refused (409,
// details say why; nothing is made) when the vacancy's `live_recording` is
// false, once the interview's completion event was raised, once the
// participant has kMaxLiveSegments finished or unfinished segments, and
// while it has kMaxUnfinishedLiveUploads unfinished ones. Finishing one is
// refused (the caller drops the upload) past kMaxLiveSegments finished ones
// (parallel uploads), and after the completion event unless the interview
// already has a row waiting for it: a recording's video is never replaced
// and the reported interview gets no new recording.
//
// The functions run inside the caller's Store::Write, the one that inserts or
// finishes the upload, so two parallel requests cannot both pass a check.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "cammio/status.h"
#include "store/db.h"
#include "store/invitations.h"
#include "store/vacancies.h"

namespace cammio {

// Unfinished (created, last byte not arrived) uploads a participant may hold.
constexpr int64_t kMaxUnfinishedLiveUploads = 2;
// Segments (finished recording uploads) a participant may have.
constexpr int64_t kMaxLiveSegments = 20;

// OK when participant `participant` of live invitation `inv` (of vacancy
// `v`) may create a new recording upload; Conflict with details otherwise.
Status CheckNewLiveUpload(Db& db, const Invitation& inv, const Vacancy& v,
                          const std::string& participant);
// OK when `participant`'s upload `upload_id` may become one of its recording
// segments now (its last byte arrived); Conflict with details otherwise.
Status CheckFinishedLiveUpload(Db& db, const Invitation& inv, const Vacancy& v,
                               const std::string& participant, int64_t upload_id);
// When a new segment of `participant` began recording, from the browser's
// report `claimed` (epoch seconds; nullopt when it sent none): kept between
// the participant's first presence in the room and `now`.
int64_t LiveSegmentTime(Db& db, const Invitation& inv, const std::string& participant,
                        std::optional<int64_t> claimed, int64_t now);

}  // namespace cammio
