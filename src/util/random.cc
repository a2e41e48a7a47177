#include "util/random.h"

#include <sys/random.h>

#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

namespace cammio {

void RandomFill(void* buf, size_t n) {
  auto* p = static_cast<unsigned char*>(buf);
  while (n > 0) {
    ssize_t got = getrandom(p, n, 0);
    if (got < 0) {
      if (errno == EINTR) continue;
      std::perror("getrandom");
      std::abort();
    }
    p += got;
    n -= static_cast<size_t>(got);
  }
}

std::string RandomToken(size_t n_bytes) {
  static const char kAlphabet[] = "abcdefghijklmnopqrstuvwxyz234567";
  std::string raw(n_bytes, '\0');
  RandomFill(raw.data(), raw.size());
  std::string out;
  unsigned buffer = 0;
  int bits = 0;
  for (unsigned char c : raw) {
    buffer = (buffer << 8) | c;
    bits += 8;
    while (bits >= 5) {
      out.push_back(kAlphabet[(buffer >> (bits - 5)) & 31]);
      bits -= 5;
    }
  }
  if (bits > 0) out.push_back(kAlphabet[(buffer << (5 - bits)) & 31]);
  return out;
}

int MbedtlsRandom(void*, unsigned char* out, size_t len) {
  RandomFill(out, len);
  return 0;
}

std::string OrderedToken(size_t n_bytes) {
  static const char kSorted[] = "234567abcdefghijklmnopqrstuvwxyz";  // ascending ASCII
  const auto micros = static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::microseconds>(
                                                std::chrono::system_clock::now().time_since_epoch())
                                                .count());
  std::string out(11, '2');  // 55 bits: microseconds for the next thousand years
  for (int i = 10; i >= 0; --i) out[10 - i] = kSorted[(micros >> (5 * i)) & 31];
  return out + RandomToken(n_bytes);
}

}  // namespace cammio
