// util/crypto.h: the streaming SHA-256 against the one-shot digest and a
// known answer.
#include "util/crypto.h"

#include <doctest/doctest.h>

#include <string>

namespace cammio {
namespace {

TEST_CASE("Sha256Stream: pieces give the one-shot digest") {
  Sha256Stream empty;
  CHECK(empty.FinishHex() == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");

  Sha256Stream abc;
  abc.Update("a", 1);
  abc.Update("", 0);
  abc.Update("bc", 2);
  CHECK(abc.FinishHex() == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");

  std::string big;
  for (int i = 0; i < 100000; ++i) big += static_cast<char>(i * 7);
  Sha256Stream s;
  for (size_t at = 0; at < big.size(); at += 4093) {
    s.Update(big.data() + at, std::min<size_t>(4093, big.size() - at));
  }
  CHECK(s.FinishHex() == HexEncode(Sha256(big)));
}

}  // namespace
}  // namespace cammio
