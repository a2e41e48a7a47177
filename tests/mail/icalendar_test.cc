// The iCalendar invitation of live interviews (src/mail/icalendar.h): line
// folding at 75 octets without splitting UTF-8, CRLF only, TEXT escaping,
// UTC times, UID and SEQUENCE; and a parse-back of the whole object (unfold,
// split, unescape) that gives the inputs again.
#include "mail/icalendar.h"

#include <doctest/doctest.h>

#include <map>
#include <string>
#include <vector>

#include "testing/ical_parse.h"
#include "util/crypto.h"

namespace cammio::mail {
namespace {

using testing::IcsLine;
using testing::ParseIcs;

CalendarEvent Sample() {
  CalendarEvent e;
  e.uid = CalendarUid("secret-token-aaaaaaaa", "cammio.example");
  e.sequence = 3;
  e.stamp = 1700000000;  // 2023-11-14T22:13:20Z
  e.start = 1902034800;  // 2030-04-10T07:00:00Z
  e.end = e.start + kLiveEventSeconds;
  e.summary = "Live video interview: Zo\xC3\xAB Jansen (Barista; bar, \\ kitchen)";
  e.description = "Join the interview with your personal link:\nhttps://cammio.example/x";
  e.url = "https://cammio.example/public/interviewers/12.abc";
  e.organizer = {"Ivan \"the\" Interviewer", "ivan@agency.test"};
  e.attendee = {"Zo\xC3\xAB", "zoe@example.com"};
  return e;
}

TEST_CASE("icalendar: TEXT escaping of backslash, semicolon, comma and line breaks") {
  CHECK(IcsText("a,b;c\\d") == "a\\,b\\;c\\\\d");
  CHECK(IcsText("one\r\ntwo\nthree\rfour") == "one\\ntwo\\nthree\\nfour");
  CHECK(IcsText(std::string("bell\x07") + "x") == "bellx");
  CHECK(IcsText("Zo\xC3\xAB") == "Zo\xC3\xAB");
}

TEST_CASE("icalendar: folding at 75 octets, continuation lines start with a space") {
  std::string line(200, 'x');
  std::string folded = IcsFold(line);
  std::vector<std::string> physical;
  size_t start = 0;
  for (size_t crlf; (crlf = folded.find("\r\n", start)) != std::string::npos; start = crlf + 2) {
    physical.push_back(folded.substr(start, crlf - start));
  }
  CHECK(start == folded.size());  // ends in CRLF
  REQUIRE(physical.size() == 3);
  CHECK(physical[0].size() == 75);
  CHECK(physical[1].size() == 75);
  CHECK(physical[1][0] == ' ');
  CHECK(physical[2] == " " + std::string(200 - 75 - 74, 'x'));
  CHECK(IcsFold("short") == "short\r\n");
  // Exactly 75 octets: no fold.
  CHECK(IcsFold(std::string(75, 'y')) == std::string(75, 'y') + "\r\n");

  // Two-byte characters never split: every physical line is whole UTF-8.
  std::string umlauts;
  for (int i = 0; i < 60; ++i) umlauts += "\xC3\xAB";
  std::string f = IcsFold("SUMMARY:" + umlauts);
  size_t pos = 0;
  for (size_t crlf; (crlf = f.find("\r\n", pos)) != std::string::npos; pos = crlf + 2) {
    std::string l = f.substr(pos, crlf - pos);
    CHECK(l.size() <= 75);
    if (l.size() > 1) CHECK((static_cast<unsigned char>(l[l[0] == ' ' ? 1 : 0]) & 0xC0) != 0x80);
    CHECK((static_cast<unsigned char>(l.back()) & 0xE0) != 0xC0);  // not a lead byte last
  }
  CHECK(IcsLine(f).substr(8) == umlauts);  // unfolds back
}

TEST_CASE("icalendar: UTC times") {
  CHECK(IcsUtc(0) == "19700101T000000Z");
  CHECK(IcsUtc(1700000000) == "20231114T221320Z");
  CHECK(IcsUtc(1902034800) == "20300410T070000Z");
}

TEST_CASE("icalendar: UID is stable per invitation, unguessable, and never the token") {
  std::string a = CalendarUid("token-one-aaaaaaaaaa", "cammio.example");
  CHECK(a == CalendarUid("token-one-aaaaaaaaaa", "cammio.example"));
  CHECK(a != CalendarUid("token-two-aaaaaaaaaa", "cammio.example"));
  CHECK(a.find("token") == std::string::npos);
  CHECK(a.rfind("live-", 0) == 0);
  CHECK(a.size() == 5 + 32 + 1 + 14);
  CHECK(a.substr(a.size() - 15) == "@cammio.example");
  CHECK(CalendarUid("t", "bad host\r\n").substr(38) == "cammio.invalid");
  CHECK(CalendarUid("t", "").substr(38) == "cammio.invalid");
}

TEST_CASE("icalendar: the request parses back: one VEVENT, CRLF, every field as given") {
  CalendarEvent e = Sample();
  std::string text = CalendarRequest(e);
  // CRLF only, no physical line over 75 octets.
  CHECK(text.size() >= 2);
  CHECK(text.substr(text.size() - 2) == "\r\n");
  size_t pos = 0;
  for (size_t crlf; (crlf = text.find("\r\n", pos)) != std::string::npos; pos = crlf + 2) {
    std::string l = text.substr(pos, crlf - pos);
    CHECK(l.size() <= 75);
    CHECK(l.find('\n') == std::string::npos);
    CHECK(l.find('\r') == std::string::npos);
  }
  CHECK(pos == text.size());

  auto props = ParseIcs(text);
  REQUIRE_FALSE(props.empty());
  CHECK(props.front().name == "BEGIN");
  CHECK(props.front().value == "VCALENDAR");
  CHECK(props.back().value == "VCALENDAR");
  int events = 0;
  std::map<std::string, testing::IcsProperty> ev;
  bool inside = false;
  for (const auto& p : props) {
    if (p.name == "BEGIN" && p.value == "VEVENT") {
      ++events;
      inside = true;
    } else if (p.name == "END" && p.value == "VEVENT") {
      inside = false;
    } else if (inside) {
      ev[p.name] = p;
    }
  }
  CHECK(events == 1);
  REQUIRE(props.size() > 4);
  CHECK(props[4].name == "METHOD");
  CHECK(props[4].value == "REQUEST");
  CHECK(ev["UID"].value == e.uid);
  CHECK(ev["SEQUENCE"].value == "3");
  CHECK(ev["DTSTAMP"].value == "20231114T221320Z");
  CHECK(ev["DTSTART"].value == "20300410T070000Z");
  CHECK(ev["DTEND"].value == "20300410T080000Z");
  CHECK(testing::IcsUnescape(ev["SUMMARY"].value) == e.summary);
  CHECK(testing::IcsUnescape(ev["DESCRIPTION"].value) == e.description);
  CHECK(ev["URL"].value == e.url);
  CHECK(ev["ORGANIZER"].value == "mailto:ivan@agency.test");
  CHECK(ev["ORGANIZER"].params == ";CN=\"Ivan 'the' Interviewer\"");
  CHECK(ev["ATTENDEE"].value == "mailto:zoe@example.com");
  CHECK(ev["ATTENDEE"].params.find("CN=\"Zo\xC3\xAB\"") != std::string::npos);
}

TEST_CASE("icalendar: an update keeps the UID and counts SEQUENCE up; no organizer without one") {
  CalendarEvent e = Sample();
  std::string first = CalendarRequest(e);
  e.sequence = 7200;
  e.start += 3600;
  e.end += 3600;
  e.organizer = {};
  std::string second = CalendarRequest(e);
  auto value = [](const std::string& text, const char* name) {
    for (const auto& p : ParseIcs(text)) {
      if (p.name == name) return p.value;
    }
    return std::string("<none>");
  };
  CHECK(value(first, "UID") == value(second, "UID"));
  CHECK(value(second, "SEQUENCE") == "7200");
  CHECK(value(second, "DTSTART") == "20300410T080000Z");
  CHECK(value(second, "ORGANIZER") == "<none>");
  e.sequence = -5;  // never negative
  CHECK(value(CalendarRequest(e), "SEQUENCE") == "0");
}

// The headers and the alternative's part headers of a composed message,
// with the random boundaries replaced by "B".
std::string Shape(std::string raw) {
  for (;;) {
    size_t at = raw.find("=_cammio_");
    if (at == std::string::npos) break;
    size_t end = raw.find_first_of("\"\r-", at + 9);
    raw.replace(at, end - at, "B");
  }
  return raw;
}

TEST_CASE("icalendar: Compose without a calendar is unchanged; with one, multipart/mixed") {
  Message m;
  m.from = {"Agency", "no-reply@agency.test"};
  m.to = {"Zoe", "zoe@example.com"};
  m.subject = "Hello";
  m.text = "Text";
  m.html = "<p>Html</p>";
  m.message_id = "<1@cammio.example>";
  m.date = 1700000000;
  const std::string plain = Shape(Compose(m));
  CHECK(plain ==
        "From: Agency <no-reply@agency.test>\r\nTo: Zoe <zoe@example.com>\r\n"
        "Subject: Hello\r\nDate: Tue, 14 Nov 2023 22:13:20 +0000\r\n"
        "Message-ID: <1@cammio.example>\r\nMIME-Version: 1.0\r\n"
        "Auto-Submitted: auto-generated\r\n"
        "Content-Type: multipart/alternative;\r\n boundary=\"B\"\r\n\r\n"
        "This is a multi-part message in MIME format.\r\n"
        "\r\n--B\r\nContent-Type: text/plain; charset=UTF-8\r\n"
        "Content-Transfer-Encoding: quoted-printable\r\n\r\nText"
        "\r\n--B\r\nContent-Type: text/html; charset=UTF-8\r\n"
        "Content-Transfer-Encoding: quoted-printable\r\n\r\n<p>Html</p>"
        "\r\n--B--\r\n");

  m.calendar = CalendarRequest(Sample());
  std::string raw = Compose(m);
  CHECK(raw.find("Content-Type: multipart/mixed;") != std::string::npos);
  CHECK(raw.find("Content-Type: multipart/alternative;") != std::string::npos);
  CHECK(raw.find("Content-Type: text/calendar; method=REQUEST; charset=UTF-8;") !=
        std::string::npos);
  CHECK(raw.find("Content-Disposition: attachment; filename=\"invite.ics\"") != std::string::npos);
  // The base64 body decodes to the calendar, byte for byte.
  size_t body = raw.find("\r\n\r\n", raw.find("Content-Transfer-Encoding: base64"));
  REQUIRE(body != std::string::npos);
  size_t end = raw.find("\r\n--", body + 4);
  std::string b64;
  for (size_t i = body + 4; i < end; ++i) {
    if (raw[i] != '\r' && raw[i] != '\n') b64 += raw[i];
  }
  std::string decoded;
  REQUIRE(Base64Decode(b64, &decoded));
  CHECK(decoded == m.calendar);
  // Still 7-bit, CRLF only, short lines.
  for (unsigned char c : raw) CHECK(c < 0x80);
  size_t pos = 0;
  for (size_t crlf; (crlf = raw.find("\r\n", pos)) != std::string::npos; pos = crlf + 2) {
    CHECK(crlf - pos <= 78);
  }
}

}  // namespace
}  // namespace cammio::mail
