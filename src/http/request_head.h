// RequestHeadScanner: finds the end of an HTTP/1.x request head as its bytes
// arrive and checks its framing strictly (RFC 9112 sections 2-3, 5, 6),
// before cpp-httplib ever sees it. cpp-httplib (0.18.7 as 0.11.4) is lenient where
// leniency lets a request be framed two ways (Content-Length beside
// Transfer-Encoding, "Transfer-Encoding : chunked", folded lines, differing
// Content-Lengths), and it keeps a connection after a malformed head. A head
// this scanner accepts is framed one way only; one it refuses gets an error
// status and the connection is closed after the answer.
//
// Accepted:
//   request-line = method SP request-target SP ("HTTP/1.1" / "HTTP/1.0") CRLF
//     method: one of cpp-httplib's (GET HEAD POST PUT DELETE CONNECT OPTIONS
//     TRACE PATCH PRI); request-target: visible US-ASCII, no spaces.
//   field-line   = token ":" OWS value OWS CRLF   (value: VCHAR, obs-text,
//     SP, HTAB; no other control character)
//   then CRLF.
// Refused (status): a well-formed HTTP version other than 1.0/1.1 (505);
// a transfer coding other than a single final "chunked" (501 if "chunked"
// comes last, else 400); a request line longer than `max_line_bytes` (414);
// a field line longer than that, more than `max_fields` fields, or a head
// longer than `max_head_bytes` (431); everything else malformed (400):
// bare CR or LF, obs-fold, whitespace before a colon, a Content-Length that
// is not all digits or differs between copies, Content-Length together
// with Transfer-Encoding, Transfer-Encoding in an HTTP/1.0 request, more
// than one Host.
//
// Memory: the scanner holds a few integers; it never copies the bytes. Scan
// examines each byte once however the head is split into arrivals.
//
// Thread-safety: none; one scanner per connection, used by one thread at a
// time.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace cammio::http {

struct RequestHeadLimits {
  size_t max_head_bytes = 64 * 1024;  // the whole head, blank line included
  size_t max_fields = 100;
  // Request line (414 above) and each field line (431 above), CRLF
  // included: cpp-httplib's own per-line limits, so that it never refuses
  // (and keeps the connection after) a head this scanner accepted.
  size_t max_line_bytes = 8 * 1024;
};

class RequestHeadScanner {
 public:
  enum class State { kIncomplete, kComplete, kRefused };

  explicit RequestHeadScanner(RequestHeadLimits limits = RequestHeadLimits());

  // `buffered`: the bytes of the connection from the start of this head on,
  // the same prefix each call plus whatever arrived since (bytes after a
  // complete head are not looked at). Returns kIncomplete until the head
  // ends or is refused; after that the same result on every call.
  State Scan(std::string_view buffered);

  State state() const { return state_; }
  // kComplete: the head's length, its final CRLF CRLF included.
  size_t head_size() const { return head_size_; }
  // kRefused: the HTTP status to answer and why (a static text for the
  // error document's `details`).
  int status() const { return status_; }
  const char* details() const { return details_; }
  // kComplete: whether the head announced a body (Content-Length > 0 or
  // chunked).
  bool has_body() const { return chunked_ || content_length_ > 0; }
  // kComplete: the body's length announced by Content-Length (0 without),
  // and whether the body is chunked instead.
  uint64_t content_length() const { return content_length_; }
  bool chunked() const { return chunked_; }
  // kComplete: whether X-Forwarded-For or Forwarded came in more than one
  // field line. Their order matters (the client's address is read from the
  // right), and cpp-httplib's header map does not keep the order of fields
  // of one name: KeepFieldOrder (http/header_lookup.h) restores it.
  bool ordered_fields_repeated() const { return ordered_repeated_; }

  // Ready for the next head on the same connection.
  void Reset();

 private:
  // Checks one line (its CRLF excluded); false when it refused the head.
  bool RequestLine(std::string_view line);
  bool FieldLine(std::string_view line);
  bool ContentLength(std::string_view value);
  bool TransferEncoding(std::string_view value);
  // After the blank line: the checks that need the whole head.
  bool Finish();
  State Refuse(int status, const char* details);

  RequestHeadLimits limits_;
  State state_ = State::kIncomplete;
  size_t line_start_ = 0;  // offset of the line being scanned
  size_t scanned_ = 0;     // bytes of that line known to hold no LF
  size_t fields_ = 0;
  size_t head_size_ = 0;
  int status_ = 0;
  const char* details_ = "";
  bool http10_ = false;
  bool has_length_ = false;
  uint64_t content_length_ = 0;
  bool has_te_ = false;
  bool chunked_ = false;       // the last transfer coding seen is chunked
  int te_codings_ = 0;         // transfer codings seen (all fields)
  int te_fields_ = 0;          // Transfer-Encoding fields seen
  bool te_irregular_ = false;  // an empty element in a Transfer-Encoding list
  int hosts_ = 0;
  int forwarded_for_fields_ = 0;  // X-Forwarded-For fields seen
  int forwarded_fields_ = 0;      // Forwarded fields seen
  bool ordered_repeated_ = false;
};

}  // namespace cammio::http
