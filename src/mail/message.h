// Composing an email as an Internet message (RFC 5322 + MIME): a
// multipart/alternative of a text/plain and a text/html part, both UTF-8 and
// quoted-printable, so the whole message is 7-bit ASCII with CRLF line endings
// and no line longer than 76 characters (well under SMTP's 998).
//
// Header values that carry people's text (subject, display names) are
// RFC 2047 encoded-words ("=?UTF-8?B?...?=") when they are not plain ASCII,
// folded so every header line stays short. Control characters (CR, LF, ...)
// in header values become spaces: a vacancy title cannot inject a header.
//
// All functions are pure and thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace cammio::mail {

struct Mailbox {
  std::string name;     // display name, any UTF-8; may be empty
  std::string address;  // local@domain
};

struct Message {
  Mailbox from;
  Mailbox to;
  std::string reply_to;    // an address, or empty
  std::string subject;     // UTF-8
  std::string text;        // the text/plain part, UTF-8, any line endings
  std::string html;        // the text/html part, UTF-8, any line endings
  std::string message_id;  // "<unique@domain>"
  int64_t date = 0;        // Unix seconds, for the Date: header
  // An iCalendar invitation (mail/icalendar.h), or empty. When set, the
  // message is a multipart/mixed of the multipart/alternative above and an
  // attachment invite.ics ("text/calendar; method=REQUEST; charset=UTF-8",
  // base64); when empty the message is exactly as without this field.
  std::string calendar;
};

// The complete message, CRLF line endings, ending in CRLF. The multipart
// boundaries are random.
std::string Compose(const Message& m);

// "Tue, 14 Nov 2023 22:13:20 +0000" (RFC 5322 date-time, UTC).
std::string Rfc5322Date(int64_t epoch);

// A whole header line "Name: value" folded to lines of at most 78
// characters, without the final CRLF. `value` is unstructured text
// (Subject): encoded-words when it is not printable ASCII or has words
// too long to fold.
std::string UnstructuredHeader(std::string_view name, std::string_view value);
// "Name: <address>" or "Name: display name <address>" with the display name
// as an atom phrase, a quoted-string, or encoded-words, folded like above.
std::string AddressHeader(std::string_view name, const Mailbox& mailbox);

// RFC 2047 "B" encoded-words of UTF-8 `text`, each at most 75 characters and
// holding whole characters, joined by `separator` (e.g. "\r\n ").
std::string EncodedWords(std::string_view text, std::string_view separator);

// Quoted-printable (RFC 2045) of UTF-8 text: line breaks (CRLF, LF or CR)
// become CRLF, lines are soft-broken at 76 characters, '=' and non-ASCII are
// escaped, as are trailing spaces, and a leading '.' or "From " (harmless for
// relays that mangle those).
std::string QuotedPrintable(std::string_view text);

// `s` with every control character (C0, DEL) replaced by a space and invalid
// UTF-8 repaired: safe inside a header.
std::string HeaderSafe(std::string_view s);

// A new Message-ID "<random@domain>"; `domain` falls back to
// "cammio.invalid" when it is not a plain host name or IPv4 address.
std::string NewMessageId(std::string_view domain);

}  // namespace cammio::mail
