// Rendering of notification requests, the settings rules, the retry schedule
// and Retry-After parsing: pure functions, no peers.
#include <doctest/doctest.h>

#include "cammio/document.h"
#include "notify/render.h"
#include "notify/sender.h"
#include "notify/settings.h"
#include "util/crypto.h"

namespace cammio {
namespace {

constexpr char kUrl[] = "https://cammio.test/recruiter/reviews/42";

Value Params(const std::string& json) {
  auto v = ParseJson(json);
  REQUIRE(v.ok());
  return v.value();
}

NotificationSettings Base() {
  NotificationSettings s;
  s.account_id = 1;
  s.host = "api.ats.example";
  s.endpoint = "/hooks/cammio";
  return s;
}

RenderedRequest Render(const NotificationSettings& s, const std::string& params) {
  auto r = RenderNotification(s, Params(params), kUrl);
  INFO(r.status().ToString());
  REQUIRE(r.ok());
  return r.value();
}

std::string HeaderOf(const RenderedRequest& r, const std::string& name) {
  for (const auto& [n, v] : r.headers) {
    if (n == name) return v;
  }
  return "";
}

TEST_CASE("notify: host with and without scheme; ssl decides when there is none") {
  auto h = ParseHost("api.ats.example", true);
  REQUIRE(h.ok());
  CHECK(h->scheme == "https");
  CHECK(h->port == 443);
  h = ParseHost("api.ats.example", false);
  REQUIRE(h.ok());
  CHECK(h->scheme == "http");
  CHECK(h->port == 80);
  h = ParseHost("HTTP://api.ats.example:8080/base/", true);  // the scheme wins over ssl
  REQUIRE(h.ok());
  CHECK(h->scheme == "http");
  CHECK(h->port == 8080);
  CHECK(h->base_path == "/base");
  h = ParseHost("[::1]:9443", true);
  REQUIRE(h.ok());
  CHECK(h->host == "[::1]");
  CHECK(h->port == 9443);
  for (const char* bad : {"ftp://x", "user@host", "host:0", "host:99999", "host:abc", "a b",
                          "host/?q=1", "host:", "", "https://"}) {
    INFO(bad);
    CHECK(ParseHost(bad, true).status().code() == Status::Code::kPreconditionFailed);
  }
}

TEST_CASE("notify: JSON body template with escaping of quotes, <, &, spaces and unicode") {
  NotificationSettings s = Base();
  s.body_msg = R"({"id": "{{employee_id}}", "name": "{{ name }}", "n": {{num}}, "u": "{{CAMMIO_URL}}", "x": "{{missing}}"})";
  RenderedRequest r = Render(s, R"({"employee_id": "12\"3<&>", "name": "Zoë \\ \n 日本", "num": 7})");
  CHECK(r.method == "POST");
  CHECK(r.url == "https://api.ats.example/hooks/cammio");
  CHECK(HeaderOf(r, "Content-Type") == "application/json");
  CHECK(r.body == "{\"id\": \"12\\\"3<&>\", \"name\": \"Zoë \\\\ \\n 日本\", \"n\": 7, \"u\": \"" +
                      std::string(kUrl) + "\", \"x\": \"\"}");
  auto parsed = ParseJson(r.body);
  REQUIRE(parsed.ok());
  CHECK(parsed->Find("id")->as_string() == "12\"3<&>");
  CHECK(parsed->Find("name")->as_string() == "Zoë \\ \n 日本");
}

TEST_CASE("notify: XML and SOAP bodies are XML-escaped; SOAPAction header") {
  NotificationSettings s = Base();
  s.content_type = "text/xml; charset=utf-8";
  s.soap_action = "urn:ats#InterviewCompleted";
  s.body_msg =
      "<soap:Envelope xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\"><soap:Body>"
      "<Done><Id>{{employee_id}}</Id><Url>{{CAMMIO_URL}}</Url><Note a=\"{{note}}\"/></Done>"
      "</soap:Body></soap:Envelope>";
  RenderedRequest r = Render(s, R"({"employee_id": "<1&2>", "note": "it's \"quoted\""})");
  CHECK(r.method == "POST");
  CHECK(HeaderOf(r, "Content-Type") == "text/xml; charset=utf-8");
  CHECK(HeaderOf(r, "SOAPAction") == "\"urn:ats#InterviewCompleted\"");
  CHECK(r.body.find("<Id>&lt;1&amp;2&gt;</Id>") != std::string::npos);
  CHECK(r.body.find("<Url>" + std::string(kUrl) + "</Url>") != std::string::npos);
  CHECK(r.body.find("a=\"it&apos;s &quot;quoted&quot;\"") != std::string::npos);

  // Without a template the params become a SOAP envelope of their own.
  s.body_msg.reset();
  r = Render(s, R"({"employee_id": "a&b", "1st": "x"})");
  CHECK(r.body.find("<soap:Envelope xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\">"
                    "<soap:Body><notification><employee_id>a&amp;b</employee_id><_1st>x</_1st>"
                    "</notification></soap:Body></soap:Envelope>") != std::string::npos);

  // SOAP 1.2 carries the action on the content type.
  s.content_type = "application/soap+xml";
  r = Render(s, "{}");
  CHECK(HeaderOf(r, "Content-Type") == "application/soap+xml; action=\"urn:ats#InterviewCompleted\"");
  CHECK(HeaderOf(r, "SOAPAction").empty());
}

TEST_CASE("notify: form bodies and URLs are percent-encoded; CAMMIO_URL as a value") {
  NotificationSettings s = Base();
  s.content_type = "application/x-www-form-urlencoded";
  s.method = "PUT";
  s.endpoint = "/candidates/{{employee_id}}/video done";
  RenderedRequest r =
      Render(s, R"({"employee_id": "a/b c?&=é", "link": "CAMMIO_URL", "flag": true, "n": null})");
  CHECK(r.method == "PUT");
  CHECK(r.url == "https://api.ats.example/candidates/a%2Fb%20c%3F%26%3D%C3%A9/video%20done");
  CHECK(r.body ==
        "employee_id=a%2Fb+c%3F%26%3D%C3%A9&link=https%3A%2F%2Fcammio.test%2Frecruiter%2Freviews"
        "%2F42&flag=true&n=");
  // Default JSON body: the params as given, CAMMIO_URL replaced.
  s.content_type = "application/json";
  r = Render(s, R"({"employee_id": 12345, "link": "CAMMIO_URL"})");
  CHECK(r.body == "{\"employee_id\":12345,\"link\":\"" + std::string(kUrl) + "\"}");
}

TEST_CASE("notify: query_params puts every param on the query string; GET has no body") {
  NotificationSettings s = Base();
  s.method = "GET";
  s.query_params = true;
  s.ssl = false;
  s.host = "ats.example:8080/api";
  s.endpoint = "/notify?source=cammio";
  s.body_msg = "ignored for GET";
  RenderedRequest r = Render(s, R"({"employee_id": "1 2", "url": "CAMMIO_URL", "k&y": "v"})");
  CHECK(r.method == "GET");
  CHECK(r.url ==
        "http://ats.example:8080/api/notify?source=cammio&employee_id=1%202&url=https%3A%2F%2F"
        "cammio.test%2Frecruiter%2Freviews%2F42&k%26y=v");
  CHECK(r.body.empty());
  CHECK(HeaderOf(r, "Content-Type").empty());
  // POST with query_params and no template: the body is empty.
  s.method = "POST";
  s.body_msg.reset();
  s.endpoint.reset();
  r = Render(s, R"({"a": "b"})");
  CHECK(r.url == "http://ats.example:8080/api/?a=b");
  CHECK(r.body.empty());
}

TEST_CASE("notify: settings rules") {
  NotificationSettings s = Base();
  CHECK(ValidateNotificationSettings(s).ok());
  auto fails = [](NotificationSettings x, const std::string& field) {
    Status st = ValidateNotificationSettings(x);
    INFO(st.ToString());
    CHECK(st.code() == Status::Code::kPreconditionFailed);
    CHECK(st.details().find(field) != std::string::npos);
  };
  NotificationSettings x = s;
  x.method = "DELETE";
  fails(x, "method");
  x = s;
  x.content_type = "image/png";
  fails(x, "content_type");
  x.content_type = "application/json\r\nX-Evil: 1";
  fails(x, "content_type");
  x = s;
  x.timeout_seconds = 0;
  fails(x, "timeout_seconds");
  x.timeout_seconds = 61;
  fails(x, "timeout_seconds");
  x = s;
  x.username = "a:b";
  fails(x, "username");
  x = s;
  x.signing_secret = "whsec_notbase64!!";
  fails(x, "signing_secret");
  x.signing_secret = GenerateSigningSecret();
  CHECK(ValidateNotificationSettings(x).ok());
  x = s;
  x.ca_pem = "-----BEGIN CERTIFICATE-----\ngarbage\n-----END CERTIFICATE-----\n";
  fails(x, "ca_pem");
  x = s;
  x.soap_action = "urn:x";  // JSON content type
  fails(x, "soap_action");
  x.content_type = "text/xml";
  x.method = "GET";
  fails(x, "soap_action");
  x.method = "POST";
  CHECK(ValidateNotificationSettings(x).ok());
  x = s;
  x.endpoint = "/a\nb";
  fails(x, "endpoint");
  for (const char* ok : {"application/json; charset=utf-8", "application/vnd.ats+json",
                         "text/xml", "application/xml", "application/x-www-form-urlencoded",
                         "text/plain", "APPLICATION/JSON"}) {
    INFO(ok);
    CHECK(BodyKindFor(ok).has_value());
  }
}

TEST_CASE("notify: signing secrets and the Standard Webhooks signature") {
  std::string secret = GenerateSigningSecret();
  CHECK(secret.rfind("whsec_", 0) == 0);
  std::string key;
  REQUIRE(DecodeSigningSecret(secret, &key));
  CHECK(key.size() == 32);
  CHECK_FALSE(DecodeSigningSecret("whsec_", &key));
  CHECK_FALSE(DecodeSigningSecret("sec_AAAAAAAAAAAAAAAAAAAAAAAA", &key));
  // The example of the Standard Webhooks specification.
  REQUIRE(DecodeSigningSecret("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", &key));
  CHECK(WebhookSignature(key, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330,
                         R"({"test": 2432232314})") ==
        "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
}

TEST_CASE("notify: retry schedule and Retry-After") {
  CHECK(RetryDelaySeconds(1) == 5);
  CHECK(RetryDelaySeconds(2) == 300);
  CHECK(RetryDelaySeconds(3) == 1800);
  CHECK(RetryDelaySeconds(4) == 7200);
  CHECK(RetryDelaySeconds(5) == 18000);
  CHECK(RetryDelaySeconds(6) == 36000);
  CHECK(RetryDelaySeconds(7) == 36000);
  int64_t total = 0;
  for (int64_t n = 1; RetryDelaySeconds(n); ++n) total += *RetryDelaySeconds(n);
  CHECK(total > 2 * 86400);  // about three days from first to last attempt
  CHECK(total < 3 * 86400);
  CHECK_FALSE(RetryDelaySeconds(MaxNotificationAttempts()).has_value());
  CHECK(RetryDelaySeconds(MaxNotificationAttempts() - 1).has_value());

  CHECK(ParseRetryAfter("120", 1000) == 120);
  CHECK(ParseRetryAfter(" 0 ", 1000) == 0);
  // 1994-11-06T08:49:37Z is 784111777.
  CHECK(ParseRetryAfter("Sun, 06 Nov 1994 08:49:37 GMT", 784111777 - 60) == 60);
  CHECK(ParseRetryAfter("Sun, 06 Nov 1994 08:49:37 GMT", 784111777 + 60) == 0);
  CHECK_FALSE(ParseRetryAfter("soon", 0).has_value());
  CHECK_FALSE(ParseRetryAfter("-5", 0).has_value());
  CHECK_FALSE(ParseRetryAfter("Sun, 06 Foo 1994 08:49:37 GMT", 0).has_value());
}

TEST_CASE("notify: placeholder names and escapers") {
  auto names = PlaceholderNames("/{{a}}/{{ b }}/{{a}}{{}}{{c");
  REQUIRE(names.size() == 2);
  CHECK(names[0] == "a");
  CHECK(names[1] == "b");
  CHECK(JsonEscape(std::string("a\x01") + "\"") == "a\\u0001\\\"");
  CHECK(XmlEscape(std::string("a\x01<")) == "a&lt;");
  CHECK(FormEncode("a b~") == "a+b%7E");
  CHECK(PercentEncode("a b~") == "a%20b~");
}

}  // namespace
}  // namespace cammio
