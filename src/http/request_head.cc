#include "http/request_head.h"

#include <strings.h>

#include <array>

namespace cammio::http {
namespace {

constexpr uint64_t kMaxContentLengthDigits = 18;  // fits uint64_t with room

bool IsTchar(unsigned char c) {
  if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) return true;
  switch (c) {
    case '!':
    case '#':
    case '$':
    case '%':
    case '&':
    case '\'':
    case '*':
    case '+':
    case '-':
    case '.':
    case '^':
    case '_':
    case '`':
    case '|':
    case '~':
      return true;
    default:
      return false;
  }
}

bool IsWs(char c) { return c == ' ' || c == '\t'; }

// VCHAR, obs-text, SP, HTAB: what a field value may hold.
bool IsValueChar(unsigned char c) { return c == '\t' || (c >= 0x20 && c != 0x7f); }

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

bool EqualsNoCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && strncasecmp(a.data(), b.data(), a.size()) == 0;
}

std::string_view TrimWs(std::string_view s) {
  while (!s.empty() && IsWs(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsWs(s.back())) s.remove_suffix(1);
  return s;
}

// Length of the run of tchars at the start of `s`.
size_t TokenLength(std::string_view s) {
  size_t n = 0;
  while (n < s.size() && IsTchar(static_cast<unsigned char>(s[n]))) ++n;
  return n;
}

bool KnownMethod(std::string_view m) {
  static constexpr std::array<std::string_view, 10> kMethods = {
      "GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH", "PRI"};
  for (std::string_view k : kMethods) {
    if (m == k) return true;
  }
  return false;
}

}  // namespace

RequestHeadScanner::RequestHeadScanner(RequestHeadLimits limits) : limits_(limits) {}

void RequestHeadScanner::Reset() { *this = RequestHeadScanner(limits_); }

RequestHeadScanner::State RequestHeadScanner::Refuse(int status, const char* details) {
  state_ = State::kRefused;
  status_ = status;
  details_ = details;
  return state_;
}

RequestHeadScanner::State RequestHeadScanner::Scan(std::string_view buffered) {
  while (state_ == State::kIncomplete) {
    const bool request_line = line_start_ == 0;
    const size_t lf = buffered.find('\n', line_start_ + scanned_);
    const size_t end = lf == std::string_view::npos ? buffered.size() : lf + 1;
    if (end - line_start_ > limits_.max_line_bytes) {
      return request_line ? Refuse(414, "the request line is longer than 8 KiB")
                          : Refuse(431, "a header field line is longer than 8 KiB");
    }
    if (end > limits_.max_head_bytes ||
        (lf == std::string_view::npos && buffered.size() >= limits_.max_head_bytes)) {
      return Refuse(431, "the request head is longer than 64 KiB");
    }
    if (lf == std::string_view::npos) {
      scanned_ = buffered.size() - line_start_;
      return state_;
    }
    if (lf == line_start_ || buffered[lf - 1] != '\r') {
      return Refuse(400, "a line of the request head ends in a bare LF");
    }
    const std::string_view line = buffered.substr(line_start_, lf - 1 - line_start_);
    line_start_ = lf + 1;
    scanned_ = 0;
    if (request_line) {
      if (!RequestLine(line)) return state_;
    } else if (line.empty()) {
      head_size_ = line_start_;
      if (Finish()) state_ = State::kComplete;
    } else if (!FieldLine(line)) {
      return state_;
    }
  }
  return state_;
}

bool RequestHeadScanner::RequestLine(std::string_view line) {
  const size_t method_len = TokenLength(line);
  if (method_len == 0 || method_len == line.size() || line[method_len] != ' ') {
    Refuse(400, "the request line is not: method SP target SP version");
    return false;
  }
  const std::string_view method = line.substr(0, method_len);
  std::string_view rest = line.substr(method_len + 1);
  size_t target_len = 0;
  while (target_len < rest.size() && rest[target_len] > 0x20 && rest[target_len] < 0x7f) {
    ++target_len;
  }
  if (target_len == 0 || target_len == rest.size() || rest[target_len] != ' ') {
    Refuse(400, "the request line is not: method SP target SP version");
    return false;
  }
  const std::string_view version = rest.substr(target_len + 1);
  if (version == "HTTP/1.1" || version == "HTTP/1.0") {
    http10_ = version == "HTTP/1.0";
  } else if (version.size() == 8 && version.substr(0, 5) == "HTTP/" && IsDigit(version[5]) &&
             version[6] == '.' && IsDigit(version[7])) {
    Refuse(505, "only HTTP/1.1 and HTTP/1.0 are supported");
    return false;
  } else {
    Refuse(400, "the request line does not end in an HTTP version");
    return false;
  }
  if (!KnownMethod(method)) {
    Refuse(501, "the request method is not implemented");
    return false;
  }
  return true;
}

