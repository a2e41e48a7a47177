// AppEvents: the application's answer to the API's events (api/events.h),
// made at the composition root (cammio serve, and testing::TestServer).
//   InterviewCompleted -> the completion notification towards the ATS
//                         (notify/outbox.h) and the "interview completed"
//                         email (mail/enqueue.h), in the completion's write
//   MailQueued         -> wakes the mail sender (mail/sender.h)
//   NotificationQueued -> wakes the notification sender (notify/sender.h)
//
// The senders are reached through wake-up functions (serve passes
// `[&mailer] { mailer.Kick(); }`), so a test can count the wake-ups.
//
// Thread-safety: all methods are thread-safe when the wake-up functions are
// (the senders' Kick is). Ownership: whatever the functions capture must
// outlive this object. An empty function wakes nobody (the rows then wait in
// the outbox for the sender's next poll).
#pragma once

#include <functional>
#include <string>

#include "api/events.h"
#include "config/public_links.h"

namespace cammio {

class AppEvents final : public Events {
 public:
  // `links`: the links the rows carry.
  AppEvents(PublicLinks links, std::function<void()> wake_notification_sender,
            std::function<void()> wake_mail_sender);

  Status InterviewCompleted(Db& db, const CompletionResult& r, int64_t now) override;
  void MailQueued() override;
  void NotificationQueued() override;

 private:
  const PublicLinks links_;
  const std::function<void()> wake_notifications_;
  const std::function<void()> wake_mail_;
};

}  // namespace cammio
