#include "api/idempotency.h"

#include <array>
#include <functional>
#include <mutex>

#include "store/idempotency.h"
#include "util/crypto.h"
#include "util/log.h"

namespace cammio {
namespace {

constexpr int64_t kKeepSeconds = 24 * 3600;
constexpr size_t kStripes = 64;

std::mutex& StripeFor(int64_t account_id, const std::string& key) {
  static std::array<std::mutex, kStripes> stripes;
  size_t h = std::hash<std::string>()(key) ^ std::hash<int64_t>()(account_id);
  return stripes[h % kStripes];
}

bool ValidKey(const std::string& key) {
  if (key.empty() || key.size() > 255) return false;
  for (unsigned char c : key) {
    if (c < 0x21 || c > 0x7e) return false;
  }
  return true;
}

bool Success(const httplib::Response& res) { return res.status >= 200 && res.status <= 299; }

}  // namespace

Status RememberAnswer(Db& db, const IdempotentRequest& request, const httplib::Response& res,
                      bool* stored) {
  *stored = false;
  if (!Success(res)) return Status::OK();
  StoredResponse r{request.request_hash, res.status, res.get_header_value("Content-Type"),
                   res.body};
  Status s = PutStoredResponse(db, request.account_id, request.key, r, request.now,
                               request.now - kKeepSeconds);
  *stored = s.ok();
  return s;
}

Status RunIdempotent(Call& call, Handler handler) {
  const std::string key = call.req().get_header_value("Idempotency-Key");
  if (!call.req().has_header("Idempotency-Key")) return handler(call);
  if (!ValidKey(key)) {
    return Status::InvalidArgument(
        "Idempotency-Key must be 1 to 255 printable ASCII characters without spaces");
  }
  std::string hash = Sha256(call.req().method + " " + call.req().path + "\n" + call.body());
  int64_t now = call.now();
  std::lock_guard<std::mutex> lock(StripeFor(call.account_id(), key));
  Result<StoredResponse> stored = Status::NotFound("");
  Status s = call.store().Read([&](Db& db) {
    stored = GetStoredResponse(db, call.account_id(), key, now - kKeepSeconds);
    return stored.ok() || stored.status().IsNotFound() ? Status::OK() : stored.status();
  });
  if (!s.ok()) return s;
  if (stored.ok()) {
    if (!ConstantTimeEquals(stored->request_hash, hash)) {
      return Status::Conflict("this Idempotency-Key was already used with a different request");
    }
    call.res().status = stored->status;
    call.res().set_header("Idempotent-Replayed", "true");
    call.res().set_content(stored->body, stored->content_type.c_str());
    return Status::OK();
  }
  IdempotentRequest request{call.account_id(), key, hash, now};
  call.set_idempotent(&request);
  s = handler(call);
  call.set_idempotent(nullptr);
  if (!s.ok() || !Success(call.res()) || request.remembered) return s;
  // The handler wrote nothing through WriteAndReply (e.g. a test delivery):
  // its answer is this request's only write.
  Status saved = call.store().Write([&](Db& db) {
    bool stored = false;
    return RememberAnswer(db, request, call.res(), &stored);
  });
  if (!saved.ok()) {
    LogError("could not store the answer for an Idempotency-Key: " + saved.ToString());
  }
  return Status::OK();
}

}  // namespace cammio
