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

struct NotificationDelivery;

// The account's settings as GET /api/settings/notifications answers them
// (root notification_settings; no password or secret). NotFound for an
// unknown account.
Result<Value> NotificationSettingsDocument(Store& store, int64_t account_id);
// Applies a PUT body (the fields given change; see docs/decisions.md) in one
// write and answers the stored settings as above, plus a generated signing
// secret once. PreconditionFailed/InvalidArgument for bad fields, changing
// nothing. Shared by the API and `cammio notifications settings`.
Result<Value> UpdateNotificationSettings(Store& store, int64_t account_id, const Value& body,
                                         int64_t now);
// One delivery as the API answers it.
Value NotificationDeliveryDocument(const NotificationDelivery& d);

Status GetNotificationSettingsHandler(Call& call);
Status PutNotificationSettingsHandler(Call& call);
Status TestNotificationSettingsHandler(Call& call);
Status ListNotificationsHandler(Call& call);
Status GetNotificationHandler(Call& call);
Status RedeliverNotificationHandler(Call& call);

}  // namespace cammio
