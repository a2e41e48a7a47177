// Resumable uploads of an invitation's candidate (tus). Writers run inside
// Store::Write.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

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

// Removes the upload's row (the caller unlinks its part file).
Status DeleteUpload(Db& db, int64_t id);

// The invitation's finished uploads (their last byte arrived and they have a
// media file) of `kind` and, for recordings and thumbnails, of the question
// with that index (`question_index` nullopt matches uploads without one).
Result<int64_t> CountFinishedUploads(Db& db, int64_t invitation_id, const std::string& kind,
                                     std::optional<int64_t> question_index);
// The invitation's unfinished uploads of `kind` and question that were
// created or received bytes at or after `updated_since` (epoch seconds).
Result<int64_t> CountUnfinishedUploads(Db& db, int64_t invitation_id, const std::string& kind,
                                       std::optional<int64_t> question_index,
                                       int64_t updated_since);
// The id of the invitation's newest finished upload of `kind` (and
// question); nullopt when there is none.
Result<std::optional<int64_t>> LatestFinishedUploadId(Db& db, int64_t invitation_id,
                                                      const std::string& kind,
                                                      std::optional<int64_t> question_index);
// Every upload of the invitation, oldest first.
Status ListUploads(Db& db, int64_t invitation_id, std::vector<Upload>* out);
// The media file of the invitation's newest finished upload of `kind`
// (the interview's CV: every other one is dropped at completion).
Result<std::optional<int64_t>> LatestFinishedMedia(Db& db, int64_t invitation_id,
                                                   const std::string& kind);
// Detaches the upload's media file (video_id becomes NULL); the caller
// deletes the `videos` row and the file.
Status ClearUploadVideo(Db& db, int64_t id, int64_t now);

}  // namespace cammio
