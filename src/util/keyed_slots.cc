#include "util/keyed_slots.h"

namespace cammio::util {

KeyedSlots::Slot::~Slot() {
  if (owner_ != nullptr) owner_->Release(key_);
}

std::optional<KeyedSlots::Slot> KeyedSlots::TryAcquire(int64_t key, Full* full) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = held_.find(key);
  if (it != held_.end() && it->second >= per_key_) {
    *full = Full::kKey;
    return std::nullopt;
  }
  if (held_total_ >= total_) {
    *full = Full::kTotal;
    return std::nullopt;
  }
  ++held_[key];
  ++held_total_;
  return Slot(this, key);
}

void KeyedSlots::Release(int64_t key) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = held_.find(key);
  if (it != held_.end() && --it->second <= 0) held_.erase(it);
  --held_total_;
}

}  // namespace cammio::util
