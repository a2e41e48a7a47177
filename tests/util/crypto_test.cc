// util/crypto.h: the streaming SHA-256 against the one-shot digest and a
// known answer; Base64Decode against known answers and, on hostile input,
// against mbedTLS's decoder (whose grammar it keeps).
#include "util/crypto.h"

#include <doctest/doctest.h>
#include <mbedtls/base64.h>

#include <iterator>
#include <optional>
#include <random>
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

// mbedTLS's answer for the same text: nullopt when it refuses it.
std::optional<std::string> MbedtlsDecode(std::string_view text) {
  const auto* src = reinterpret_cast<const unsigned char*>(text.data());
  size_t n = 0;
  if (mbedtls_base64_decode(nullptr, 0, &n, src, text.size()) ==
      MBEDTLS_ERR_BASE64_INVALID_CHARACTER) {
    return std::nullopt;
  }
  std::string out(n, '\0');
  if (mbedtls_base64_decode(reinterpret_cast<unsigned char*>(out.data()), out.size(), &n, src,
                            text.size()) != 0) {
    return std::nullopt;
  }
  out.resize(n);
  return out;
}

std::optional<std::string> Decode(std::string_view text) {
  std::string out = "stale";
  if (!Base64Decode(text, &out)) return std::nullopt;
  return out;
}

TEST_CASE("Base64Decode: known answers and refusals") {
  CHECK(Decode("") == std::string());
  CHECK(Decode("QQ==") == std::string("A"));
  CHECK(Decode("QUI=") == std::string("AB"));
  CHECK(Decode("QUJD") == std::string("ABC"));
  CHECK(Decode("ZGVtb0BjYW1taW8udGVzdDpzM2NyM3Q=") == std::string("demo@cammio.test:s3cr3t"));
  CHECK(Decode("AP8A/w+/") == std::string("\x00\xff\x00\xff\x0f\xbf", 6));
  CHECK(Decode("QU\r\nJD\n") == std::string("ABC"));       // line breaks anywhere
  CHECK(Decode("QUJD  \nQQ==  ") == std::string("ABCA"));  // spaces where a line ends
  CHECK_FALSE(Decode("QQ"));                               // padding missing
  CHECK_FALSE(Decode("QQ="));                              // padding short
  CHECK_FALSE(Decode("Q==="));                             // three '='
  CHECK_FALSE(Decode("===="));
  CHECK_FALSE(Decode("QQ==QQ=="));  // a digit after '='
  CHECK_FALSE(Decode("QU JD"));     // a space inside a line
  CHECK_FALSE(Decode(" QUJD"));
  CHECK_FALSE(Decode("QUJD\r"));  // CR without LF
  CHECK_FALSE(Decode("QU-D"));    // the URL-safe alphabet is not base64
  CHECK_FALSE(Decode("QU_D"));
  CHECK_FALSE(Decode(std::string_view("QU\0D", 4)));
  CHECK_FALSE(
      Decode("QU\xc3\xa9"
             "D"));
  CHECK_FALSE(Decode("QUJDQ"));  // one digit left over
}

TEST_CASE("Base64Decode: a huge header decodes like a small one") {
  std::string raw;
  for (int i = 0; i < 300000; ++i) raw += static_cast<char>(i * 31 + 7);
  CHECK(Decode(Base64Encode(raw)) == raw);
  CHECK_FALSE(Decode(Base64Encode(raw) + "!"));
}

TEST_CASE("Base64Decode: hostile input is judged and decoded as mbedTLS does") {
  // Texts mostly of digits, '=', spaces, line breaks and a few invalid bytes:
  // the neighbourhoods where the grammar's rules differ.
  const std::string pieces[] = {"A",
                                "z",
                                "0",
                                "+",
                                "/",
                                "=",
                                "==",
                                " ",
                                "\r\n",
                                "\n",
                                "\r",
                                "QUJD",
                                "-",
                                "_",
                                "\x80",
                                "\xff",
                                std::string(1, '\0'),
                                "\t"};
  std::mt19937 rng(20261207);
  int valid = 0;
  for (int round = 0; round < 200000; ++round) {
    std::string text;
    const int parts = static_cast<int>(rng() % 12);
    for (int j = 0; j < parts; ++j) {
      // Mostly digits, so that valid texts are common.
      const unsigned pick = rng() % 40;
      text += pick < std::size(pieces) ? pieces[pick] : pieces[pick % 5];
    }
    const std::optional<std::string> want = MbedtlsDecode(text);
    const std::optional<std::string> got = Decode(text);
    if (want != got) {
      INFO("text: ", HexEncode(text));
      CHECK(want == got);
    }
    valid += want.has_value() ? 1 : 0;
  }
  CHECK(valid > 1000);  // the comparison covered accepted texts, not only refusals
}

}  // namespace
}  // namespace cammio
