// LossyVfs: a SQLite VFS for tests that models a power failure.
//
// It wraps the default (unix) VFS. Every write to a database, journal or WAL
// file is kept in memory until SQLite syncs that file (xSync): only then is
// it applied to the real file. Reads see the unsynced writes, as they would
// see the page cache. Truncates are deferred the same way. The "-shm" file
// and the xShm* calls pass through: shared memory is never durable, and
// SQLite rebuilds it after a crash.
//
// Directory entries are modelled like the unix VFS syncs them: a file created
// through xOpen has a durable name only after a directory sync, which the
// unix VFS does on the first xSync of a newly created journal or WAL file
// (the main database file's name becomes durable with that same directory
// sync). A deletion without xDelete's syncDir is undone by a power failure
// unless a directory sync followed it.
//
// The power fails at a chosen mutating call (xWrite, xTruncate, xSync,
// xDelete; counted from ArmCrash): that call is not performed, and then
//  - kDiscard: everything not synced is lost: unsynced writes and truncates,
//    names of files created since the last directory sync (the files are
//    removed), unsynced deletions (the files come back);
//  - kRandomSubset: each unsynced write or truncate independently reached
//    the disk or not (in any order), each unsynced directory change too, as
//    a disk that reorders writes between syncs may leave things.
// From then on every I/O call fails (xOpen, xRead, xWrite, xSync, ...), so the
// real files stay as the power failure left them however the process goes
// on; xClose and the lock and shared-memory calls still work so connections
// can be closed. Then close every connection and reopen the database with the
// default VFS to see what a machine would find after rebooting.
//
// Not modelled: torn or partially written sectors (a write reaches the disk
// whole or not at all), a disk write cache that ignores flushes (a sync here
// is always honoured), corruption of synced data, I/O of files SQLite does not
// open through the VFS.
//
// Thread-safety: all calls are serialized by one mutex; any thread may call
// the methods below. Register at most one LossyVfs per name at a time;
// destroy it only after every connection using it is closed.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <string>

namespace cammio::testing {

class LossyVfs {
 public:
  enum class Mode { kDiscard, kRandomSubset };

  struct Counts {
    int64_t mutations = 0;  // xWrite, xTruncate, xSync, xDelete since ArmCrash
    int64_t writes = 0;     // xWrite calls (all time)
    int64_t syncs = 0;      // xSync calls (all time)
    int64_t applied = 0;    // writes and truncates applied to the real files
    int64_t discarded = 0;  // writes and truncates lost in the power failure
  };

  // Registers the VFS `name` (not as the default). `seed` drives kRandomSubset.
  LossyVfs(std::string name, Mode mode, uint64_t seed);
  ~LossyVfs();  // unregisters it
  LossyVfs(const LossyVfs&) = delete;
  LossyVfs& operator=(const LossyVfs&) = delete;

  const std::string& name() const;

  // The power fails at the n-th (1-based) mutating call from now on.
  // n <= 0: never (until CrashNow).
  void ArmCrash(int64_t n);
  // The power fails now (idempotent).
  void CrashNow();
  bool crashed() const;
  Counts counts() const;

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace cammio::testing
