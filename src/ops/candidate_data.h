// A candidate's data under the GDPR: erasure (`cammio candidate erase`) and
// access/portability export (`cammio candidate export`). A candidate is
// identified by account and email (candidates are unique per account and
// email, case-insensitively).
//
// Erase deletes, in one transaction: the candidate, every invitation to them
// (open, completed, revoked) with its guests and uploads, every interview
// with recordings, reviewers, reviews, forward links and notification, all
// media rows of those, every outgoing mail addressed to the email or about
// those records, and remembered Idempotency-Key answers that contain the
// email. It records an erasure_audit row with counts only. Media files are
// unlinked after the commit (a crash in between leaves unreferenced files,
// which `cammio check` reports).
//
// Export writes a tar archive: candidate.json (every row held about the
// candidate, all columns except link tokens and secrets), media/<path> for
// each of their files, and manifest.json with each member's SHA-256.
//
// Thread-safety: reentrant; they use the Store's Read/Write.
#pragma once

#include <cstdint>
#include <string>

#include "cammio/status.h"
#include "store/erase.h"
#include "store/store.h"

namespace cammio::ops {

struct EraseResult {
  std::string reference;  // the erasure_audit reference
  EraseCounts counts;
  int64_t files_not_removed = 0;
};

// NotFound when the account has no candidate with that email. Storage
// errors as Store::Write (InsufficientStorage, Unavailable).
Status EraseCandidate(Store& store, const std::string& data_dir, int64_t account_id,
                      const std::string& email, int64_t now, EraseResult* result);

struct ExportResult {
  int64_t invitations = 0;
  int64_t interviews = 0;
  int64_t media_files = 0;
};

// Writes the export to `archive_path` (which must not exist). NotFound as
// EraseCandidate; file errors as ErrnoStatus; no partial file remains.
Status ExportCandidate(Store& store, const std::string& data_dir, int64_t account_id,
                       const std::string& email, int64_t now, const std::string& archive_path,
                       ExportResult* result);

}  // namespace cammio::ops
