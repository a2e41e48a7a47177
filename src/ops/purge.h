// Purger: deletes invitations and interviews of one account with
// everything that hangs off them, for candidate erasure and data retention:
//   invitation -> guests, uploads (and their .part files), the mail about the
//                 invitation and its guests, the interview made from it;
//   interview  -> recordings, reviewers, reviews, forward links (and their
//                 openings, when that table exists), the notification, the
//                 mail about the interview and its reviewers;
//   media      -> the `videos` rows of every recording, thumbnail and upload
//                 above; their files are only *listed* (files()), for the
//                 caller to unlink after the transaction has committed.
// Candidates left without invitations or interviews are deleted by
// DropOrphanCandidates. Everything runs inside the caller's transaction
// (Store::Write), so a failure deletes nothing.
//
// Thread-safety: a Purger belongs to one Store::Write callback.
#pragma once

#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "cammio/status.h"
#include "store/db.h"

namespace cammio::ops {

struct PurgeCounts {
  int64_t candidates = 0;
  int64_t invitations = 0;
  int64_t interviews = 0;
  int64_t media_files = 0;
  int64_t media_bytes = 0;
};

class Purger {
 public:
  // `media_dir` is DATA/media; listed files are absolute paths under it.
  Purger(Db& db, int64_t account_id, std::string media_dir)
      : db_(db), account_id_(account_id), media_dir_(std::move(media_dir)) {}

  // Deletes one invitation of the account (any status) and what hangs off
  // it. NotFound if it is not the account's.
  Status Invitation(int64_t invitation_id);
  // Deletes one interview of the account (and, if it has one, the
  // invitation it was made from). NotFound if it is not the account's.
  Status Interview(int64_t interview_id);
  // Deletes the media rows collected so far (call once, after the above).
  Status FinishMedia();
  // Deletes the account's candidates that no invitation or interview refers
  // to any more (ids in `candidate_ids` only; empty: all of the account's).
  Status DropOrphanCandidates(const std::vector<int64_t>& candidate_ids);
  // Records an erasure_audit row (counts only) with a fresh random
  // reference, which *reference receives.
  Status Audit(const std::string& action, int64_t now, std::string* reference);

  const PurgeCounts& counts() const { return counts_; }
  // Files to unlink once the transaction has committed.
  const std::vector<std::string>& files() const { return files_; }

 private:
  Status InterviewOnly(int64_t interview_id);
  Status DeleteMail(const char* kind, int64_t ref_id);
  Db& db_;
  int64_t account_id_;
  std::string media_dir_;
  std::set<int64_t> videos_;
  PurgeCounts counts_;
  std::vector<std::string> files_;
};

// Unlinks `files`; returns how many could not be removed (logged). Files
// already gone count as removed.
int64_t UnlinkFiles(const std::vector<std::string>& files);

// True when the database has a table of that name.
bool TableExists(Db& db, const std::string& name);

}  // namespace cammio::ops
