#include "util/fs.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <functional>

#include "util/crypto.h"

namespace cammio {

Status ErrnoStatus(int err, const std::string& what) {
  std::string msg = what + ": " + std::strerror(err);
  switch (err) {
    case ENOSPC:
    case EDQUOT:
    case EFBIG:
      return Status::InsufficientStorage("the disk is full (" + msg + ")");
    case EROFS:
    case EACCES:
    case EPERM:
      return Status::Unavailable("the storage is not writable (" + msg + ")");
    case ENOENT:
      return Status::NotFound(msg);
    default:
      return Status::IoError(msg);
  }
}

Status WriteAll(int fd, const char* data, size_t n, const std::string& what) {
  while (n > 0) {
    ssize_t w = ::write(fd, data, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      return ErrnoStatus(errno, "writing " + what);
    }
    data += w;
    n -= static_cast<size_t>(w);
  }
  return Status::OK();
}

Status ReadExactly(int fd, char* data, size_t n, const std::string& what) {
  while (n > 0) {
    ssize_t r = ::read(fd, data, n);
    if (r < 0) {
      if (errno == EINTR) continue;
      return ErrnoStatus(errno, "reading " + what);
    }
    if (r == 0) return Status::IoError(what + " is truncated");
    data += r;
    n -= static_cast<size_t>(r);
  }
  return Status::OK();
}

namespace {

Status Walk(const std::string& root, const std::string& rel, std::vector<std::string>* out) {
  std::string dir = rel.empty() ? root : root + "/" + rel;
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) {
    if (errno == ENOENT && rel.empty()) return Status::OK();
    return ErrnoStatus(errno, "listing " + dir);
  }
  Status s;
  while (struct dirent* e = ::readdir(d)) {
    std::string name = e->d_name;
    if (name == "." || name == "..") continue;
    std::string child = rel.empty() ? name : rel + "/" + name;
    struct stat st;
    if (::lstat((root + "/" + child).c_str(), &st) != 0) continue;  // vanished meanwhile
    if (S_ISDIR(st.st_mode)) {
      s = Walk(root, child, out);
      if (!s.ok()) break;
    } else if (S_ISREG(st.st_mode)) {
      out->push_back(child);
    }
  }
  ::closedir(d);
  return s;
}

}  // namespace

Result<std::vector<std::string>> ListFiles(const std::string& root) {
  std::vector<std::string> out;
  Status s = Walk(root, "", &out);
  if (!s.ok()) return s;
  std::sort(out.begin(), out.end());
  return out;
}

Result<int64_t> FileSize(const std::string& path) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) return ErrnoStatus(errno, "stat " + path);
  return static_cast<int64_t>(st.st_size);
}

bool PathExists(const std::string& path) {
  struct stat st;
  return ::lstat(path.c_str(), &st) == 0;
}

bool IsDirectory(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

Status MakeDirs(const std::string& path) {
  if (path.empty() || IsDirectory(path)) return Status::OK();
  std::string parent = DirName(path);
  if (parent != path && parent != ".") {
    Status s = MakeDirs(parent);
    if (!s.ok()) return s;
  }
  if (::mkdir(path.c_str(), 0700) != 0 && errno != EEXIST) {
    return ErrnoStatus(errno, "creating " + path);
  }
  return Status::OK();
}

Status RemoveTree(const std::string& path) {
  struct stat st;
  if (::lstat(path.c_str(), &st) != 0) {
    return errno == ENOENT ? Status::OK() : ErrnoStatus(errno, "stat " + path);
  }
  if (S_ISDIR(st.st_mode)) {
    DIR* d = ::opendir(path.c_str());
    if (d == nullptr) return ErrnoStatus(errno, "listing " + path);
    std::vector<std::string> children;
    while (struct dirent* e = ::readdir(d)) {
      std::string name = e->d_name;
      if (name != "." && name != "..") children.push_back(path + "/" + name);
    }
    ::closedir(d);
    for (const auto& c : children) {
      Status s = RemoveTree(c);
      if (!s.ok()) return s;
    }
    if (::rmdir(path.c_str()) != 0) return ErrnoStatus(errno, "removing " + path);
    return Status::OK();
  }
  return RemoveFile(path);
}

Status RemoveFile(const std::string& path) {
  if (::unlink(path.c_str()) != 0 && errno != ENOENT) {
    return ErrnoStatus(errno, "removing " + path);
  }
  return Status::OK();
}

namespace {
std::atomic<SyncDirObserver> sync_dir_observer{nullptr};
}  // namespace

void SetSyncDirObserverForTesting(SyncDirObserver observer) { sync_dir_observer = observer; }

Status SyncDir(const std::string& dir) {
  if (SyncDirObserver observer = sync_dir_observer.load()) observer(dir);
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return ErrnoStatus(errno, "opening " + dir);
  int rc = ::fsync(fd);
  int err = errno;
  ::close(fd);
  if (rc != 0) return ErrnoStatus(err, "syncing " + dir);
  return Status::OK();
}

std::string DirName(const std::string& path) {
  size_t slash = path.find_last_of('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

Result<std::string> ReadWholeFile(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return ErrnoStatus(errno, "opening " + path);
  std::string out;
  char buf[65536];
  for (;;) {
    ssize_t r = ::read(fd, buf, sizeof buf);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) {
      int err = errno;
      ::close(fd);
      return ErrnoStatus(err, "reading " + path);
    }
    if (r == 0) break;
    out.append(buf, static_cast<size_t>(r));
  }
  ::close(fd);
  return out;
}

Status WriteFileAtomic(const std::string& path, std::string_view data) {
  std::string tmp = path + ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return ErrnoStatus(errno, "creating " + tmp);
  Status s = WriteAll(fd, data.data(), data.size(), tmp);
  if (s.ok() && ::fsync(fd) != 0) s = ErrnoStatus(errno, "syncing " + tmp);
  ::close(fd);
  if (s.ok() && ::rename(tmp.c_str(), path.c_str()) != 0) s = ErrnoStatus(errno, "renaming " + tmp);
  if (!s.ok()) ::unlink(tmp.c_str());
  return s;
}

Result<DiskSpace> GetDiskSpace(const std::string& path) {
  struct statvfs v;
  if (::statvfs(path.c_str(), &v) != 0) return ErrnoStatus(errno, "statvfs " + path);
  DiskSpace d;
  d.free_bytes = static_cast<int64_t>(v.f_bavail) * static_cast<int64_t>(v.f_frsize);
  d.total_bytes = static_cast<int64_t>(v.f_blocks) * static_cast<int64_t>(v.f_frsize);
  return d;
}

}  // namespace cammio
