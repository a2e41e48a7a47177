#include "util/random.h"

#include <sys/random.h>

#include <cerrno>
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

}  // namespace cammio
