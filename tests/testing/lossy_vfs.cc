#include "testing/lossy_vfs.h"

#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <map>
#include <mutex>
#include <new>
#include <random>
#include <vector>

namespace cammio::testing {
namespace {

// One unsynced change of a file: a write, or a truncate to `offset` bytes.
struct Op {
  bool truncate = false;
  int64_t offset = 0;
  std::string data;
};

// A modelled file, shared by every handle open on its path.
struct FileState {
  std::string path;
  std::string shadow;        // the content SQLite sees (page cache)
  std::vector<Op> pending;   // changes since the last sync, in order
  bool name_durable = true;  // false: created since the last directory sync
};

// A deletion not yet made durable: the real file waits under `aside`.
struct Deleted {
  std::string path;
  std::string aside;
};

std::string DirOf(const std::string& path) {
  size_t slash = path.rfind('/');
  return slash == std::string::npos ? "." : path.substr(0, slash);
}

bool Exists(const char* path) { return ::access(path, F_OK) == 0; }

constexpr int kModelledTypes =
    SQLITE_OPEN_MAIN_DB | SQLITE_OPEN_MAIN_JOURNAL | SQLITE_OPEN_WAL | SQLITE_OPEN_SUPER_JOURNAL;
constexpr int kDirSyncTypes =
    SQLITE_OPEN_MAIN_JOURNAL | SQLITE_OPEN_WAL | SQLITE_OPEN_SUPER_JOURNAL;

}  // namespace

struct LossyVfs::Impl {
  sqlite3_vfs vfs{};
  sqlite3_vfs* real = nullptr;
  std::string name;
  Mode mode;
  std::mt19937_64 rng;

  std::mutex mu;
  std::map<std::string, std::shared_ptr<FileState>> files;
  std::vector<Deleted> deleted;
  int64_t crash_at = 0;
  bool crashed = false;
  Counts counts;
  int64_t aside_seq = 0;

  Impl(std::string n, Mode m, uint64_t seed) : name(std::move(n)), mode(m), rng(seed) {}

  bool Coin() { return (rng() & 1) != 0; }

  // Counts a mutating call. false: the power is off (it failed at this call
  // or before), so the call must not happen.
  bool Mutate() {
    if (crashed) return false;
    ++counts.mutations;
    if (crash_at > 0 && counts.mutations >= crash_at) {
      PowerFail();
      return false;
    }
    return true;
  }

  void ApplyToRealFile(const std::string& path, const Op& op) {
    int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
    if (fd < 0) return;
    if (op.truncate) {
      (void)!::ftruncate(fd, op.offset);
    } else {
      (void)!::pwrite(fd, op.data.data(), op.data.size(), op.offset);
    }
    ::close(fd);
  }

  void PowerFail() {
    crashed = true;
    bool subset = mode == Mode::kRandomSubset;
    for (auto& [path, st] : files) {
      for (const Op& op : st->pending) {
        if (subset && Coin()) {
          ApplyToRealFile(path, op);
          ++counts.applied;
        } else {
          ++counts.discarded;
        }
      }
      st->pending.clear();
      if (!st->name_durable && !(subset && Coin())) ::unlink(path.c_str());
    }
    for (auto it = deleted.rbegin(); it != deleted.rend(); ++it) {
      if ((subset && Coin()) || Exists(it->path.c_str())) {
        ::unlink(it->aside.c_str());  // the deletion reached the disk
      } else {
        std::rename(it->aside.c_str(), it->path.c_str());
      }
    }
    files.clear();
    deleted.clear();
  }

