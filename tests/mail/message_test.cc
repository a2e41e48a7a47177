// Tests for src/mail/message and src/mail/templates: quoted-printable, RFC
// 2047 encoded-words and header folding, the composed MIME message (CRLF,
// line lengths, structure), and the English / Dutch email texts. The same
// messages are parsed by Python's email package in the SMTP tests.
#include "mail/message.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "cammio/document.h"
#include "config/public_links.h"
#include "mail/smtp_client.h"
#include "mail/templates.h"
#include "util/crypto.h"

namespace cammio::mail {
namespace {

std::vector<std::string> Lines(const std::string& s) {
  std::vector<std::string> out;
  size_t start = 0;
  for (;;) {
    size_t end = s.find("\r\n", start);
    out.push_back(s.substr(start, end == std::string::npos ? end : end - start));
    if (end == std::string::npos) break;
    start = end + 2;
  }
  return out;
}

int Hex(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// RFC 2045 decoding, strict about what an encoder may produce.
std::string DecodeQp(const std::string& qp) {
  std::string out;
  for (size_t i = 0; i < qp.size(); ++i) {
    if (qp[i] == '=') {
      if (qp.compare(i + 1, 2, "\r\n") == 0) {
        i += 2;
        continue;
      }
      REQUIRE(i + 2 < qp.size());
      int hi = Hex(qp[i + 1]), lo = Hex(qp[i + 2]);
      REQUIRE(hi >= 0);
      REQUIRE(lo >= 0);
      out += static_cast<char>(hi * 16 + lo);
      i += 2;
    } else {
      out += qp[i];
    }
  }
  return out;
}

// The text of a header value made of encoded-words (folding removed).
std::string DecodeWords(std::string value) {
  std::string out;
  size_t pos = 0;
  while ((pos = value.find("=?UTF-8?B?", pos)) != std::string::npos) {
    size_t end = value.find("?=", pos + 10);
    REQUIRE(end != std::string::npos);
    std::string bytes;
    REQUIRE(Base64Decode(value.substr(pos + 10, end - pos - 10), &bytes));
    out += bytes;
    pos = end + 2;
  }
  return out;
}

TEST_CASE("mail: quoted-printable escapes, soft-breaks and keeps CRLF line structure") {
  CHECK(QuotedPrintable("") == "");
  CHECK(QuotedPrintable("plain text") == "plain text");
  CHECK(QuotedPrintable("a=b") == "a=3Db");
  CHECK(QuotedPrintable("caf\xC3\xA9") == "caf=C3=A9");
  CHECK(QuotedPrintable("trailing space \nnext") == "trailing space=20\r\nnext");
  CHECK(QuotedPrintable("one\ntwo\r\nthree\rfour\n") == "one\r\ntwo\r\nthree\r\nfour\r\n");
  CHECK(QuotedPrintable(".leading dot") == "=2Eleading dot");
  CHECK(QuotedPrintable("tab\there") == "tab\there");

  std::string long_line;
  for (int i = 0; i < 50; ++i) long_line += "Zo\xC3\xAB = ";  // escapes near every break
  long_line += ".";
  std::string qp = QuotedPrintable(long_line);
  for (const auto& line : Lines(qp)) {
    CHECK(line.size() <= 76);
    CHECK(line.find('\n') == std::string::npos);
  }
  CHECK(DecodeQp(qp) == long_line);
  for (unsigned char c : qp) CHECK(c < 0x80);
}

TEST_CASE("mail: ASCII subjects fold at spaces; injected line breaks become spaces") {
  CHECK(UnstructuredHeader("Subject", "Hello") == "Subject: Hello");
  std::string words;
  for (int i = 0; i < 30; ++i) words += (i ? " " : "") + std::string("word") + std::to_string(i);
  std::string h = UnstructuredHeader("Subject", words);
  for (const auto& line : Lines(h)) CHECK(line.size() <= 78);
  std::string unfolded = h;
  for (size_t p; (p = unfolded.find("\r\n")) != std::string::npos;) unfolded.erase(p, 2);
  CHECK(unfolded == "Subject: " + words);

  std::string injected = UnstructuredHeader("Subject", "Hi\r\nBcc: victim@example.com");
  CHECK(injected.find('\r') == std::string::npos);
  CHECK(injected.find('\n') == std::string::npos);
  CHECK(injected == "Subject: Hi  Bcc: victim@example.com");
}

TEST_CASE("mail: RFC 2047 subject for non-ASCII, whole characters per encoded-word") {
  // 40 two-byte and three-byte characters: several encoded-words.
  std::string title;
  for (int i = 0; i < 20; ++i) title += "\xC3\xAB\xE2\x80\x93";  // ë –
  std::string subject = "Uitnodiging: " + title + " ontwikkelaar";
  std::string h = UnstructuredHeader("Subject", subject);
  CHECK(h.rfind("Subject: =?UTF-8?B?", 0) == 0);
  auto lines = Lines(h);
  CHECK(lines.size() > 1);
  for (size_t i = 0; i < lines.size(); ++i) {
    CHECK(lines[i].size() <= 76);
    if (i > 0) CHECK(lines[i][0] == ' ');
    size_t at = lines[i].find("=?");
    REQUIRE(at != std::string::npos);
    std::string word = lines[i].substr(at);
    CHECK(word.size() <= 75);
    std::string bytes = DecodeWords(word);
    CHECK(IsValidUtf8(bytes));  // no character split between two words
  }
  CHECK(DecodeWords(h) == subject);
  for (unsigned char c : h) CHECK(c < 0x80);

  // ASCII that looks like an encoded-word is encoded rather than misread.
  CHECK(UnstructuredHeader("Subject", "=?UTF-8?B?eA==?=").rfind("Subject: =?UTF-8?B?", 0) == 0);
}

TEST_CASE("mail: address headers quote or encode display names") {
  CHECK(AddressHeader("To", {"", "a@example.com"}) == "To: <a@example.com>");
  CHECK(AddressHeader("To", {"Bob de Bouwer", "bob@example.com"}) ==
        "To: Bob de Bouwer <bob@example.com>");
  CHECK(AddressHeader("From", {"Cammio, Recruitment \"Team\"", "no-reply@example.com"}) ==
        "From: \"Cammio, Recruitment \\\"Team\\\"\" <no-reply@example.com>");
  std::string h = AddressHeader("To", {"Zo\xC3\xAB van der Berg", "zoe@example.com"});
  CHECK(h.rfind("To: =?UTF-8?B?", 0) == 0);
  CHECK(DecodeWords(h) == "Zo\xC3\xAB van der Berg");
  CHECK(h.find(" <zoe@example.com>") != std::string::npos);
  for (const auto& line : Lines(h)) CHECK(line.size() <= 78);
}

TEST_CASE("mail: a composed message is CRLF-only 7-bit multipart/alternative") {
  Message m;
  m.from = {"Cammio Agency", "no-reply@agency.test"};
  m.to = {"Zo\xC3\xAB", "zoe@example.com"};
  m.reply_to = "rita@agency.test";
  m.subject = "Uitnodiging voor Zo\xC3\xAB";
  m.text = "Beste Zo\xC3\xAB,\n\n.hidden dot line\nhttps://x.test/public/job_interviews/abc\n";
  m.html = "<p>Beste Zo&euml;</p>\n<p><a href=\"https://x.test/\">link</a></p>\n";
  m.message_id = NewMessageId("cammio.example");
  m.date = 1700000000;
  std::string msg = Compose(m);

  CHECK(msg.size() > 2);
  CHECK(msg.compare(msg.size() - 2, 2, "\r\n") == 0);
  for (size_t i = 0; i < msg.size(); ++i) {
    if (msg[i] == '\n') CHECK((i > 0 && msg[i - 1] == '\r'));
    if (msg[i] == '\r') CHECK((i + 1 < msg.size() && msg[i + 1] == '\n'));
    CHECK(static_cast<unsigned char>(msg[i]) < 0x80);
  }
  for (const auto& line : Lines(msg)) CHECK(line.size() <= 78);

  CHECK(msg.find("Date: Tue, 14 Nov 2023 22:13:20 +0000\r\n") != std::string::npos);
  CHECK(msg.find("Message-ID: " + m.message_id + "\r\n") != std::string::npos);
  CHECK(msg.find("MIME-Version: 1.0\r\n") != std::string::npos);
  CHECK(msg.find("Reply-To: <rita@agency.test>\r\n") != std::string::npos);
  size_t ct = msg.find("Content-Type: multipart/alternative;\r\n boundary=\"");
  REQUIRE(ct != std::string::npos);
  size_t b0 = msg.find('"', ct) + 1;
  std::string boundary = msg.substr(b0, msg.find('"', b0) - b0);
  CHECK(boundary.rfind("=_", 0) == 0);  // "=_" never occurs in quoted-printable
  CHECK(msg.find("\r\n--" + boundary + "\r\nContent-Type: text/plain; charset=UTF-8\r\n") !=
        std::string::npos);
  CHECK(msg.find("\r\n--" + boundary + "\r\nContent-Type: text/html; charset=UTF-8\r\n") !=
        std::string::npos);
  CHECK(msg.find("\r\n--" + boundary + "--\r\n") != std::string::npos);
  CHECK(msg.find("=2Ehidden dot line") != std::string::npos);
  CHECK(msg.find("\r\n\r\n") < ct + 200);  // headers end right after Content-Type
}

TEST_CASE("mail: dates, message ids, URL hosts") {
  CHECK(Rfc5322Date(0) == "Thu, 01 Jan 1970 00:00:00 +0000");
  CHECK(Rfc5322Date(1374969600) == "Sun, 28 Jul 2013 00:00:00 +0000");
  // Message-IDs take the host of PublicLinks (tests/config/public_links_test.cc).
  CHECK(NewMessageId(PublicLinks("https://cammio.example.com:8443/base").host())
            .find("@cammio.example.com>") != std::string::npos);
  CHECK(NewMessageId(PublicLinks("https://[::1]:8443").host()).find("@cammio.invalid>") !=
        std::string::npos);
  std::string id = NewMessageId("cammio.example.com");
  CHECK(id.front() == '<');
  CHECK(id.back() == '>');
  CHECK(id.find("@cammio.example.com>") != std::string::npos);
  CHECK(NewMessageId("cammio.example.com") != id);
  CHECK(NewMessageId("[::1]").find("@cammio.invalid>") != std::string::npos);
}

TEST_CASE("mail: DATA dot-stuffing and line endings") {
  CHECK(SmtpClient::DotStuff("a\r\n.b\r\n..c\r\n.\r\nd") == "a\r\n..b\r\n...c\r\n..\r\nd\r\n");
  CHECK(SmtpClient::DotStuff(".x\ny\rz") == "..x\r\ny\r\nz\r\n");
  CHECK(SmtpClient::DotStuff("") == "");
  CHECK(SmtpClient::DotStuff("end\r\n") == "end\r\n");
}

TEST_CASE("mail: languages") {
  CHECK(LanguageFor(std::nullopt) == Language::kEnglish);
  CHECK(LanguageFor(std::string("nl")) == Language::kDutch);
  CHECK(LanguageFor(std::string("NL-be")) == Language::kDutch);
  CHECK(LanguageFor(std::string("nl_NL")) == Language::kDutch);
  CHECK(LanguageFor(std::string("Dutch")) == Language::kDutch);
  CHECK(LanguageFor(std::string("en")) == Language::kEnglish);
  CHECK(LanguageFor(std::string("de")) == Language::kEnglish);
  CHECK(HumanDatetime(Language::kEnglish, "2013-08-29T14:30:00+02:00") ==
        "Thursday 29 August 2013 at 14:30 (UTC+02:00)");
  CHECK(HumanDatetime(Language::kDutch, "2013-08-29T14:30:00+02:00") ==
        "donderdag 29 augustus 2013 om 14:30 (UTC+02:00)");
  CHECK(HumanDatetime(Language::kEnglish, "2013-08-29T14:30:00Z") ==
        "Thursday 29 August 2013 at 14:30 (UTC)");
  CHECK(HumanDatetime(Language::kEnglish, "not a date") == "not a date");
}

TEST_CASE("mail: candidate invitation texts in English and Dutch, HTML escaped") {
  CandidateInvitationInfo info;
  info.candidate_name = "Bob <b>de Bouwer</b>";
  info.vacancy_title = "Developer & \"Tester\"";
  info.recruiter_name = "Rita Recruiter";
  info.invitation_text = std::string("First paragraph.\nSecond line.\n\nSecond <paragraph>.");
  info.link = "https://cammio.example/public/job_interviews/tok123";

  Content en = CandidateInvitation(Language::kEnglish, info);
  CHECK(en.subject == "Invitation: video interview for Developer & \"Tester\"");
  CHECK(en.text.find("Dear Bob <b>de Bouwer</b>,") != std::string::npos);
  CHECK(en.text.find("Rita Recruiter invites you to a video interview") != std::string::npos);
  CHECK(en.text.find("First paragraph.\nSecond line.\n\nSecond <paragraph>.") != std::string::npos);
  CHECK(en.text.find(info.link) != std::string::npos);
  CHECK(en.html.find("<html lang=\"en\">") != std::string::npos);
  CHECK(en.html.find("Bob &lt;b&gt;de Bouwer&lt;/b&gt;") != std::string::npos);
  CHECK(en.html.find("Developer &amp; &quot;Tester&quot;") != std::string::npos);
  CHECK(en.html.find("<p>First paragraph.<br>\nSecond line.</p>") != std::string::npos);
  CHECK(en.html.find("Second &lt;paragraph&gt;.") != std::string::npos);
  CHECK(en.html.find("<a href=\"" + info.link + "\"") != std::string::npos);
  CHECK(en.html.find("<b>") == std::string::npos);

  Content nl = CandidateInvitation(Language::kDutch, info);
  CHECK(nl.subject == "Uitnodiging: video-interview voor Developer & \"Tester\"");
  CHECK(nl.text.find("Beste Bob") != std::string::npos);
  CHECK(nl.text.find("nodigt je uit voor een video-interview") != std::string::npos);
  CHECK(nl.text.find("Met vriendelijke groet,\nRita Recruiter") != std::string::npos);
  CHECK(nl.html.find("<html lang=\"nl\">") != std::string::npos);
  CHECK(nl.text.find(info.link) != std::string::npos);

  info.live = true;
  info.scheduled = "2013-08-29T14:30:00+02:00";
  CHECK(CandidateInvitation(Language::kEnglish, info)
            .text.find(
                "The interview is scheduled for Thursday 29 August 2013 at 14:30 (UTC+02:00).") !=
        std::string::npos);
  CHECK(CandidateInvitation(Language::kDutch, info)
            .text.find("Het interview staat gepland op donderdag 29 augustus 2013 om 14:30") !=
        std::string::npos);
}

}  // namespace
}  // namespace cammio::mail
