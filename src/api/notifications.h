// Completion notifications towards the ATS:
//   GET  /api/settings/notifications        the account's settings
//   PUT  /api/settings/notifications        update them (fields given)
//   POST /api/settings/notifications/test   send a test notification now
//   GET  /api/notifications                 the account's deliveries
//   GET  /api/notifications/:id             one delivery
//   POST /api/notifications/:id/redeliver   send a delivery again (same webhook-id)
// Root keys: notification_settings, notification_test, notification.
#pragma once

#include "api/call.h"

namespace cammio {

Status GetNotificationSettingsHandler(Call& call);
Status PutNotificationSettingsHandler(Call& call);
Status TestNotificationSettingsHandler(Call& call);
Status ListNotificationsHandler(Call& call);
Status GetNotificationHandler(Call& call);
Status RedeliverNotificationHandler(Call& call);

}  // namespace cammio
