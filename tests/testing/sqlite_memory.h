// The bytes SQLite holds on the heap, counted in the test binary.
//
// The product turns SQLite's own memory statistics off (src/store/db.cc:
// they cost a process-wide mutex per allocation), so sqlite3_memory_used()
// is always 0. Tests that bound SQLite's memory use these counters instead:
// this file installs, before SQLite initializes (static initialization),
// an allocator that forwards to SQLite's default one and counts each
// block's size as that allocator reports it, the figure SQLite's own
// statistics would have shown.
//
// Thread-safety: the counters are atomics; any thread may read them.
#pragma once

#include <cstdint>

namespace cammio::testing {

// Whether the counting allocator was installed (false: SQLite had been
// initialized first; the counters then stay 0).
bool SqliteMemoryCounted();
// Bytes SQLite holds now.
int64_t SqliteMemoryInUse();
// The most SQLite held at once since the last reset; `reset` starts a new
// peak from the current use.
int64_t SqliteMemoryPeak(bool reset);

}  // namespace cammio::testing
