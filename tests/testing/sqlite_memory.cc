#include "testing/sqlite_memory.h"

#include <sqlite3.h>

#include <atomic>

namespace cammio::testing {
namespace {

sqlite3_mem_methods g_default;  // SQLite's allocator, set before any use
std::atomic<int64_t> g_in_use{0};
std::atomic<int64_t> g_peak{0};

void Add(int64_t bytes) {
  const int64_t now = g_in_use.fetch_add(bytes) + bytes;
  int64_t peak = g_peak.load();
  while (now > peak && !g_peak.compare_exchange_weak(peak, now)) {
  }
}

void* CountedMalloc(int n) {
  void* p = g_default.xMalloc(n);
  if (p != nullptr) Add(g_default.xSize(p));
  return p;
}

void CountedFree(void* p) {
  if (p != nullptr) Add(-static_cast<int64_t>(g_default.xSize(p)));
  g_default.xFree(p);
}

void* CountedRealloc(void* p, int n) {
  const int64_t before = g_default.xSize(p);
  void* q = g_default.xRealloc(p, n);
  if (q != nullptr) Add(g_default.xSize(q) - before);
  return q;
}

bool Install() {
  if (sqlite3_config(SQLITE_CONFIG_GETMALLOC, &g_default) != SQLITE_OK) return false;
  sqlite3_mem_methods counted = g_default;
  counted.xMalloc = CountedMalloc;
  counted.xFree = CountedFree;
  counted.xRealloc = CountedRealloc;
  return sqlite3_config(SQLITE_CONFIG_MALLOC, &counted) == SQLITE_OK;
}

const bool kInstalled = Install();

}  // namespace

bool SqliteMemoryCounted() { return kInstalled; }

int64_t SqliteMemoryInUse() { return g_in_use.load(); }

int64_t SqliteMemoryPeak(bool reset) {
  if (reset) g_peak.store(g_in_use.load());
  return g_peak.load();
}

}  // namespace cammio::testing
