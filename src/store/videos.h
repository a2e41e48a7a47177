// The index of media files in DATA/media/: recordings, thumbnails, question
// videos, CVs. File names are chosen by the server (never by a client).
#pragma once

#include <cstdint>
#include <string>

#include "cammio/status.h"
#include "store/db.h"

namespace cammio {

struct MediaFile {
  int64_t id = 0;
  int64_t account_id = 0;
  std::string kind;          // recording | thumbnail | question | cv
  std::string path;          // relative to DATA/media
  std::string content_type;  // video/webm, image/jpeg, ...
  int64_t size = 0;
  int64_t created_at = 0;
};

Status InsertMediaFile(Db& db, MediaFile* f);
// Names the file once its id is known (files are named after their id).
Status SetMediaFilePath(Db& db, int64_t id, const std::string& path);
// NotFound unless the file belongs to `account_id`.
Result<MediaFile> GetMediaFile(Db& db, int64_t account_id, int64_t id);
// Deletes the index row of file `id` of `account_id`; the caller unlinks the
// file (DATA/media/<path>) once the transaction has committed.
Status DeleteMediaFile(Db& db, int64_t account_id, int64_t id);

}  // namespace cammio
