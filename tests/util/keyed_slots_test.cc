// util::KeyedSlots: the per-key and the total bound, which limit refused,
// and a slot freed when its holder is destroyed (also after a move).
#include <doctest/doctest.h>

#include <optional>
#include <utility>

#include "util/keyed_slots.h"

namespace cammio::util {
namespace {

TEST_CASE("keyed slots: per key, in total, freed by their holders") {
  KeyedSlots slots(2, 3);
  KeyedSlots::Full full = KeyedSlots::Full::kTotal;
  std::optional<KeyedSlots::Slot> a1 = slots.TryAcquire(1, &full);
  std::optional<KeyedSlots::Slot> a2 = slots.TryAcquire(1, &full);
  REQUIRE(a1);
  REQUIRE(a2);
  CHECK_FALSE(slots.TryAcquire(1, &full));
  CHECK(full == KeyedSlots::Full::kKey);

  std::optional<KeyedSlots::Slot> b1 = slots.TryAcquire(2, &full);
  REQUIRE(b1);
  // Key 2 is under its own bound, the server is at its total.
  CHECK_FALSE(slots.TryAcquire(2, &full));
  CHECK(full == KeyedSlots::Full::kTotal);

  a1.reset();  // frees one of key 1's, and one of the total
  std::optional<KeyedSlots::Slot> b2 = slots.TryAcquire(2, &full);
  REQUIRE(b2);
  CHECK_FALSE(slots.TryAcquire(1, &full));
  CHECK(full == KeyedSlots::Full::kTotal);

  {
    // A moved slot is freed once, by its last holder.
    KeyedSlots::Slot moved = std::move(*b2);
    b2.reset();
    CHECK_FALSE(slots.TryAcquire(3, &full));
  }
  std::optional<KeyedSlots::Slot> c = slots.TryAcquire(3, &full);
  CHECK(c);
  c.reset();
  a2.reset();
  b1.reset();
  // All free again: each key gets its full share.
  std::optional<KeyedSlots::Slot> x = slots.TryAcquire(1, &full), y = slots.TryAcquire(1, &full),
                                  z = slots.TryAcquire(4, &full);
  CHECK((x && y && z));
}

}  // namespace
}  // namespace cammio::util