  // What the unix VFS's fsync of a directory makes durable.
  void DirSync(const std::string& dir) {
    for (auto& [path, st] : files) {
      if (DirOf(path) == dir) st->name_durable = true;
    }
    std::vector<Deleted> keep;
    for (auto& d : deleted) {
      if (DirOf(d.path) == dir) {
        ::unlink(d.aside.c_str());
      } else {
        keep.push_back(d);
      }
    }
    deleted.swap(keep);
  }
};

namespace {

using Impl = LossyVfs::Impl;

struct LossyFile {
  sqlite3_file base;
  Impl* vfs;
  std::shared_ptr<FileState> state;  // null: passed through (temporary files)
  bool dirsync_on_sync;              // as the unix VFS's UNIXFILE_DIRSYNC
  sqlite3_file* real;
};

constexpr size_t kHeader = (sizeof(LossyFile) + 7) & ~size_t{7};

LossyFile* F(sqlite3_file* f) { return reinterpret_cast<LossyFile*>(f); }
Impl* V(sqlite3_vfs* v) { return static_cast<Impl*>(v->pAppData); }
sqlite3_file* Real(sqlite3_file* f) { return F(f)->real; }

int Close(sqlite3_file* file) {
  LossyFile* f = F(file);
  int rc;
  {
    std::lock_guard<std::mutex> lock(f->vfs->mu);
    rc = f->real->pMethods->xClose(f->real);
  }
  f->~LossyFile();
  return rc;
}

int Read(sqlite3_file* file, void* buf, int amt, sqlite3_int64 off) {
  LossyFile* f = F(file);
  std::lock_guard<std::mutex> lock(f->vfs->mu);
  if (f->vfs->crashed) return SQLITE_IOERR_READ;
  if (!f->state) return f->real->pMethods->xRead(f->real, buf, amt, off);
  const std::string& s = f->state->shadow;
  size_t have = off < static_cast<int64_t>(s.size()) ? s.size() - static_cast<size_t>(off) : 0;
  size_t n = std::min(have, static_cast<size_t>(amt));
  if (n > 0) std::memcpy(buf, s.data() + off, n);
  if (n == static_cast<size_t>(amt)) return SQLITE_OK;
  std::memset(static_cast<char*>(buf) + n, 0, static_cast<size_t>(amt) - n);
  return SQLITE_IOERR_SHORT_READ;
}

int Write(sqlite3_file* file, const void* buf, int amt, sqlite3_int64 off) {
  LossyFile* f = F(file);
  Impl* v = f->vfs;
  std::lock_guard<std::mutex> lock(v->mu);
  if (!f->state) {
    if (v->crashed) return SQLITE_IOERR_WRITE;
    return f->real->pMethods->xWrite(f->real, buf, amt, off);
  }
  if (!v->Mutate()) return SQLITE_IOERR_WRITE;
  ++v->counts.writes;
  std::string& s = f->state->shadow;
  size_t end = static_cast<size_t>(off) + static_cast<size_t>(amt);
  if (s.size() < end) s.resize(end, '\0');
  std::memcpy(&s[static_cast<size_t>(off)], buf, static_cast<size_t>(amt));
  f->state->pending.push_back({false, off, std::string(static_cast<const char*>(buf), amt)});
  return SQLITE_OK;
}

int Truncate(sqlite3_file* file, sqlite3_int64 size) {
  LossyFile* f = F(file);
  Impl* v = f->vfs;
  std::lock_guard<std::mutex> lock(v->mu);
  if (!f->state) {
    if (v->crashed) return SQLITE_IOERR_TRUNCATE;
    return f->real->pMethods->xTruncate(f->real, size);
  }
  if (!v->Mutate()) return SQLITE_IOERR_TRUNCATE;
  if (static_cast<int64_t>(f->state->shadow.size()) > size) {
    f->state->shadow.resize(static_cast<size_t>(size));
  }
  f->state->pending.push_back({true, size, std::string()});
  return SQLITE_OK;
}

int Sync(sqlite3_file* file, int flags) {
  LossyFile* f = F(file);
  Impl* v = f->vfs;
  std::lock_guard<std::mutex> lock(v->mu);
  if (!f->state) {
    if (v->crashed) return SQLITE_IOERR_FSYNC;
    return f->real->pMethods->xSync(f->real, flags);
  }
  if (!v->Mutate()) return SQLITE_IOERR_FSYNC;
  ++v->counts.syncs;
  // The real file is "the disk": what is applied here survives the power
  // failure. (No real fsync: the test process never loses the page cache.)
  for (const Op& op : f->state->pending) {
    int rc = op.truncate ? f->real->pMethods->xTruncate(f->real, op.offset)
                         : f->real->pMethods->xWrite(f->real, op.data.data(),
                                                     static_cast<int>(op.data.size()), op.offset);
    if (rc != SQLITE_OK) return rc;
    ++v->counts.applied;
  }
  f->state->pending.clear();
  if (f->dirsync_on_sync) {
    v->DirSync(DirOf(f->state->path));
    f->dirsync_on_sync = false;
  }
  return SQLITE_OK;
}

int FileSize(sqlite3_file* file, sqlite3_int64* size) {
  LossyFile* f = F(file);
  std::lock_guard<std::mutex> lock(f->vfs->mu);
  if (f->vfs->crashed) return SQLITE_IOERR_FSTAT;
  if (!f->state) return f->real->pMethods->xFileSize(f->real, size);
  *size = static_cast<sqlite3_int64>(f->state->shadow.size());
  return SQLITE_OK;
}

// Locks and shared memory are not durable state: passed through, also after
// the power failure, so connections can still be closed.
int Lock(sqlite3_file* f, int level) { return Real(f)->pMethods->xLock(Real(f), level); }
int Unlock(sqlite3_file* f, int level) { return Real(f)->pMethods->xUnlock(Real(f), level); }
int CheckReservedLock(sqlite3_file* f, int* out) {
  return Real(f)->pMethods->xCheckReservedLock(Real(f), out);
}

int FileControl(sqlite3_file* file, int op, void* arg) {
  LossyFile* f = F(file);
  // These would extend the real file behind the model's back.
  if (f->state && (op == SQLITE_FCNTL_SIZE_HINT || op == SQLITE_FCNTL_CHUNK_SIZE)) {
    return SQLITE_OK;
  }
  return f->real->pMethods->xFileControl(f->real, op, arg);
}

int SectorSize(sqlite3_file* f) { return Real(f)->pMethods->xSectorSize(Real(f)); }
int DeviceCharacteristics(sqlite3_file* f) {
  return Real(f)->pMethods->xDeviceCharacteristics(Real(f));
}
int ShmMap(sqlite3_file* f, int region, int size, int extend, void volatile** out) {
  return Real(f)->pMethods->xShmMap(Real(f), region, size, extend, out);
}
int ShmLock(sqlite3_file* f, int offset, int n, int flags) {
  return Real(f)->pMethods->xShmLock(Real(f), offset, n, flags);
}
void ShmBarrier(sqlite3_file* f) { Real(f)->pMethods->xShmBarrier(Real(f)); }
int ShmUnmap(sqlite3_file* f, int del) { return Real(f)->pMethods->xShmUnmap(Real(f), del); }

// Version 2: no xFetch/xUnfetch, so SQLite never memory-maps a file and
// every read and write goes through the methods above whatever mmap_size is.
const sqlite3_io_methods kMethods = {2,
                                     Close,
                                     Read,
                                     Write,
                                     Truncate,
                                     Sync,
                                     FileSize,
                                     Lock,
                                     Unlock,
                                     CheckReservedLock,
                                     FileControl,
                                     SectorSize,
                                     DeviceCharacteristics,
                                     ShmMap,
                                     ShmLock,
                                     ShmBarrier,
                                     ShmUnmap,
                                     nullptr,
                                     nullptr};

int Open(sqlite3_vfs* vfs, const char* name, sqlite3_file* file, int flags, int* out_flags) {
  Impl* v = V(vfs);
  auto* f = new (file) LossyFile();
  f->base.pMethods = nullptr;
  f->vfs = v;
  f->real = reinterpret_cast<sqlite3_file*>(reinterpret_cast<char*>(file) + kHeader);
  f->real->pMethods = nullptr;
  std::lock_guard<std::mutex> lock(v->mu);
  bool modelled =
      name != nullptr && (flags & kModelledTypes) != 0 && (flags & SQLITE_OPEN_DELETEONCLOSE) == 0;
  int rc = v->crashed ? SQLITE_CANTOPEN : SQLITE_OK;
  bool existed = modelled && Exists(name);
  if (rc == SQLITE_OK) rc = v->real->xOpen(v->real, name, f->real, flags, out_flags);
  if (rc != SQLITE_OK) {
    if (f->real->pMethods != nullptr) f->real->pMethods->xClose(f->real);
    f->~LossyFile();
    return rc;
  }
  f->base.pMethods = &kMethods;
  if (!modelled) return SQLITE_OK;
  f->dirsync_on_sync = (flags & SQLITE_OPEN_CREATE) != 0 && (flags & kDirSyncTypes) != 0;
  auto& st = v->files[name];
  if (!st) {
    st = std::make_shared<FileState>();
    st->path = name;
    st->name_durable = existed;
    sqlite3_int64 size = 0;
    rc = f->real->pMethods->xFileSize(f->real, &size);
    st->shadow.resize(static_cast<size_t>(size));
    if (rc == SQLITE_OK && size > 0) {
      rc = f->real->pMethods->xRead(f->real, &st->shadow[0], static_cast<int>(size), 0);
    }
    if (rc != SQLITE_OK) {
      v->files.erase(name);
      f->real->pMethods->xClose(f->real);
      f->base.pMethods = nullptr;
      f->~LossyFile();
      return SQLITE_CANTOPEN;
    }
  }
  f->state = st;
  return SQLITE_OK;
}

int Delete(sqlite3_vfs* vfs, const char* name, int sync_dir) {
  Impl* v = V(vfs);
  std::lock_guard<std::mutex> lock(v->mu);
  if (!v->Mutate()) return SQLITE_IOERR_DELETE;
  if (!Exists(name)) return SQLITE_IOERR_DELETE_NOENT;
  auto it = v->files.find(name);
  bool name_durable = it == v->files.end() || it->second->name_durable;
  if (it != v->files.end()) v->files.erase(it);
  if (sync_dir || !name_durable) {
    int rc = v->real->xDelete(v->real, name, sync_dir);
    if (sync_dir) v->DirSync(DirOf(name));
    return rc;
  }
  std::string aside = std::string(name) + ".lossy-deleted-" + std::to_string(++v->aside_seq);
  if (std::rename(name, aside.c_str()) != 0) return SQLITE_IOERR_DELETE;
  v->deleted.push_back({name, aside});
  return SQLITE_OK;
}

int Access(sqlite3_vfs* vfs, const char* name, int flags, int* out) {
  Impl* v = V(vfs);
  {
    std::lock_guard<std::mutex> lock(v->mu);
    if (v->crashed) return SQLITE_IOERR_ACCESS;
  }
  return v->real->xAccess(v->real, name, flags, out);
}

int FullPathname(sqlite3_vfs* vfs, const char* name, int n, char* out) {
  return V(vfs)->real->xFullPathname(V(vfs)->real, name, n, out);
}
void* DlOpen(sqlite3_vfs* vfs, const char* name) {
  return V(vfs)->real->xDlOpen(V(vfs)->real, name);
}
void DlError(sqlite3_vfs* vfs, int n, char* out) { V(vfs)->real->xDlError(V(vfs)->real, n, out); }
void (*DlSym(sqlite3_vfs* vfs, void* h, const char* sym))(void) {
  return V(vfs)->real->xDlSym(V(vfs)->real, h, sym);
}
void DlClose(sqlite3_vfs* vfs, void* h) { V(vfs)->real->xDlClose(V(vfs)->real, h); }
int Randomness(sqlite3_vfs* vfs, int n, char* out) {
  return V(vfs)->real->xRandomness(V(vfs)->real, n, out);
}
int Sleep(sqlite3_vfs* vfs, int us) { return V(vfs)->real->xSleep(V(vfs)->real, us); }
int CurrentTime(sqlite3_vfs* vfs, double* out) {
  return V(vfs)->real->xCurrentTime(V(vfs)->real, out);
}
int GetLastError(sqlite3_vfs* vfs, int n, char* out) {
  return V(vfs)->real->xGetLastError(V(vfs)->real, n, out);
}
int CurrentTimeInt64(sqlite3_vfs* vfs, sqlite3_int64* out) {
  return V(vfs)->real->xCurrentTimeInt64(V(vfs)->real, out);
}

}  // namespace

LossyVfs::LossyVfs(std::string name, Mode mode, uint64_t seed)
    : impl_(std::make_unique<Impl>(std::move(name), mode, seed)) {
  Impl& i = *impl_;
  i.real = sqlite3_vfs_find(nullptr);
  i.vfs.iVersion = 2;
  i.vfs.szOsFile = static_cast<int>(kHeader) + i.real->szOsFile;
  i.vfs.mxPathname = i.real->mxPathname;
  i.vfs.zName = i.name.c_str();
  i.vfs.pAppData = &i;
  i.vfs.xOpen = Open;
  i.vfs.xDelete = Delete;
  i.vfs.xAccess = Access;
  i.vfs.xFullPathname = FullPathname;
  i.vfs.xDlOpen = DlOpen;
  i.vfs.xDlError = DlError;
  i.vfs.xDlSym = DlSym;
  i.vfs.xDlClose = DlClose;
  i.vfs.xRandomness = Randomness;
  i.vfs.xSleep = Sleep;
  i.vfs.xCurrentTime = CurrentTime;
  i.vfs.xGetLastError = GetLastError;
  i.vfs.xCurrentTimeInt64 = CurrentTimeInt64;
  sqlite3_vfs_register(&i.vfs, 0);
}

LossyVfs::~LossyVfs() { sqlite3_vfs_unregister(&impl_->vfs); }

const std::string& LossyVfs::name() const { return impl_->name; }

void LossyVfs::ArmCrash(int64_t n) {
  std::lock_guard<std::mutex> lock(impl_->mu);
  impl_->counts.mutations = 0;
  impl_->crash_at = n;
}

void LossyVfs::CrashNow() {
  std::lock_guard<std::mutex> lock(impl_->mu);
  if (!impl_->crashed) impl_->PowerFail();
}

bool LossyVfs::crashed() const {
  std::lock_guard<std::mutex> lock(impl_->mu);
  return impl_->crashed;
}

LossyVfs::Counts LossyVfs::counts() const {
  std::lock_guard<std::mutex> lock(impl_->mu);
  return impl_->counts;
}

}  // namespace cammio::testing
