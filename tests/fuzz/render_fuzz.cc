// sources: src/notify/render.cc src/notify/settings.cc src/store/db.cc src/util/crypto.cc
// sources: src/util/random.cc src/format/*.cc src/util/status.cc src/util/time.cc src/store/notification_settings.cc
// sources: src/tls/ca_pem.cc .deps/tinyxml2-*/tinyxml2.cpp
//
// libFuzzer target for the notification renderer (src/notify/render.h):
// settings and callback params from the input through RenderNotification.
// Input (kept corpus: tests/fuzz/corpus/render/): "name: value" lines, the
// names being host, endpoint, method, content_type, body_msg, soap_action,
// username, signing_secret, query_params (0/1), ssl (0/1) and params; "\n" in
// body_msg stands for a line break. params is a JSON object, or else
// "name=value&..." pairs taken as strings (UTF-8 only, as the API accepts).
// Checks, besides the sanitizers, for every rendered request:
//   - the URL is http(s)://, printable ASCII without spaces or '#';
//   - no header name or value carries a control character;
//   - GET has no body and no Content-Type;
//   - a default body parses: JSON exactly back to itself, XML (also SOAP) as
//     well-formed XML, a form as form-encoded text;
//   - a JSON template whose placeholders all sit inside strings (it parses
//     with each placeholder replaced by "" and by "x") renders to valid JSON
//     whatever the values are (JsonEscape keeps them inside their strings).
#include <tinyxml2.h>

#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>

#include "cammio/document.h"
#include "notify/render.h"
#include "notify/settings.h"

namespace {

using cammio::BodyKind;
using cammio::NotificationSettings;
using cammio::Value;

constexpr char kInterviewUrl[] = "https://cammio.test/recruiter/reviews/7";

void Check(bool ok) {
  if (!ok) std::abort();
}

std::string Unescape(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 1 < s.size() && s[i + 1] == 'n') {
      out += '\n';
      ++i;
    } else {
      out += s[i];
    }
  }
  return out;
}

// "a=1&b=x y": string params, when they are valid UTF-8.
Value PairParams(std::string_view text) {
  Value out = Value::Object();
  while (!text.empty()) {
    const size_t amp = text.find('&');
    const std::string_view pair = text.substr(0, amp);
    const size_t eq = pair.find('=');
    const std::string name(pair.substr(0, eq));
    const std::string value(eq == pair.npos ? "" : pair.substr(eq + 1));
    if (cammio::IsValidUtf8(name) && cammio::IsValidUtf8(value)) {
      out.Set(name, Value::String(value));
    }
    if (amp == text.npos) break;
    text.remove_prefix(amp + 1);
  }
  return out;
}

void Parse(std::string_view input, NotificationSettings* s, Value* params) {
  *params = Value::Object();
  while (!input.empty()) {
    const size_t nl = input.find('\n');
    const std::string_view line = input.substr(0, nl);
    input.remove_prefix(nl == input.npos ? input.size() : nl + 1);
    const size_t colon = line.find(": ");
    if (colon == line.npos) continue;
    const std::string_view name = line.substr(0, colon);
    const std::string value(line.substr(colon + 2));
    if (name == "host") s->host = value;
    if (name == "endpoint") s->endpoint = value;
    if (name == "method") s->method = value;
    if (name == "content_type") s->content_type = value;
    if (name == "body_msg") s->body_msg = Unescape(value);
    if (name == "soap_action") s->soap_action = value;
    if (name == "username") s->username = value;
    if (name == "signing_secret") s->signing_secret = value;
    if (name == "query_params") s->query_params = value == "1";
    if (name == "ssl") s->ssl = value != "0";
    if (name == "params") {
      cammio::Result<Value> json = cammio::ParseJson(value);
      *params = json.ok() && json->is_object() ? *json : PairParams(value);
    }
  }
}

bool Printable(std::string_view s) {
  for (unsigned char c : s) {
    if (c < 0x20 || c >= 0x7f) return false;
  }
  return true;
}

bool IsXml(std::string_view text) {
  tinyxml2::XMLDocument doc;
  return doc.Parse(text.data(), text.size()) == tinyxml2::XML_SUCCESS;
}

// The template with every placeholder replaced by `with`.
std::string Fill(const std::string& tmpl, const std::string& with) {
  NotificationSettings s;
  s.host = "ats.test";
  s.body_msg = tmpl;
  Value params = Value::Object();
  for (const std::string& name : cammio::PlaceholderNames(tmpl)) {
    params.Set(name, Value::String(with));
  }
  auto r = cammio::RenderNotification(s, params, with.empty() ? "" : "x");
  return r.ok() ? r->body : std::string();
}

void CheckJsonTemplate(const NotificationSettings& s, const std::string& body) {
  const std::string& tmpl = *s.body_msg;
  if (cammio::PlaceholderNames(tmpl).empty()) return;
  if (!cammio::ParseJson(Fill(tmpl, "")).ok() || !cammio::ParseJson(Fill(tmpl, "x")).ok()) return;
  Check(cammio::ParseJson(body).ok());
}

void CheckRendered(const NotificationSettings& s, const cammio::RenderedRequest& r) {
  Check(r.method == s.method);
  Check(r.url.rfind("https://", 0) == 0 || r.url.rfind("http://", 0) == 0);
  for (unsigned char c : r.url) Check(c > 0x20 && c < 0x7f && c != '#');
  bool has_content_type = false;
  for (const auto& [name, value] : r.headers) {
    Check(!name.empty() && Printable(name) && Printable(value));
    has_content_type = has_content_type || name == "Content-Type";
  }
  if (s.method == "GET") {
    Check(r.body.empty() && !has_content_type);
    return;
  }
  Check(has_content_type);
  const BodyKind kind = *cammio::BodyKindFor(s.content_type);
  if (s.body_msg && !s.body_msg->empty()) {
    if (kind == BodyKind::kJson) CheckJsonTemplate(s, r.body);
    return;
  }
  if (s.query_params) return;
  switch (kind) {
    case BodyKind::kJson: {
      const cammio::Result<Value> back = cammio::ParseJson(r.body);
      Check(back.ok() && cammio::RenderJson(*back) == r.body);
      break;
    }
    case BodyKind::kXml:
      Check(IsXml(r.body));
      break;
    case BodyKind::kForm:
      for (unsigned char c : r.body) {
        Check(std::isalnum(c) || std::string_view("*-._+%=&").find(c) != std::string_view::npos);
      }
      break;
    case BodyKind::kText:
      break;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  NotificationSettings s;
  Value params;
  Parse(std::string_view(reinterpret_cast<const char*>(data), size), &s, &params);
  cammio::Result<cammio::RenderedRequest> r = cammio::RenderNotification(s, params, kInterviewUrl);
  if (r.ok()) {
    CheckRendered(s, *r);
  } else {
    Check(!r.status().details().empty());
  }
  return 0;
}
