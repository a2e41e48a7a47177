// The personal link tokens of a live invitation (src/mail/enqueue.h):
// GuestToken and InterviewerToken share one shape, "<id>.<26 base32>", an
// HMAC keyed with the candidate's token, so neither reveals the candidate's
// link (the router's {token:guest} kind matching both: tests/api/router_test.cc).
#include <doctest/doctest.h>

#include <string>

#include "config/public_links.h"
#include "mail/enqueue.h"

namespace cammio {
namespace {

// Reference values computed independently: base32(HMAC-SHA256(key,
// "cammio <kind> <id>")[0:16]), lower case, no padding.
TEST_CASE("mail tokens: GuestToken and InterviewerToken match reference HMACs") {
  CHECK(mail::GuestToken("tok123", 3) == "3.2otdytpc5gymsysyyg4vfd2lti");
  CHECK(mail::InterviewerToken("tok123", 12) == "12.jj2efxfazz6o5s77o7ga6kjqla");
  CHECK(mail::InterviewerToken("abcdefghijklmnopqrst", 9223372036854775807) ==
        "9223372036854775807.qlro4j4q7bgbmawrah46wfuohy");
}

TEST_CASE("mail tokens: the interviewer's token has the guest shape but another purpose") {
  const std::string inv_token = "abcdefghijklmnopqrst";
  std::string t = mail::InterviewerToken(inv_token, 7);
  CHECK(t.rfind("7.", 0) == 0);
  CHECK(t.size() == 2 + 26);
  // Not the guest token of a guest with the same id, nor of another
  // invitation's token; deterministic.
  CHECK(t != mail::GuestToken(inv_token, 7));
  CHECK(t != mail::InterviewerToken(inv_token + "x", 7));
  CHECK(t != mail::InterviewerToken(inv_token, 8));
  CHECK(t == mail::InterviewerToken(inv_token, 7));
}

TEST_CASE("mail tokens: InterviewerLink is PublicLinks::InterviewerPage of the token") {
  PublicLinks l("https://cammio.example:8443/");
  std::string t = mail::InterviewerToken("tok123", 12);
  CHECK(mail::InterviewerLink(l, "tok123", 12) ==
        "https://cammio.example:8443/public/interviewers/" + t);
  CHECK(PublicLinks::InterviewerPagePath(t) == "/public/interviewers/" + t);
  CHECK(l.InterviewerPage(t) == l.base() + PublicLinks::InterviewerPagePath(t));
}

}  // namespace
}  // namespace cammio
