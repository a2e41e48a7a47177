// Test helpers for the videos of vacancies and questions: a recruiter's tus
// upload through /api/uploads (api/account_uploads.h) and its attachment
// (api/vacancy_videos.h).
#pragma once

#include <cstdint>
#include <string>

#include "testing/api_helpers.h"

namespace cammio::testing {

// `n` bytes (n >= 4) that start with WebM's EBML magic.
inline std::string WebmBytes(size_t n, char fill = 'w') {
  return std::string("\x1A\x45\xDF\xA3", 4) + std::string(n - 4, fill);
}

// POST /api/uploads of `length` bytes, with `metadata` as Upload-Metadata
// when not empty.
inline Resp CreateUploadResp(Api& api, const std::string& length,
                             const std::string& metadata = "") {
  httplib::Headers h = {{"Tus-Resumable", "1.0.0"}, {"Upload-Length", length}};
  if (!metadata.empty()) h.emplace("Upload-Metadata", metadata);
  return api.Post("/api/uploads", "", "application/json", h);
}

// A new upload's id (REQUIREs 201).
inline int64_t CreateUpload(Api& api, int64_t length) {
  Resp r = CreateUploadResp(api, std::to_string(length));
  return Int(Object(r, 201, "upload"), "id");
}

// PATCH of `bytes` at `offset` to upload `id`.
inline Resp PatchUpload(Api& api, int64_t id, int64_t offset, const std::string& bytes) {
  httplib::Headers h = {{"Tus-Resumable", "1.0.0"}, {"Upload-Offset", std::to_string(offset)}};
  return api.Send("PATCH", "/api/uploads/" + std::to_string(id), bytes,
                  "application/offset+octet-stream", h);
}

// Uploads `bytes` in two PATCHes; returns the upload's id (its video is
// UploadVideoId's).
inline int64_t UploadInTwo(Api& api, const std::string& bytes) {
  const int64_t id = CreateUpload(api, static_cast<int64_t>(bytes.size()));
  const size_t half = bytes.size() / 2;
  REQUIRE(PatchUpload(api, id, 0, bytes.substr(0, half)).status == 204);
  REQUIRE(PatchUpload(api, id, static_cast<int64_t>(half), bytes.substr(half)).status == 204);
  return id;
}

// The video a finished upload became.
inline int64_t UploadVideoId(Api& api, int64_t upload_id) {
  Value u = Object(api.Get("/api/uploads/" + std::to_string(upload_id)), 200, "upload");
  REQUIRE(At(u, "video_id").type() == Value::Type::kInt);
  return Int(u, "video_id");
}

// Uploads a small WebM video; returns its video id.
inline int64_t UploadVideo(Api& api, char fill = 'w') {
  return UploadVideoId(api, UploadInTwo(api, WebmBytes(64, fill)));
}

}  // namespace cammio::testing