bool RequestHeadScanner::FieldLine(std::string_view line) {
  if (IsWs(line.front())) {
    Refuse(400, "a header field line starts with whitespace (obs-fold is not accepted)");
    return false;
  }
  if (++fields_ > limits_.max_fields) {
    Refuse(431, "the request has more than 100 header fields");
    return false;
  }
  const size_t name_len = TokenLength(line);
  if (name_len == line.size() || line[name_len] != ':') {
    const bool ws = name_len < line.size() && IsWs(line[name_len]);
    Refuse(400, ws ? "whitespace between a header field name and its colon"
                   : "a header field name is not a token followed by a colon");
    return false;
  }
  if (name_len == 0) {
    Refuse(400, "a header field line has no name");
    return false;
  }
  const std::string_view name = line.substr(0, name_len);
  const std::string_view value = TrimWs(line.substr(name_len + 1));
  for (char c : value) {
    if (!IsValueChar(static_cast<unsigned char>(c))) {
      Refuse(400, "a header field value holds a control character");
      return false;
    }
  }
  if (EqualsNoCase(name, "Content-Length")) return ContentLength(value);
  if (EqualsNoCase(name, "Transfer-Encoding")) return TransferEncoding(value);
  if (EqualsNoCase(name, "Host") && ++hosts_ > 1) {
    Refuse(400, "the request has more than one Host field");
    return false;
  }
  if (EqualsNoCase(name, "X-Forwarded-For")) {
    ordered_repeated_ |= ++forwarded_for_fields_ > 1;
  } else if (EqualsNoCase(name, "Forwarded")) {
    ordered_repeated_ |= ++forwarded_fields_ > 1;
  }
  return true;
}

bool RequestHeadScanner::ContentLength(std::string_view value) {
  if (value.empty() || value.size() > kMaxContentLengthDigits) {
    Refuse(400, "Content-Length is not a decimal number of bytes");
    return false;
  }
  uint64_t n = 0;
  for (char c : value) {
    if (!IsDigit(c)) {
      Refuse(400, "Content-Length is not a decimal number of bytes");
      return false;
    }
    n = n * 10 + static_cast<uint64_t>(c - '0');
  }
  if (has_length_ && n != content_length_) {
    Refuse(400, "the request has Content-Length fields that differ");
    return false;
  }
  has_length_ = true;
  content_length_ = n;
  return true;
}

bool RequestHeadScanner::TransferEncoding(std::string_view value) {
  has_te_ = true;
  ++te_fields_;
  while (!value.empty()) {
    const size_t comma = value.find(',');
    const std::string_view coding = TrimWs(value.substr(0, comma));
    const bool last = comma == std::string_view::npos;
    value = last ? std::string_view() : value.substr(comma + 1);
    // RFC 9110 5.6.1 lets a recipient ignore empty list elements, but
    // cpp-httplib reads a body as chunked only when the one field is exactly
    // "chunked": any other spelling would be framed two ways.
    if (coding.empty() || (!last && TrimWs(value).empty())) te_irregular_ = true;
    if (coding.empty()) continue;
    if (chunked_) {
      Refuse(400, "chunked is not the final transfer coding");
      return false;
    }
    ++te_codings_;
    chunked_ = EqualsNoCase(coding, "chunked");
  }
  return true;
}

bool RequestHeadScanner::Finish() {
  if (!has_te_) return true;
  if (has_length_) {
    Refuse(400, "the request has both Content-Length and Transfer-Encoding");
    return false;
  }
  if (http10_) {
    Refuse(400, "Transfer-Encoding in an HTTP/1.0 request");
    return false;
  }
  if (!chunked_) {
    Refuse(400, "the final transfer coding is not chunked");
    return false;
  }
  if (te_codings_ > 1 || te_fields_ > 1 || te_irregular_) {
    Refuse(501, "transfer codings other than chunked are not implemented");
    return false;
  }
  return true;
}

}  // namespace cammio::http
