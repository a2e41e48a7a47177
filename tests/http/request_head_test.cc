// Tests for src/http/request_head: the strict request-head scanner, byte by
// byte and all at once.
#include <doctest/doctest.h>

#include <string>

#include "http/request_head.h"

namespace cammio::http {
namespace {

using State = RequestHeadScanner::State;

// Scans `head` in one piece; returns the scanner's final state.
RequestHeadScanner ScanWhole(const std::string& head) {
  RequestHeadScanner s;
  s.Scan(head);
  return s;
}

// Scans `head` as if it arrived one byte at a time.
RequestHeadScanner ScanBytes(const std::string& head) {
  RequestHeadScanner s;
  for (size_t i = 1; i <= head.size() && s.state() == State::kIncomplete; ++i) {
    s.Scan(std::string_view(head).substr(0, i));
  }
  return s;
}

// The status a head gets, checked to be the same both ways (0: accepted).
int StatusOf(const std::string& head) {
  RequestHeadScanner whole = ScanWhole(head);
  RequestHeadScanner bytes = ScanBytes(head);
  CHECK(whole.state() == bytes.state());
  CHECK(whole.status() == bytes.status());
  if (whole.state() == State::kComplete) return 0;
  if (whole.state() == State::kIncomplete) return -1;
  return whole.status();
}

const std::string kGet = "GET /healthz HTTP/1.1\r\nHost: x\r\n";

TEST_CASE("request head: well-formed heads are complete, with their length") {
  const std::string head = kGet + "Accept: */*\r\nX-Empty:\r\n\r\n";
  RequestHeadScanner s = ScanWhole(head + "GET /next HTTP/1.1\r\n");
  REQUIRE(s.state() == State::kComplete);
  CHECK(s.head_size() == head.size());
  CHECK_FALSE(s.has_body());
  CHECK(StatusOf("POST /api/x HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n"
                 "content-length: 5\r\n\r\n") == 0);
  CHECK(ScanWhole("POST /x HTTP/1.1\r\nContent-Length: 5\r\n\r\n").has_body());
  CHECK(StatusOf("POST /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n") == 0);
  CHECK(StatusOf("POST /x HTTP/1.1\r\nTransfer-Encoding: Chunked \r\n\r\n") == 0);
  CHECK(StatusOf("GET /x?a=%20b HTTP/1.0\r\n\r\n") == 0);
  CHECK(StatusOf("GET / HTTP/1.1\r\nX: caf\xc3\xa9\tbar\r\n\r\n") == 0);  // obs-text, HTAB
  CHECK(StatusOf(kGet) == -1);                                            // not yet complete
  CHECK(StatusOf("GET / HTTP/1.1\r\nHost: x\r\n\r") == -1);

  // Reset: the next head on the same connection.
  s.Reset();
  CHECK(s.Scan("GET /2 HTTP/1.1\r\n\r\n") == State::kComplete);
  CHECK(s.head_size() == 19);
}

TEST_CASE("request head: repeated forwarding fields are noticed (their order matters)") {
  CHECK_FALSE(ScanWhole(kGet + "X-Forwarded-For: 10.0.0.1, 10.0.0.2\r\nForwarded: for=a\r\n"
                               "X-Other: 1\r\nX-Other: 2\r\n\r\n")
                  .ordered_fields_repeated());
  CHECK(ScanWhole(kGet + "X-Forwarded-For: 10.0.0.1\r\nx-forwarded-for: 10.0.0.2\r\n\r\n")
            .ordered_fields_repeated());
  CHECK(ScanBytes(kGet + "Forwarded: for=a\r\nFORWARDED: for=b\r\n\r\n").ordered_fields_repeated());
  RequestHeadScanner s = ScanWhole(kGet + "Forwarded: a\r\nForwarded: b\r\n\r\n");
  s.Reset();
  s.Scan("GET / HTTP/1.1\r\nForwarded: a\r\n\r\n");
  CHECK_FALSE(s.ordered_fields_repeated());
}

TEST_CASE("request head: malformed request lines and versions") {
  CHECK(StatusOf("GARBAGE\r\n\r\n") == 400);
  CHECK(StatusOf("GET /x\r\n\r\n") == 400);
  CHECK(StatusOf("GET  /x HTTP/1.1\r\n\r\n") == 400);
  CHECK(StatusOf("GET /x HTTP/1.1 \r\n\r\n") == 400);
  CHECK(StatusOf("GET /x y HTTP/1.1\r\n\r\n") == 400);
  CHECK(StatusOf("GET /\x01 HTTP/1.1\r\n\r\n") == 400);
  CHECK(StatusOf("\r\nGET / HTTP/1.1\r\n\r\n") == 400);
  CHECK(StatusOf("GET / http/1.1\r\n\r\n") == 400);
  CHECK(StatusOf("GET / HTTP/9.9\r\n\r\n") == 505);
  CHECK(StatusOf("GET / HTTP/2.0\r\n\r\n") == 505);
  CHECK(StatusOf("FOO / HTTP/1.1\r\n\r\n") == 501);
  CHECK(StatusOf("get / HTTP/1.1\r\n\r\n") == 501);  // methods are case-sensitive
}

TEST_CASE("request head: field lines that could be read two ways are refused") {
  CHECK(StatusOf(kGet + "Transfer-Encoding : chunked\r\n\r\n") == 400);
  CHECK(StatusOf(kGet + "Transfer-Encoding\t: chunked\r\n\r\n") == 400);
  CHECK(StatusOf(kGet + "X-A: 1\r\n Transfer-Encoding: chunked\r\n\r\n") == 400);  // obs-fold
  CHECK(StatusOf(kGet + "Transfer-Encoding:\r\n\tchunked\r\n\r\n") == 400);
  CHECK(StatusOf(kGet + "X-A: 1\nX-B: 2\r\n\r\n") == 400);  // bare LF
  CHECK(StatusOf(kGet + "X-A: 1\rX-B: 2\r\n\r\n") == 400);  // bare CR
  CHECK(StatusOf(kGet + std::string("X-A: a\0b\r\n\r\n", 12)) == 400);
  CHECK(StatusOf(kGet + "X A: 1\r\n\r\n") == 400);
  CHECK(StatusOf(kGet + ": 1\r\n\r\n") == 400);
  CHECK(StatusOf(kGet + "NoColon\r\n\r\n") == 400);
  CHECK(StatusOf(kGet + "Host: y\r\n\r\n") == 400);  // a second Host
  CHECK(StatusOf("GET / HTTP/1.1\n\n") == 400);
}

TEST_CASE("request head: Content-Length and Transfer-Encoding frame the body one way") {
  const std::string post = "POST /x HTTP/1.1\r\nHost: x\r\n";
  CHECK(StatusOf(post + "Content-Length: 5\r\nContent-Length: 6\r\n\r\n") == 400);
  CHECK(StatusOf(post + "Content-Length: 5, 5\r\n\r\n") == 400);
  CHECK(StatusOf(post + "Content-Length: +5\r\n\r\n") == 400);
  CHECK(StatusOf(post + "Content-Length: 0x10\r\n\r\n") == 400);
  CHECK(StatusOf(post + "Content-Length:\r\n\r\n") == 400);
  CHECK(StatusOf(post + "Content-Length: 1234567890123456789\r\n\r\n") == 400);
  CHECK(StatusOf(post + "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n") == 400);
  CHECK(StatusOf(post + "Transfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n") == 400);
  CHECK(StatusOf(post + "Transfer-Encoding: gzip\r\n\r\n") == 400);
  CHECK(StatusOf(post + "Transfer-Encoding: chunked, gzip\r\n\r\n") == 400);
  CHECK(StatusOf(post + "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n") == 400);
  CHECK(StatusOf(post + "Transfer-Encoding: gzip, chunked\r\n\r\n") == 501);
  CHECK(StatusOf(post + "Transfer-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n\r\n") == 501);
  CHECK(StatusOf(post + "Transfer-Encoding: ,\r\n\r\n") == 400);
  CHECK(StatusOf("POST /x HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n") == 400);
}

TEST_CASE("request head: size limits answer 414 and 431 without reading on") {
  CHECK(StatusOf("GET /" + std::string(9000, 'a') + " HTTP/1.1\r\n\r\n") == 414);
  CHECK(StatusOf(kGet + "X-Big: " + std::string(9000, 'a') + "\r\n\r\n") == 431);
  // A line that never ends is refused once it passes the line limit.
  RequestHeadScanner s;
  std::string flood = kGet + "X-Big: ";
  while (s.Scan(flood) == State::kIncomplete) flood.append(1024, 'a');
  CHECK(s.status() == 431);
  CHECK(flood.size() < 10 * 1024);

  std::string many = kGet;
  for (int i = 0; i < 99; ++i) many += "X-" + std::to_string(i) + ": v\r\n";
  CHECK(StatusOf(many + "\r\n") == 0);  // Host + 99 = 100 fields
  CHECK(StatusOf(many + "X-100: v\r\n\r\n") == 431);

  // 64 KiB in all: fields of 8000 bytes, nine of them.
  std::string big = kGet;
  for (int i = 0; i < 9; ++i)
    big += "X-" + std::to_string(i) + ": " + std::string(8000, 'v') + "\r\n";
  RequestHeadScanner t = ScanWhole(big + "\r\n");
  CHECK(t.state() == State::kRefused);
  CHECK(t.status() == 431);
  CHECK(std::string(t.details()).find("64 KiB") != std::string::npos);
}

}  // namespace
}  // namespace cammio::http
