// Limits on a live interview's recording uploads (api/uploads.cc, kind
// live_recording; docs/decisions.md "Live interviews"): each participant
// uploads one recording of its own camera and microphone. Creating an upload
// is refused (409, details say why; nothing is made) when the vacancy's
// `live_recording` is false, once the interview's completion event was
// raised, once the participant has a finished recording, and while it has
// kMaxUnfinishedLiveUploads unfinished ones. Finishing one is refused when
// the participant got a recording meanwhile (a parallel upload): a
// recording's video is never replaced.
//
// The functions run inside the caller's Store::Write, the one that inserts or
// finishes the upload, so two parallel requests cannot both pass a check.
#pragma once

#include <cstdint>
#include <string>

#include "cammio/status.h"
#include "store/db.h"
#include "store/invitations.h"
#include "store/vacancies.h"

namespace cammio {

// Unfinished (created, last byte not arrived) uploads a participant may hold.
constexpr int64_t kMaxUnfinishedLiveUploads = 2;

// OK when participant `participant` of live invitation `inv` (of vacancy
// `v`) may create a new recording upload; Conflict with details otherwise.
Status CheckNewLiveUpload(Db& db, const Invitation& inv, const Vacancy& v,
                          const std::string& participant);
// OK when `participant`'s upload may become its recording now (its last byte
// arrived); Conflict with details otherwise (the caller drops the upload).
Status CheckFinishedLiveUpload(Db& db, const Invitation& inv, const Vacancy& v,
                               const std::string& participant);

}  // namespace cammio
