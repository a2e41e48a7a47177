// Rendering a completion notification: the HTTP request (method, URL,
// headers, body) that the settings and an invitation's callback params make.
// Rendered once, when the interview completes, and stored in the outbox, so
// every attempt sends the same bytes.
//
//   - `{{name}}` in `endpoint` and `body_msg` is replaced by the callback
//     param `name` (spaces inside the braces are allowed; an unknown name
//     becomes the empty string). `{{CAMMIO_URL}}`, and every param whose value
//     is the literal text `CAMMIO_URL`, become the completed interview's URL.
//   - Values are escaped for where they land: percent-encoding (RFC 3986
//     unreserved characters kept) in the endpoint and the query string; JSON
//     string escaping in a JSON body (the template supplies the quotes);
//     XML escaping in an XML/SOAP body; form encoding in a form body; as-is in
//     text/plain.
//   - query_params=true appends every param to the query string.
//   - POST/PUT send body_msg; without a body_msg (and without query_params)
//     the params themselves are the body: a JSON object, an XML document
//     <notification><name>value</name>...</notification> (inside a SOAP 1.1
//     envelope when soap_action is set), a form, or name=value lines.
//     GET sends no body.
//   - SOAP: soap_action adds `SOAPAction: "<action>"` (SOAP 1.1), or for
//     application/soap+xml an `action` parameter on the content type.
//
// The outbox stores this; the sender adds per attempt what must stay current:
// Authorization (Basic, from the settings), webhook-id / webhook-timestamp /
// webhook-signature.
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "cammio/document.h"
#include "cammio/status.h"
#include "notify/settings.h"

namespace cammio {

using HeaderList = std::vector<std::pair<std::string, std::string>>;

struct RenderedRequest {
  std::string method;  // GET | POST | PUT
  std::string url;     // absolute: scheme://host[:port]/path?query
  HeaderList headers;  // Content-Type, SOAPAction, User-Agent
  std::string body;
};

// How values are escaped in a body of a content type.
enum class BodyKind { kJson, kXml, kForm, kText };
// The body kind of a media type ("application/json; charset=utf-8",
// "application/vnd.ats+xml", ...), case-insensitive; nullopt when this server
// does not know how to fill a template of that type.
std::optional<BodyKind> BodyKindFor(std::string_view content_type);

// The parts of a configured host. `base_path` has no trailing slash ("" or
// "/v2").
struct HostParts {
  std::string scheme;  // "https" | "http"
  std::string host;    // name, IPv4, or [IPv6] with brackets
  int port = 0;        // explicit or the scheme's default
  std::string base_path;
};
// Parses "[scheme://]host[:port][/path]"; `ssl` picks the scheme when none is
// given. PreconditionFailed naming "host" when malformed.
Result<HostParts> ParseHost(std::string_view host, bool ssl);

// Renders the request for `callback_params` (a JSON object: string, number,
// boolean and null values). PreconditionFailed when the settings are not
// configured or invalid.
Result<RenderedRequest> RenderNotification(const NotificationSettings& settings,
                                           const Value& callback_params,
                                           const std::string& interview_url);

// The placeholder names used in `tmpl`, in order of first use.
std::vector<std::string> PlaceholderNames(std::string_view tmpl);

// Escapers (exposed for tests).
std::string JsonEscape(std::string_view s);     // without the surrounding quotes
std::string XmlEscape(std::string_view s);      // &<>"' as entities; drops invalid XML chars
std::string FormEncode(std::string_view s);     // application/x-www-form-urlencoded
std::string PercentEncode(std::string_view s);  // RFC 3986: all but unreserved

// Standard Webhooks: "v1," + base64(HMAC-SHA256(key, id "." timestamp "." body)),
// `key` being the decoded secret.
std::string WebhookSignature(std::string_view key, std::string_view webhook_id, int64_t timestamp,
                             std::string_view body);

}  // namespace cammio
