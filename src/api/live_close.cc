// LiveRooms::CloseGoneRooms (api/live.h): the rooms in memory checked
// against their invitations in the store, so a revoke or an erase that did
// not pass through this process's API closes the room too.
#include <utility>
#include <vector>

#include "api/live.h"
#include "store/invitations.h"
#include "store/live_sessions.h"
#include "store/store.h"
#include "util/log.h"
#include "util/time.h"

namespace cammio {

void LiveRooms::CloseGoneRooms(int64_t now) {
  const std::vector<int64_t> ids = registry_.RoomIds();
  if (ids.empty()) return;
  std::vector<std::pair<int64_t, std::string>> gone;  // invitation, reason
  Status s = store_.Read([&](Db& db) {
    gone.clear();
    for (int64_t id : ids) {
      auto token = GetInvitationTokenOf(db, id);
      if (token.status().IsNotFound()) {
        gone.emplace_back(id, "deleted");
        continue;
      }
      if (!token.ok()) return token.status();
      auto inv = GetInvitationByToken(db, *token);
      if (!inv.ok()) return inv.status();
      if (inv->status == "revoked") gone.emplace_back(id, "revoked");
    }
    return Status::OK();
  });
  if (!s.ok()) {
    LogWarn("live: rooms not checked against their invitations: " + s.details());
    return;
  }
  for (const auto& [id, reason] : gone) registry_.Close(id, reason, FormatUtc(now));
}

}  // namespace cammio
