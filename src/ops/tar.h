// A minimal POSIX ustar writer and reader, enough for our own archives
// (backups, candidate exports): regular files only, names up to 255 bytes
// (prefix + name split), sizes of any length (octal up to 8 GiB, GNU
// base-256 above), no links, no special files. Every member's SHA-256 is
// computed while it streams, so callers can write or check a manifest
// without reading a file twice.
//
// Archives written here are readable by GNU tar / bsdtar (`tar tf` works).
// The reader accepts what the writer writes and refuses anything else
// (bad header checksum, unknown member type, truncation) with IoError, and
// refuses member names that could escape an extraction directory.
//
// Thread-safety: a TarWriter / TarReader is used by one thread at a time;
// neither owns the file descriptor it is given.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "cammio/status.h"

namespace cammio::ops {

class TarWriter {
 public:
  // `what` names the archive in error messages.
  TarWriter(int fd, std::string what) : fd_(fd), what_(std::move(what)) {}

  // Adds `name` with exactly `size` bytes read from `src_fd` (from its
  // current offset). *sha256_hex (optional) receives the digest of the data.
  // InvalidArgument for an unusable name; IoError if the source ends early;
  // write errors mapped by ErrnoStatus (disk full: InsufficientStorage).
  Status AddFromFd(const std::string& name, int src_fd, int64_t size, int64_t mtime,
                   std::string* sha256_hex);
  // Same for bytes in memory.
  Status AddBytes(const std::string& name, std::string_view data, int64_t mtime,
                  std::string* sha256_hex);
  // Writes the end-of-archive marker (two zero blocks). Call once, last.
  Status Finish();
  int64_t bytes_written() const { return written_; }

 private:
  Status WriteHeader(const std::string& name, int64_t size, int64_t mtime);
  Status Write(const char* data, size_t n);
  Status Pad(int64_t size);
  int fd_;
  std::string what_;
  int64_t written_ = 0;
};

struct TarEntry {
  std::string name;
  int64_t size = 0;
  int64_t mtime = 0;
};

class TarReader {
 public:
  TarReader(int fd, std::string what) : fd_(fd), what_(std::move(what)) {}

  // Advances to the next member (skipping any unread data of the current
  // one). *more is false at the end-of-archive marker. IoError for a
  // corrupt or truncated archive, InvalidArgument for an unsafe name.
  Status Next(TarEntry* entry, bool* more);
  // Streams the current member's data to `sink` in chunks and computes its
  // SHA-256 into *sha256_hex (optional). A sink error stops and is returned.
  Status ReadData(const std::function<Status(const char*, size_t)>& sink,
                  std::string* sha256_hex);

 private:
  Status Skip();
  int fd_;
  std::string what_;
  int64_t remaining_ = 0;  // unread data bytes of the current member
  int64_t padding_ = 0;    // padding after them
};

// True for a relative path of non-empty components, none of them "." or "..",
// without NUL or backslash, at most 255 bytes: safe to join under a directory.
bool IsSafeMemberName(std::string_view name);

}  // namespace cammio::ops
