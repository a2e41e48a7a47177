// `cammio notifications ...`: an account's ATS notification settings and its
// deliveries, for operators without an API client at hand.
//   cammio notifications settings --account ID [--json DOC | --json-file FILE]
//   cammio notifications list --account ID [--limit N]
// `settings` without a document prints the settings; with one it applies it
// exactly as PUT /api/settings/notifications does (same fields, same
// validation, the same answer: the password and secret are never printed, a
// generated secret once) and prints the result. The document is the API's
// body: {"notification_settings": {...}} or the bare object.
// `list` prints the deliveries, newest last, as JSON lines.
#include <iostream>

#include "api/notifications.h"
#include "cammio/document.h"
#include "cli/cli.h"
#include "notify/outbox.h"
#include "store/accounts.h"
#include "store/store.h"
#include "util/fs.h"
#include "util/time.h"

namespace cammio {
namespace {

// The settings document given by --json or --json-file; nullopt when neither.
Result<std::optional<Value>> SettingsBody(const Args& a) {
  std::string text;
  if (a.Has("json")) {
    text = a.Get("json");
  } else if (a.Has("json-file")) {
    auto read = ReadWholeFile(a.Get("json-file"));
    if (!read.ok()) return Status::InvalidArgument("cannot read " + a.Get("json-file"));
    text = std::move(read.value());
  } else {
    return std::optional<Value>();
  }
  auto doc = ParseJson(text);
  if (!doc.ok()) return doc.status();
  Value body = std::move(doc.value());
  if (body.is_object() && body.members().size() == 1) {
    if (const Value* inner = body.Find("notification_settings")) {
      Value unwrapped = *inner;  // copied first: `inner` points into `body`
      body = std::move(unwrapped);
    }
  }
  if (!body.is_object()) {
    return Status::InvalidArgument("the settings document must be a JSON object");
  }
  return std::optional<Value>(std::move(body));
}

int NotifySettings(const Args& a, Store& store, int64_t account_id) {
  auto body = SettingsBody(a);
  if (!body.ok()) return CliFail(body.status());
  Result<Value> doc =
      *body ? UpdateNotificationSettings(store, account_id, **body, SystemClock().Now())
            : NotificationSettingsDocument(store, account_id);
  if (!doc.ok()) return CliFail(doc.status());
  std::cout << RenderJson(*doc) << "\n";
  return 0;
}

int NotifyList(const Args& a, Store& store, int64_t account_id) {
  DeliveryFilter f;
  if (a.Has("limit") && !ParsePositive(a.Get("limit"), &f.limit)) {
    return CliUsage("--limit must be a positive number");
  }
  std::vector<NotificationDelivery> rows;
  int64_t total = 0;
  Status s = store.Read([&](Db& db) { return ListDeliveries(db, account_id, f, &rows, &total); });
  if (!s.ok()) return CliFail(s);
  for (const auto& d : rows) std::cout << RenderJson(NotificationDeliveryDocument(d)) << "\n";
  return 0;
}

}  // namespace

int NotificationsCommand(const Args& a, Store& store) {
  std::string sub = a.words.size() > 1 ? a.words[1] : "";
  if (sub != "settings" && sub != "list") {
    return CliUsage("unknown notifications command '" + sub + "' (settings, list)");
  }
  int64_t account_id = 0;
  if (!ParsePositive(a.Get("account"), &account_id)) {
    return CliUsage("notifications " + sub + " needs --account ID");
  }
  Status s = store.Read([&](Db& db) { return GetAccount(db, account_id).status(); });
  if (!s.ok()) return CliFail(s);
  return sub == "settings" ? NotifySettings(a, store, account_id)
                           : NotifyList(a, store, account_id);
}

}  // namespace cammio
