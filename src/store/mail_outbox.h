// The mail outbox (table mail_outbox): every email an event caused, inserted
// in the event's own transaction, and its delivery state. The sender
// (mail/sender.h) moves rows from pending to sent or failed; `cammio mail
// list` shows them.
//
// The statements of mail_outbox live here in store (SQL stays behind the
// store's interface); the names stay in mail's namespace, where its callers
// (mail/outbox.h includes this) have always found them.
//
// Thread-safety: plain functions over a Db the caller holds; writers must run
// inside Store::Write.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "cammio/status.h"
#include "store/db.h"

namespace cammio::mail {

// Kinds, as stored.
inline constexpr char kCandidateInvitation[] = "candidate_invitation";
inline constexpr char kGuestInvitation[] = "guest_invitation";
inline constexpr char kReviewerInvitation[] = "reviewer_invitation";
inline constexpr char kInterviewCompleted[] = "interview_completed";
// A live interview's interviewer (ref_id: the invitation), schema/014.
inline constexpr char kInterviewerInvitation[] = "interviewer_invitation";
// A console user's set-password link (ref_id: the user), schema/018.
inline constexpr char kConsoleInvitation[] = "console_invitation";

// Why mail of an account without relay settings is still pending.
inline constexpr char kNoRelayReason[] = "no relay configured";

struct OutboxMail {
  int64_t id = 0;
  int64_t account_id = 0;
  std::string kind;
  int64_t ref_id = 0;
  std::string to_address;
  std::optional<std::string> to_name;
  std::optional<std::string> reply_to;
  std::string subject;
  std::string body_text, body_html;  // empty in ListMail results
  // A live interview's iCalendar invitation (mail/icalendar.h), sent as a
  // text/calendar part; nullopt for every other mail (and in ListMail).
  std::optional<std::string> calendar;
  std::string message_id;
  std::string status = "pending";  // pending | sent | failed
  int64_t attempts = 0;
  std::optional<int64_t> first_attempt_at;
  int64_t next_attempt_at = 0;
  std::optional<std::string> last_error;
  int64_t created_at = 0, updated_at = 0;
  std::optional<int64_t> sent_at;
};

// Inserts a pending mail (m->id is set). Due at once (next_attempt_at =
// created_at); last_error is "no relay configured" when the account has no
// relay yet.
Status InsertMail(Db& db, OutboxMail* m);
Result<OutboxMail> GetMail(Db& db, int64_t id);

// Pending mail due at `now` of accounts that have a relay, by due time.
Status ListDueMail(Db& db, int64_t now, int limit, std::vector<OutboxMail>* out);
// The earliest next_attempt_at of pending mail of accounts with a relay.
Result<std::optional<int64_t>> NextDueTime(Db& db);

// After an attempt. Each counts the attempt and only touches pending rows.
Status MarkMailSent(Db& db, int64_t id, int64_t now);
Status MarkMailRetry(Db& db, int64_t id, int64_t now, int64_t next_attempt_at,
                     const std::string& error);
Status MarkMailFailed(Db& db, int64_t id, int64_t now, const std::string& error);

struct MailFilter {
  std::optional<std::string> status;
  std::optional<int64_t> account_id;
  int64_t limit = -1;  // all
};
// Oldest first, without bodies.
Status ListMail(Db& db, const MailFilter& f, std::vector<OutboxMail>* out);

// Deletes sent mail sent before `before` (bounded per call); failed and
// pending mail is kept.
Status PruneSentMail(Db& db, int64_t before);

}  // namespace cammio::mail
