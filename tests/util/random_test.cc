// Random tokens (util/random.h): shape, uniqueness, and OrderedToken's order.
#include "util/random.h"

#include <doctest/doctest.h>

#include <chrono>
#include <set>
#include <thread>

namespace cammio {
namespace {

TEST_CASE("random: RandomToken has the documented length and does not repeat") {
  CHECK(RandomToken(20).size() == 32);
  CHECK(RandomToken(16).size() == 26);
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) seen.insert(RandomToken(20));
  CHECK(seen.size() == 1000);
  // Their use as link token segments: tests/api/router_test.cc.
}

TEST_CASE("random: OrderedToken sorts by creation time and keeps the random part") {
  const std::string first = OrderedToken(20);
  CHECK(first.size() == 11 + 32);
  std::this_thread::sleep_for(std::chrono::milliseconds(2));
  const std::string second = OrderedToken(20);
  CHECK(first < second);
  // The prefix changes slowly, the rest does not repeat.
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) seen.insert(OrderedToken(20).substr(11));
  CHECK(seen.size() == 1000);
  // Ordered across a 5-bit digit boundary too: compare many in a row.
  std::string prev = OrderedToken(4);
  for (int i = 0; i < 2000; ++i) {
    std::string next = OrderedToken(4);
    CHECK(prev.substr(0, 11) <= next.substr(0, 11));
    prev = next;
  }
}

}  // namespace
}  // namespace cammio
