// The tus 1.0 machinery both kinds of upload share: a candidate's, under the
// invitation link (api/uploads.h), and a recruiter's, of the account
// (api/account_uploads.h). An upload's bytes go to
// DATA/media/uploads/<id>.part, fdatasync'ed before `received` counts them;
// a PATCH writes only while it owns the upload (api/upload_claims.h); the
// last byte hands the upload to the caller's `finish`, which checks the
// content and moves it into the media store (MoveIntoMedia) in one
// transaction.
//
// Thread-safety: plain functions over one request's Call.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "api/call.h"
#include "store/uploads.h"
#include "store/videos.h"

namespace cammio::tus {

constexpr const char kVersion[] = "1.0.0";
// The largest upload of a video (a candidate's recording, a recruiter's
// question or intro video).
constexpr int64_t kMaxVideo = int64_t{512} << 20;

// DATA/media, and the part file of upload `id`.
std::string MediaDir(const Call& call);
std::string PartPath(const Call& call, int64_t upload_id);

// Creates the directory `path` if it is missing, its name synced into its
// parent. InsufficientStorage when the disk is full, Unavailable otherwise.
Status MakeDir(const std::string& path);

// Sets Tus-Resumable on the answer; PreconditionFailed (with Tus-Version)
// unless the request says Tus-Resumable: 1.0.0.
Status RequireTus(Call& call);

// Creates DATA/media/uploads/<id>.part for the new upload `id` (empty,
// its name durable). Unavailable or IoError on failure.
Status CreatePartFile(Call& call, int64_t upload_id);

// Reads the first `n` (at most 16) bytes of upload `id`'s part file into
// `head`; how many were read (-1 when the file cannot be read).
ssize_t ReadHead(const Call& call, int64_t upload_id, unsigned char* head, size_t n);

// Loads the upload a PATCH names (NotFound when it is not the caller's).
using LoadFn = std::function<Result<Upload>()>;
// Runs when the last byte of `u` is durable, under the PATCH's claim:
// checks the content and makes it a media file (or refuses it).
using FinishFn = std::function<Status(const Upload& u)>;

// A PATCH's headers: RequireTus, then Content-Type
// application/offset+octet-stream (InvalidArgument otherwise).
Status RequirePatch(Call& call);

// The PATCH of the tus core protocol (after RequirePatch): checks
// Upload-Offset against the stored upload (Conflict on a mismatch or a
// finished upload), claims the upload, appends the body and, on the last
// byte, runs `finish`. Answers 204 with Upload-Offset; the Status of the
// first failure otherwise (the durable offset is kept either way).
Status Patch(Call& call, const LoadFn& load, const FinishFn& finish);

// Inside a Store::Write: makes the finished upload `u` the media file
// `media` (kind, content type, size and account set by the caller): inserts
// the `videos` row named <account>/<id>.<extension>, links it to the upload
// and renames the part file into place, both directories synced before the
// commit (a failed rename or sync fails the transaction, the file put
// back). The directory DATA/media/<account> must exist (MakeDir).
Status MoveIntoMedia(Call& call, Db& db, const Upload& u, const char* extension, MediaFile* media);

}  // namespace cammio::tus
