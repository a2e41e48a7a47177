// Erase: the one owner of deletes that span tables, and of the deletes whose
// table has no statements file in store/ yet. No DELETE statement lives
// outside src/store/ (tests/shell/module_deps_test.sh enforces it).
//
// Eraser deletes invitations, interviews and vacancies of one account with
// everything that hangs off them, for candidate erasure, data retention and
// DELETE /api/vacancies:
//   invitation -> guests, uploads (and their .part files), the mail about the
//                 invitation and its guests, the interview made from it;
//   interview  -> recordings, reviewers, reviews, forward links (and their
//                 openings, when that table exists), the notification, the
//                 mail about the interview and its reviewers;
//   media      -> the `videos` rows of every recording, thumbnail and upload
//                 above; their files are only *listed* (files()), for the
//                 caller to unlink after the transaction has committed. A
//                 file a question or a vacancy shows (its video, intro
//                 video) is kept, row and file;
//   vacancy    -> its questions and its (revoked) invitations' rows, guests
//                 and uploads; the caller checks that nothing else refers to it.
// Candidates left without invitations or interviews are deleted by
// DropOrphanCandidates. Everything runs inside the caller's transaction
// (Store::Write), so a failure deletes nothing.
//
// Thread-safety: an Eraser, like the Db it uses, belongs to one Store::Write
// callback; the free functions likewise take the callback's Db.
#pragma once

#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "cammio/status.h"
#include "store/db.h"

namespace cammio {

struct EraseCounts {
  int64_t candidates = 0;
  int64_t invitations = 0;
  int64_t interviews = 0;
  int64_t media_files = 0;
  int64_t media_bytes = 0;
};

class Eraser {
 public:
  // `media_dir` is DATA/media; listed files are absolute paths under it.
  Eraser(Db& db, int64_t account_id, std::string media_dir)
      : db_(db), account_id_(account_id), media_dir_(std::move(media_dir)) {}

  // Deletes one invitation of the account (any status) and what hangs off
  // it. NotFound if it is not the account's.
  Status Invitation(int64_t invitation_id);
  // Deletes one interview of the account (and, if it has one, the
  // invitation it was made from). NotFound if it is not the account's.
  Status Interview(int64_t interview_id);
  // Deletes the media rows collected so far (call once, after the above).
  Status FinishMedia();
  // Deletes the account's mail addressed to `address` (any case).
  Status MailTo(const std::string& address);
  // Deletes the account's remembered POST answers (Idempotency-Key) whose
  // body quotes `text` (any case).
  Status IdempotencyQuoting(const std::string& text);
  // Deletes the account's candidates that no invitation or interview refers
  // to any more (ids in `candidate_ids` only; empty: all of the account's).
  Status DropOrphanCandidates(const std::vector<int64_t>& candidate_ids);
  // Records an erasure_audit row (counts only) with a fresh random
  // reference, which *reference receives (when not null).
  Status Audit(const std::string& action, int64_t now, std::string* reference);

  const EraseCounts& counts() const { return counts_; }
  // Files to unlink once the transaction has committed.
  const std::vector<std::string>& files() const { return files_; }

 private:
  Status InterviewOnly(int64_t interview_id);
  Status DeleteMail(const char* kind, int64_t ref_id);
  Db& db_;
  int64_t account_id_;
  std::string media_dir_;
  std::set<int64_t> videos_;
  EraseCounts counts_;
  std::vector<std::string> files_;
};

// Deletes the vacancy, its questions and every invitation of it with their
// guests and uploads (rows only). The caller has checked that the vacancy is
// the account's and that no live invitation or interview refers to it.
Status EraseVacancyRows(Db& db, int64_t account_id, int64_t vacancy_id);

// Deletes of one table (until its statements move into a store file of their
// own). Each deletes nothing else.
// The account's retention period (retention_settings); no row is not an error.
Status DeleteRetentionSetting(Db& db, int64_t account_id);
// The account's SMTP relay (mail_settings). NotFound when it has none.
Status DeleteMailRelay(Db& db, int64_t account_id);
// Up to 1000 sent mails (mail_outbox) sent before `before` (Unix seconds).
Status DeleteSentMailBefore(Db& db, int64_t before);

}  // namespace cammio
