#include "mail/message.h"

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <vector>

#include "cammio/document.h"
#include "util/crypto.h"
#include "util/random.h"

namespace cammio::mail {
namespace {

constexpr size_t kFoldAt = 78;          // RFC 5322 recommended line length
constexpr size_t kEncodedLineMax = 76;  // RFC 2047: lines holding encoded-words
constexpr size_t kQpLineMax = 76;       // RFC 2045
constexpr char kHex[] = "0123456789ABCDEF";

bool IsAscii(std::string_view s) {
  for (unsigned char c : s) {
    if (c >= 0x80) return false;
  }
  return true;
}

// RFC 5322 atext, plus the space between words of a phrase.
bool IsPhraseChar(unsigned char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  return c == ' ' || std::string_view("!#$%&'*+-/=?^_`{|}~").find(static_cast<char>(c)) !=
                         std::string_view::npos;
}

// Encoded-words for `text`: the first at most `first_max` characters long,
// the others at most `rest_max`.
std::string EncodeWordsLimited(std::string_view text, size_t first_max, size_t rest_max,
                               std::string_view separator) {
  static constexpr std::string_view kPrefix = "=?UTF-8?B?";
  static constexpr std::string_view kSuffix = "?=";
  std::string out;
  size_t pos = 0;
  bool first = true;
  do {
    size_t max_len = first ? first_max : rest_max;
    size_t room = max_len > kPrefix.size() + kSuffix.size() + 4
                      ? max_len - kPrefix.size() - kSuffix.size()
                      : 4;
    size_t bytes = room / 4 * 3;  // base64: 4 characters per 3 bytes
    size_t cut = std::min(text.size(), pos + bytes);
    // Whole UTF-8 characters only: never end on a lead or middle byte.
    while (cut < text.size() && cut > pos + 1 &&
           (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) {
      --cut;
    }
    if (!first) out += separator;
    out += kPrefix;
    out += Base64Encode(text.substr(pos, cut - pos));
    out += kSuffix;
    pos = cut;
    first = false;
  } while (pos < text.size());
  return out;
}

// Splits on single spaces, keeping empty words, so joining with ' ' gives
// the text back.
std::vector<std::string_view> SplitSpaces(std::string_view s) {
  std::vector<std::string_view> words;
  size_t start = 0;
  for (;;) {
    size_t sp = s.find(' ', start);
    words.push_back(s.substr(start, sp == std::string_view::npos ? sp : sp - start));
    if (sp == std::string_view::npos) break;
    start = sp + 1;
  }
  return words;
}

// Whether ASCII `value` can be folded at its spaces into lines of kFoldAt
// after `prefix_len` characters, without looking like an encoded-word.
bool FoldsAsAscii(std::string_view value, size_t prefix_len) {
  if (!IsAscii(value) || value.find("=?") != std::string_view::npos) return false;
  for (std::string_view w : SplitSpaces(value)) {
    if (w.size() + 1 + prefix_len > kFoldAt && w.size() + 1 > kFoldAt) return false;
  }
  return true;
}

// "prefix word word\r\n word..." folding before a space when a line would
// pass kFoldAt.
std::string FoldAscii(std::string_view prefix, std::string_view value) {
  std::string out(prefix);
  size_t line = prefix.size();
  bool first = true;
  for (std::string_view w : SplitSpaces(value)) {
    size_t piece = (first ? 0 : 1) + w.size();
    if (!first && line + piece > kFoldAt && line > 0) {
      out += "\r\n";
      line = 0;
    }
    if (!first) out += ' ';
    out += w;
    line += piece;
    first = false;
  }
  return out;
}

std::string QuoteString(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  out += '"';
  return out;
}

std::string QpEscape(unsigned char c) {
  std::string e = "=";
  e += kHex[c >> 4];
  e += kHex[c & 15];
  return e;
}

// One line (no line break inside) as quoted-printable lines joined by soft
// breaks.
void QpLine(std::string_view line, std::string* out) {
  size_t len = 0;
  for (size_t i = 0; i < line.size(); ++i) {
    auto c = static_cast<unsigned char>(line[i]);
    bool last = i + 1 == line.size();
    std::string token;
    if (c == '=' || c >= 0x7f || (c < 0x20 && c != '\t') || (last && (c == ' ' || c == '\t'))) {
      token = QpEscape(c);
    } else {
      token.assign(1, static_cast<char>(c));
    }
    // Keep room for the soft break's '=' unless this is the line's end.
    size_t limit = last ? kQpLineMax : kQpLineMax - 1;
    if (len + token.size() > limit) {
      *out += "=\r\n";
      len = 0;
    }
    if (len == 0 && token == ".") token = QpEscape('.');
    *out += token;
    len += token.size();
  }
}

std::string RandomBoundary() { return "=_cammio_" + RandomToken(15); }

}  // namespace

std::string HeaderSafe(std::string_view s) {
  std::string out = ToValidUtf8(s);
  for (char& c : out) {
    auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) c = ' ';
  }
  return out;
}

std::string EncodedWords(std::string_view text, std::string_view separator) {
  return EncodeWordsLimited(text, 75, 75, separator);
}

std::string UnstructuredHeader(std::string_view name, std::string_view value) {
  std::string v = HeaderSafe(value);
  std::string prefix = std::string(name) + ": ";
  if (FoldsAsAscii(v, prefix.size())) return FoldAscii(prefix, v);
  // Each line holding encoded-words is at most 76 characters: the first
  // shares its line with the header name, the others follow one space.
  return prefix +
         EncodeWordsLimited(v, kEncodedLineMax - prefix.size(), kEncodedLineMax - 1, "\r\n ");
}

std::string AddressHeader(std::string_view name, const Mailbox& mailbox) {
  std::string address = "<" + HeaderSafe(mailbox.address) + ">";
  std::string display = HeaderSafe(mailbox.name);
  while (!display.empty() && display.back() == ' ') display.pop_back();
  while (!display.empty() && display.front() == ' ') display.erase(0, 1);
  std::string prefix = std::string(name) + ": ";
  if (display.empty()) return prefix + address;
  std::string phrase;
  bool atoms = true;
  for (unsigned char c : display) atoms = atoms && IsPhraseChar(c);
  if (IsAscii(display) && display.size() <= 60 && display.find("=?") == std::string::npos) {
    phrase = atoms ? display : QuoteString(display);
    std::string line = prefix + phrase + " " + address;
    if (line.size() <= kFoldAt) return line;
    return prefix + phrase + "\r\n " + address;
  }
  phrase =
      EncodeWordsLimited(display, kEncodedLineMax - prefix.size(), kEncodedLineMax - 1, "\r\n ");
  size_t nl = phrase.rfind('\n');
  size_t last_line =
      nl == std::string::npos ? prefix.size() + phrase.size() : phrase.size() - nl - 1;
  if (last_line + 1 + address.size() <= kFoldAt) return prefix + phrase + " " + address;
  return prefix + phrase + "\r\n " + address;
}

std::string QuotedPrintable(std::string_view text) {
  std::string out;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find_first_of("\r\n", start);
    std::string_view line =
        text.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
    QpLine(line, &out);
    if (end == std::string_view::npos) break;
    out += "\r\n";
    start = end + 1;
    if (text[end] == '\r' && start < text.size() && text[start] == '\n') ++start;
    if (start == text.size()) break;  // the text ended with a line break
  }
  return out;
}

