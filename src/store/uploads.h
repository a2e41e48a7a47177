// Resumable uploads of an invitation's candidate (tus). Writers run inside
// Store::Write.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "cammio/status.h"
#include "store/db.h"

namespace cammio {

struct Upload {
  int64_t id = 0;
  int64_t account_id = 0;
  int64_t invitation_id = 0;
  std::string kind;  // recording | thumbnail | cv
  std::optional<int64_t> question_index;
  int64_t length = 0;
  int64_t received = 0;
  std::optional<int64_t> video_id;
  int64_t created_at = 0;
};

Status InsertUpload(Db& db, Upload* u);
// NotFound unless the upload belongs to `invitation_id`.
Result<Upload> GetUpload(Db& db, int64_t invitation_id, int64_t id);
Status SetUploadReceived(Db& db, int64_t id, int64_t received, int64_t now);
Status SetUploadVideo(Db& db, int64_t id, int64_t video_id, int64_t now);

}  // namespace cammio
