// Events: the one seam for events that cross modules (an interview was
// completed, email was queued, a notification was queued). The API raises
// them; what they lead to (outbox rows, waking the mail and notification
// senders) is decided at the composition root (cli/app_events.h), so api
// knows no sender and no process-wide registry of senders exists.
//
// Thread-safety: an implementation is called from any request thread, and
// InterviewCompleted from the store's writer thread, concurrently; it must
// be thread-safe. It is owned by the composition root and outlives every
// request.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "cammio/status.h"
#include "store/db.h"

namespace cammio {

// What CompleteInterview (api/candidate.h) did.
struct CompletionResult {
  int64_t interview_id = 0;
  int64_t account_id = 0;
  std::optional<std::string> redirect_url;
  // Media files no longer referenced (earlier takes, replaced CVs, unfinished
  // uploads), relative to DATA/media: unlinked once the completion committed.
  std::vector<std::string> unused_files;
};

class Events {
 public:
  virtual ~Events() = default;
  // Inside the write that completes the interview (on the writer thread):
  // adds the outbox rows (notification, email), so the event is committed
  // with the completion or not at all. A non-OK answer fails the completion.
  // Must not call back into the Store.
  virtual Status InterviewCompleted(Db& db, const CompletionResult& r, int64_t now) = 0;
  // After a commit that queued email (mail/enqueue.h): wake the mail sender.
  virtual void MailQueued() = 0;
  // After a commit that queued or re-queued a notification (a completion, a
  // redeliver): wake the notification sender.
  virtual void NotificationQueued() = 0;
};

// An Events that adds no rows and wakes nobody: the default of
// ServerContext::events. Stateless; one instance per process.
Events& NoEvents();

}  // namespace cammio
