#include "ops/tar.h"

#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <vector>

#include "util/fs.h"

namespace cammio::ops {
namespace {

constexpr size_t kBlock = 512;
constexpr size_t kChunk = 1 << 16;
constexpr int64_t kMaxOctalSize = 077777777777LL;  // 11 octal digits

// Offsets of the ustar header fields we use.
constexpr size_t kName = 0, kMode = 100, kUid = 108, kGid = 116, kSize = 124, kMtime = 136,
                 kChksum = 148, kType = 156, kMagic = 257, kVersion = 263, kPrefix = 345;

void PutOctal(char* field, size_t width, int64_t value) {
  // width-1 digits and a NUL.
  std::string digits(width - 1, '0');
  for (size_t i = width - 1; i-- > 0 && value > 0;) {
    digits[i] = static_cast<char>('0' + (value & 7));
    value >>= 3;
  }
  std::memcpy(field, digits.data(), width - 1);
  field[width - 1] = '\0';
}

void PutSize(char* field, int64_t size) {
  if (size <= kMaxOctalSize) {
    PutOctal(field, 12, size);
    return;
  }
  // GNU base-256: high bit of the first byte set, big-endian in the rest.
  std::memset(field, 0, 12);
  field[0] = static_cast<char>(0x80);
  for (int i = 11; i > 0 && size > 0; --i) {
    field[i] = static_cast<char>(size & 0xff);
    size >>= 8;
  }
}

bool GetNumber(const char* field, size_t width, int64_t* out) {
  const auto* f = reinterpret_cast<const unsigned char*>(field);
  if (f[0] & 0x80) {
    int64_t v = 0;
    for (size_t i = 1; i < width; ++i) {
      if (v > (INT64_MAX >> 8)) return false;
      v = (v << 8) | f[i];
    }
    *out = v;
    return true;
  }
  int64_t v = 0;
  size_t i = 0;
  while (i < width && f[i] == ' ') ++i;
  bool any = false;
  for (; i < width && f[i] >= '0' && f[i] <= '7'; ++i) {
    v = (v << 3) | (f[i] - '0');
    any = true;
  }
  if (i < width && f[i] != '\0' && f[i] != ' ') return false;
  *out = v;
  return any;
}

unsigned Checksum(const char* block) {
  unsigned sum = 0;
  for (size_t i = 0; i < kBlock; ++i) {
    bool in_field = i >= kChksum && i < kChksum + 8;
    sum += in_field ? ' ' : static_cast<unsigned char>(block[i]);
  }
  return sum;
}

int64_t PaddingFor(int64_t size) {
  int64_t rem = size % static_cast<int64_t>(kBlock);
  return rem == 0 ? 0 : static_cast<int64_t>(kBlock) - rem;
}

}  // namespace

bool IsSafeMemberName(std::string_view name) {
  if (name.empty() || name.size() > 255 || name.front() == '/' || name.back() == '/') return false;
  size_t start = 0;
  while (start <= name.size()) {
    size_t slash = name.find('/', start);
    std::string_view part = name.substr(
        start, slash == std::string_view::npos ? std::string_view::npos : slash - start);
    if (part.empty() || part == "." || part == "..") return false;
    for (char c : part) {
      if (c == '\0' || c == '\\' || static_cast<unsigned char>(c) < 0x20) return false;
    }
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  return true;
}

Status TarWriter::Write(const char* data, size_t n) {
  Status s = WriteAll(fd_, data, n, what_);
  if (s.ok()) written_ += static_cast<int64_t>(n);
  return s;
}

Status TarWriter::Pad(int64_t size) {
  static const char kZeros[kBlock] = {0};
  return Write(kZeros, static_cast<size_t>(PaddingFor(size)));
}

Status TarWriter::WriteHeader(const std::string& name, int64_t size, int64_t mtime) {
  if (!IsSafeMemberName(name)) return Status::InvalidArgument("unusable member name " + name);
  char h[kBlock];
  std::memset(h, 0, sizeof h);
  std::string prefix, base = name;
  if (name.size() > 100) {  // split at a slash: prefix <= 155, name <= 100
    size_t slash = name.find('/', name.size() - 101);
    if (slash == std::string::npos || slash > 155) {
      return Status::InvalidArgument("member name too long: " + name);
    }
    prefix = name.substr(0, slash);
    base = name.substr(slash + 1);
  }
  std::memcpy(h + kName, base.data(), base.size());
  std::memcpy(h + kPrefix, prefix.data(), prefix.size());
  PutOctal(h + kMode, 8, 0600);
  PutOctal(h + kUid, 8, 0);
  PutOctal(h + kGid, 8, 0);
  PutSize(h + kSize, size);
  PutOctal(h + kMtime, 12, mtime < 0 ? 0 : mtime);
  h[kType] = '0';
  std::memcpy(h + kMagic, "ustar", 6);
  std::memcpy(h + kVersion, "00", 2);
  PutOctal(h + kChksum, 7, Checksum(h));
  h[kChksum + 7] = ' ';
  return Write(h, sizeof h);
}

Status TarWriter::AddFromFd(const std::string& name, int src_fd, int64_t size, int64_t mtime,
                            std::string* sha256_hex) {
  Status s = WriteHeader(name, size, mtime);
  if (!s.ok()) return s;
  Sha256Stream hash;
  std::vector<char> buf(kChunk);
  int64_t left = size;
  while (left > 0) {
    size_t n = static_cast<size_t>(std::min<int64_t>(left, kChunk));
    s = ReadExactly(src_fd, buf.data(), n, name);
    if (!s.ok()) return s;
    hash.Update(buf.data(), n);
    s = Write(buf.data(), n);
    if (!s.ok()) return s;
    left -= static_cast<int64_t>(n);
  }
  std::string digest = hash.FinishHex();
  if (sha256_hex != nullptr) *sha256_hex = digest;
  return Pad(size);
}

Status TarWriter::AddBytes(const std::string& name, std::string_view data, int64_t mtime,
                           std::string* sha256_hex) {
  Status s = WriteHeader(name, static_cast<int64_t>(data.size()), mtime);
  if (!s.ok()) return s;
  Sha256Stream hash;
  hash.Update(data.data(), data.size());
  std::string digest = hash.FinishHex();
  if (sha256_hex != nullptr) *sha256_hex = digest;
  s = Write(data.data(), data.size());
  if (!s.ok()) return s;
  return Pad(static_cast<int64_t>(data.size()));
}

Status TarWriter::Finish() {
  static const char kZeros[2 * kBlock] = {0};
  return Write(kZeros, sizeof kZeros);
}

Status TarReader::Skip() {
  std::vector<char> buf(kChunk);
  int64_t left = remaining_ + padding_;
  while (left > 0) {
    size_t n = static_cast<size_t>(std::min<int64_t>(left, kChunk));
    Status s = ReadExactly(fd_, buf.data(), n, what_);
    if (!s.ok()) return s;
    left -= static_cast<int64_t>(n);
  }
  remaining_ = padding_ = 0;
  return Status::OK();
}

Status TarReader::Next(TarEntry* entry, bool* more) {
  Status s = Skip();
  if (!s.ok()) return s;
  char h[kBlock];
  s = ReadExactly(fd_, h, sizeof h, what_);
  if (!s.ok()) return s;
  bool zero = true;
  for (char c : h) zero = zero && c == 0;
  if (zero) {
    *more = false;
    return Status::OK();
  }
  int64_t sum = 0;
  if (!GetNumber(h + kChksum, 8, &sum) || static_cast<unsigned>(sum) != Checksum(h)) {
    return Status::IoError(what_ + " is corrupt (bad header checksum)");
  }
  if (std::memcmp(h + kMagic, "ustar", 5) != 0) {
    return Status::IoError(what_ + " is not a ustar archive");
  }
  if (h[kType] != '0' && h[kType] != '\0') {
    return Status::IoError(what_ + " holds a member that is not a regular file");
  }
  std::string base(h + kName, strnlen(h + kName, 100));
  std::string prefix(h + kPrefix, strnlen(h + kPrefix, 155));
  entry->name = prefix.empty() ? base : prefix + "/" + base;
  if (!IsSafeMemberName(entry->name)) {
    return Status::InvalidArgument(what_ + " holds an unsafe member name: " + entry->name);
  }
  if (!GetNumber(h + kSize, 12, &entry->size) || entry->size < 0 ||
      !GetNumber(h + kMtime, 12, &entry->mtime)) {
    return Status::IoError(what_ + " is corrupt (bad size or time of " + entry->name + ")");
  }
  remaining_ = entry->size;
  padding_ = PaddingFor(entry->size);
  *more = true;
  return Status::OK();
}

Status TarReader::ReadData(const std::function<Status(const char*, size_t)>& sink,
                           std::string* sha256_hex) {
  Sha256Stream hash;
  std::vector<char> buf(kChunk);
  while (remaining_ > 0) {
    size_t n = static_cast<size_t>(std::min<int64_t>(remaining_, kChunk));
    Status s = ReadExactly(fd_, buf.data(), n, what_);
    if (!s.ok()) return s;
    remaining_ -= static_cast<int64_t>(n);
    hash.Update(buf.data(), n);
    s = sink(buf.data(), n);
    if (!s.ok()) return s;
  }
  std::string digest = hash.FinishHex();
  if (sha256_hex != nullptr) *sha256_hex = digest;
  return Status::OK();
}

}  // namespace cammio::ops
