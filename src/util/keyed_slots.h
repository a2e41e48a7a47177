// KeyedSlots: a bound on slow calls that request threads make on a
// tenant's behalf (the notification settings' test call to the ATS, the
// console's test message through the account's relay): at most `per_key`
// at once for one key (an account) and `total` on the whole server, so a
// burst of them from one account cannot occupy every request thread. A
// caller that finds no free slot is refused at once (the handlers answer
// 429 with Retry-After), never queued.
//
// Thread-safety: all methods are thread-safe; a Slot belongs to the thread
// that acquired it.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>

namespace cammio::util {

class KeyedSlots {
 public:
  // per_key, total >= 1.
  KeyedSlots(int per_key, int total) : per_key_(per_key), total_(total) {}
  KeyedSlots(const KeyedSlots&) = delete;
  KeyedSlots& operator=(const KeyedSlots&) = delete;

  // A held slot; destroying it (or moving from it) frees it.
  class Slot {
   public:
    Slot(Slot&& other) noexcept : owner_(other.owner_), key_(other.key_) { other.owner_ = nullptr; }
    Slot& operator=(Slot&&) = delete;
    Slot(const Slot&) = delete;
    ~Slot();

   private:
    friend class KeyedSlots;
    Slot(KeyedSlots* owner, int64_t key) : owner_(owner), key_(key) {}
    KeyedSlots* owner_;
    int64_t key_;
  };

  // Which limit refused a slot.
  enum class Full { kKey, kTotal };

  // A slot for `key`, held until the Slot is destroyed; nullopt (and *full
  // says which limit) when `key` has per_key slots or all have total.
  std::optional<Slot> TryAcquire(int64_t key, Full* full);

  int per_key() const { return per_key_; }

 private:
  void Release(int64_t key);

  const int per_key_, total_;
  std::mutex mu_;
  std::map<int64_t, int> held_;  // key -> slots held (no entry: none)
  int held_total_ = 0;
};

}  // namespace cammio::util
