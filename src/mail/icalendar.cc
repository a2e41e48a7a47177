#include "mail/icalendar.h"

#include <cstdio>
#include <ctime>

#include "cammio/document.h"
#include "util/crypto.h"

namespace cammio::mail {
namespace {

constexpr size_t kFoldOctets = 75;

// A parameter value (CN): DQUOTE is not allowed inside one, control
// characters neither; quoted always.
std::string ParamValue(std::string_view s) {
  std::string out = "\"";
  for (char c : HeaderSafe(s)) out += c == '"' ? '\'' : c;
  out += '"';
  return out;
}

// "ORGANIZER;CN=...:mailto:addr" (no CN when the name is empty).
std::string Person(const char* name, const char* params, const Mailbox& m) {
  std::string line = name;
  if (!m.name.empty()) line += ";CN=" + ParamValue(m.name);
  line += params;
  line += ":mailto:" + HeaderSafe(m.address);
  return IcsFold(line);
}

// A URI value: not TEXT, so nothing is escaped; control characters and
// spaces (never in a link cammio makes) are dropped.
std::string UriValue(std::string_view s) {
  std::string out;
  for (char c : HeaderSafe(s)) {
    if (c != ' ') out += c;
  }
  return out;
}

}  // namespace

std::string IcsText(std::string_view in) {
  std::string s = ToValidUtf8(in);
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '\\' || c == ';' || c == ',') {
      out += '\\';
      out += c;
    } else if (c == '\r' || c == '\n') {
      if (c == '\r' && i + 1 < s.size() && s[i + 1] == '\n') ++i;
      out += "\\n";
    } else if ((static_cast<unsigned char>(c) < 0x20 && c != '\t') || c == 0x7f) {
      continue;
    } else {
      out += c;
    }
  }
  return out;
}

std::string IcsFold(std::string_view line) {
  std::string out;
  size_t octets = 0;  // on the current physical line
  for (size_t i = 0; i < line.size();) {
    // The whole UTF-8 character starting at i.
    size_t len = 1;
    auto c = static_cast<unsigned char>(line[i]);
    if (c >= 0xF0) {
      len = 4;
    } else if (c >= 0xE0) {
      len = 3;
    } else if (c >= 0xC0) {
      len = 2;
    }
    if (i + len > line.size()) len = line.size() - i;
    if (octets + len > kFoldOctets) {
      out += "\r\n ";
      octets = 1;
    }
    out.append(line.substr(i, len));
    octets += len;
    i += len;
  }
  out += "\r\n";
  return out;
}

std::string IcsUtc(int64_t epoch) {
  std::time_t t = static_cast<std::time_t>(epoch);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[80];
  std::snprintf(buf, sizeof(buf), "%04d%02d%02dT%02d%02d%02dZ", tm.tm_year + 1900, tm.tm_mon + 1,
                tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
  return buf;
}

std::string CalendarUid(const std::string& invitation_token, std::string_view host) {
  std::string mac = HexEncode(HmacSha256(invitation_token, "cammio calendar uid")).substr(0, 32);
  bool ok = !host.empty();
  for (char c : host) {
    ok = ok && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                c == '-' || c == '.');
  }
  return "live-" + mac + "@" + (ok ? std::string(host) : "cammio.invalid");
}

std::string CalendarRequest(const CalendarEvent& e) {
  std::string out;
  out += "BEGIN:VCALENDAR\r\n";
  out += "VERSION:2.0\r\n";
  out += "PRODID:-//cammio//live interview//EN\r\n";
  out += "CALSCALE:GREGORIAN\r\n";
  out += "METHOD:REQUEST\r\n";
  out += "BEGIN:VEVENT\r\n";
  out += IcsFold("UID:" + IcsText(e.uid));
  out += "SEQUENCE:" + std::to_string(e.sequence < 0 ? 0 : e.sequence) + "\r\n";
  out += "DTSTAMP:" + IcsUtc(e.stamp) + "\r\n";
  out += "DTSTART:" + IcsUtc(e.start) + "\r\n";
  out += "DTEND:" + IcsUtc(e.end) + "\r\n";
  out += IcsFold("SUMMARY:" + IcsText(e.summary));
  out += IcsFold("DESCRIPTION:" + IcsText(e.description));
  // URL is a URI value, not TEXT: no escaping; control characters dropped.
  if (!e.url.empty()) out += IcsFold("URL:" + UriValue(e.url));
  out += IcsFold("LOCATION:" + IcsText(e.url));
  if (!e.organizer.address.empty()) out += Person("ORGANIZER", "", e.organizer);
  if (!e.attendee.address.empty()) {
    out += Person("ATTENDEE", ";ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=FALSE", e.attendee);
  }
  out += "STATUS:CONFIRMED\r\n";
  out += "TRANSP:OPAQUE\r\n";
  out += "END:VEVENT\r\n";
  out += "END:VCALENDAR\r\n";
  return out;
}

}  // namespace cammio::mail