std::string Rfc5322Date(int64_t epoch) {
  static const char* const kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static const char* const kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                        "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  std::time_t t = static_cast<std::time_t>(epoch);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%s, %02d %s %04d %02d:%02d:%02d +0000", kDays[tm.tm_wday],
                tm.tm_mday, kMonths[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
                tm.tm_sec);
  return buf;
}

std::string NewMessageId(std::string_view domain) {
  bool ok = !domain.empty() && domain.size() <= 253 && domain.front() != '.' &&
            domain.back() != '.' && domain.find("..") == std::string_view::npos;
  for (char c : domain) {
    ok = ok && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                c == '-' || c == '.');
  }
  return "<" + OrderedToken(16) + "@" + (ok ? std::string(domain) : "cammio.invalid") + ">";
}

namespace {

// The text/plain + text/html alternative's parts and closing delimiter.
std::string AlternativeBody(const Message& m, const std::string& boundary) {
  std::string out;
  auto part = [&](const char* type, const std::string& body) {
    out += "\r\n--" + boundary + "\r\n";
    out += std::string("Content-Type: ") + type + "; charset=UTF-8\r\n";
    out += "Content-Transfer-Encoding: quoted-printable\r\n\r\n";
    out += QuotedPrintable(ToValidUtf8(body));
  };
  part("text/plain", m.text);
  part("text/html", m.html);
  out += "\r\n--" + boundary + "--\r\n";
  return out;
}

// Base64 in lines of 76 characters, each ending in CRLF.
std::string Base64Lines(std::string_view bytes) {
  std::string b64 = Base64Encode(bytes);
  std::string out;
  for (size_t i = 0; i < b64.size(); i += 76) out += b64.substr(i, 76) + "\r\n";
  return out;
}

}  // namespace

std::string Compose(const Message& m) {
  const std::string boundary = RandomBoundary();
  std::string out;
  out += AddressHeader("From", m.from) + "\r\n";
  out += AddressHeader("To", m.to) + "\r\n";
  if (!m.reply_to.empty()) out += AddressHeader("Reply-To", Mailbox{"", m.reply_to}) + "\r\n";
  out += UnstructuredHeader("Subject", m.subject) + "\r\n";
  out += "Date: " + Rfc5322Date(m.date) + "\r\n";
  out += "Message-ID: " + HeaderSafe(m.message_id) + "\r\n";
  out += "MIME-Version: 1.0\r\n";
  out += "Auto-Submitted: auto-generated\r\n";
  if (m.calendar.empty()) {
    out += "Content-Type: multipart/alternative;\r\n boundary=\"" + boundary + "\"\r\n";
    out += "\r\n";
    out += "This is a multi-part message in MIME format.\r\n";
    out += AlternativeBody(m, boundary);
    return out;
  }
  const std::string inner = RandomBoundary();
  out += "Content-Type: multipart/mixed;\r\n boundary=\"" + boundary + "\"\r\n";
  out += "\r\n";
  out += "This is a multi-part message in MIME format.\r\n";
  out += "\r\n--" + boundary + "\r\n";
  out += "Content-Type: multipart/alternative;\r\n boundary=\"" + inner + "\"\r\n";
  out += AlternativeBody(m, inner);
  out += "\r\n--" + boundary + "\r\n";
  out += "Content-Type: text/calendar; method=REQUEST; charset=UTF-8;\r\n name=\"invite.ics\"\r\n";
  out += "Content-Disposition: attachment; filename=\"invite.ics\"\r\n";
  out += "Content-Transfer-Encoding: base64\r\n\r\n";
  out += Base64Lines(m.calendar);
  out += "\r\n--" + boundary + "--\r\n";
  return out;
}

}  // namespace cammio::mail
