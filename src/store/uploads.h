// Resumable uploads (tus): a candidate's, of an invitation, and a
// recruiter's, of the account (invitation_id 0 in memory, NULL stored;
// kind "question"). Writers run inside Store::Write.
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
  int64_t invitation_id = 0;  // 0: the account's own upload (a recruiter's)
  std::string kind;           // recording | thumbnail | cv | question
  std::optional<int64_t> question_index;
  int64_t length = 0;
  int64_t received = 0;
  std::optional<int64_t> video_id;
  int64_t created_at = 0;
  int64_t updated_at = 0;  // created, or last received bytes
};

Status InsertUpload(Db& db, Upload* u);
// NotFound unless the upload belongs to `invitation_id`.
Result<Upload> GetUpload(Db& db, int64_t invitation_id, int64_t id);
// NotFound unless `id` is an upload of the account's own (a recruiter's,
// no invitation) of `account_id`: a candidate's upload and another
// account's are NotFound alike.
Result<Upload> GetAccountUpload(Db& db, int64_t account_id, int64_t id);
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
// The account's own unfinished uploads (recruiters', no invitation)
// created or updated at or after `updated_since`.
Result<int64_t> CountAccountUnfinishedUploads(Db& db, int64_t account_id, int64_t updated_since);
// Deletes the account's own unfinished uploads last updated before
// `updated_before` (expired) and appends their ids to *ids; the caller
// unlinks their part files once the transaction has committed.
Status DeleteStaleAccountUploads(Db& db, int64_t account_id, int64_t updated_before,
                                 std::vector<int64_t>* ids);
// Detaches the upload's media file (video_id becomes NULL); the caller
// deletes the `videos` row and the file.
Status ClearUploadVideo(Db& db, int64_t id, int64_t now);

}  // namespace cammio
