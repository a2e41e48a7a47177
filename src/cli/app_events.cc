#include "cli/app_events.h"

#include <utility>

#include "mail/enqueue.h"
#include "notify/outbox.h"

namespace cammio {

AppEvents::AppEvents(PublicLinks links, std::function<void()> wake_notification_sender,
                     std::function<void()> wake_mail_sender)
    : links_(std::move(links)),
      wake_notifications_(std::move(wake_notification_sender)),
      wake_mail_(std::move(wake_mail_sender)) {}

Status AppEvents::InterviewCompleted(Db& db, const CompletionResult& r, int64_t now) {
  Status s = EnqueueCompletionNotification(db, r.interview_id, links_, now);
  if (!s.ok()) return s;
  return mail::EnqueueInterviewCompleted(db, links_, r.account_id, r.interview_id, now);
}

void AppEvents::MailQueued() {
  if (wake_mail_) wake_mail_();
}

void AppEvents::NotificationQueued() {
  if (wake_notifications_) wake_notifications_();
}

}  // namespace cammio
