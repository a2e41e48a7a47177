#include "notify/render.h"

#include <cctype>
#include <cstdio>

#include "util/crypto.h"

namespace cammio {
namespace {

constexpr const char kCammioUrl[] = "CAMMIO_URL";
constexpr const char kSoap11Namespace[] = "http://schemas.xmlsoap.org/soap/envelope/";
constexpr const char kSoap12Namespace[] = "http://www.w3.org/2003/05/soap-envelope";

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool IsTokenChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) ||
         std::string_view("!#$&^_.+-").find(c) != std::string_view::npos;
}

bool IsUnreserved(unsigned char c) {
  return std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~';
}

// Characters that may stay as they are in a URL's path or query (RFC 3986
// unreserved, reserved and '%' of an existing escape).
bool IsUrlLiteral(unsigned char c) {
  return IsUnreserved(c) || std::string_view(":/?[]@!$&'()*+,;=%").find(static_cast<char>(c)) !=
                                std::string_view::npos;
}

void AppendHex(unsigned char c, std::string* out) {
  static const char kHex[] = "0123456789ABCDEF";
  out->push_back('%');
  out->push_back(kHex[c >> 4]);
  out->push_back(kHex[c & 15]);
}

bool IsMediaType(std::string_view base) {
  size_t slash = base.find('/');
  if (slash == std::string_view::npos || slash == 0 || slash + 1 == base.size()) return false;
  for (size_t i = 0; i < base.size(); ++i) {
    if (i != slash && !IsTokenChar(base[i])) return false;
  }
  return true;
}

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// An XML element name made of the parameter's name ('_' for what XML does not allow).
std::string XmlName(std::string_view name) {
  std::string out;
  for (unsigned char c : name) {
    bool ok = std::isalnum(c) || c == '_' || c == '-' || c == '.';
    out.push_back(ok ? static_cast<char>(c) : '_');
  }
  if (out.empty() || !(std::isalpha(static_cast<unsigned char>(out[0])) || out[0] == '_')) {
    out.insert(out.begin(), '_');
  }
  if (Lower(out.substr(0, 3)) == "xml") out.insert(out.begin(), '_');
  return out;
}

// A callback param with its text form (what a placeholder becomes).
struct Param {
  std::string name;
  Value value;  // CAMMIO_URL already replaced
  std::string text;
};

std::string TextOf(const Value& v) {
  switch (v.type()) {
    case Value::Type::kString:
    case Value::Type::kDatetime:
      return v.as_string();
    case Value::Type::kInt:
      return std::to_string(v.as_int());
    case Value::Type::kBool:
      return v.as_bool() ? "true" : "false";
    case Value::Type::kNull:
      return "";
    default:
      return RenderJson(v);  // doubles: the JSON text
  }
}

std::vector<Param> CollectParams(const Value& callback_params, const std::string& interview_url) {
  std::vector<Param> out;
  if (!callback_params.is_object()) return out;
  for (const auto& [name, value] : callback_params.members()) {
    Param p;
    p.name = name;
    p.value =
        value.is_string() && value.as_string() == kCammioUrl ? Value::String(interview_url) : value;
    p.text = TextOf(p.value);
    out.push_back(std::move(p));
  }
  return out;
}

// The placeholder starting at tmpl[at] ("{{"): sets *name and *end (one past
// "}}"). False when there is no well-formed placeholder there.
bool PlaceholderAt(std::string_view tmpl, size_t at, std::string* name, size_t* end) {
  if (tmpl.compare(at, 2, "{{") != 0) return false;
  size_t close = tmpl.find("}}", at + 2);
  if (close == std::string_view::npos) return false;
  std::string_view inner = Trim(tmpl.substr(at + 2, close - at - 2));
  if (inner.empty() || inner.size() > 100) return false;
  for (char c : inner) {
    if (c == '{' || c == '}' || c == '\n' || c == '\r') return false;
  }
  *name = std::string(inner);
  *end = close + 2;
  return true;
}

enum class Escape { kUrl, kJson, kXml, kForm, kNone };

std::string EscapeFor(Escape e, std::string_view s) {
  switch (e) {
    case Escape::kUrl:
      return PercentEncode(s);
    case Escape::kJson:
      return JsonEscape(s);
    case Escape::kXml:
      return XmlEscape(s);
    case Escape::kForm:
      return FormEncode(s);
    case Escape::kNone:
      break;
  }
  return std::string(s);
}

Escape EscapeForBody(BodyKind kind) {
  switch (kind) {
    case BodyKind::kJson:
      return Escape::kJson;
    case BodyKind::kXml:
      return Escape::kXml;
    case BodyKind::kForm:
      return Escape::kForm;
    case BodyKind::kText:
      break;
  }
  return Escape::kNone;
}

// Fills the placeholders of `tmpl`. In URL mode, literal characters a URL
// cannot carry (spaces, non-ASCII, quotes...) are percent-encoded as well.
std::string FillTemplate(std::string_view tmpl, const std::vector<Param>& params,
                         const std::string& interview_url, Escape escape) {
  std::string out;
  size_t i = 0;
  while (i < tmpl.size()) {
    std::string name;
    size_t end = 0;
    if (PlaceholderAt(tmpl, i, &name, &end)) {
      std::string value;
      if (name == kCammioUrl) {
        value = interview_url;
      } else {
        for (const Param& p : params) {
          if (p.name == name) {
            value = p.text;
            break;
          }
        }
      }
      out += EscapeFor(escape, value);
      i = end;
      continue;
    }
    unsigned char c = static_cast<unsigned char>(tmpl[i]);
    if (escape == Escape::kUrl && !IsUrlLiteral(c)) {
      AppendHex(c, &out);
    } else {
      out.push_back(static_cast<char>(c));
    }
    ++i;
  }
  return out;
}

bool IsSoap12(std::string_view content_type) {
  std::string base = Lower(Trim(content_type.substr(0, content_type.find(';'))));
  return base == "application/soap+xml";
}

std::string DefaultBody(BodyKind kind, const std::vector<Param>& params,
                        const NotificationSettings& s) {
  std::string out;
  switch (kind) {
    case BodyKind::kJson: {
      Value o = Value::Object();
      for (const Param& p : params) o.Set(p.name, p.value);
      return RenderJson(o);
    }
    case BodyKind::kXml: {
      bool soap12 = IsSoap12(s.content_type);
      bool soap = soap12 || s.soap_action.has_value();
      out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
      if (soap) {
        out += std::string("<soap:Envelope xmlns:soap=\"") +
               (soap12 ? kSoap12Namespace : kSoap11Namespace) + "\"><soap:Body>";
      }
      out += "<notification>";
      for (const Param& p : params) {
        std::string n = XmlName(p.name);
        out += "<" + n + ">" + XmlEscape(p.text) + "</" + n + ">";
      }
      out += "</notification>";
      if (soap) out += "</soap:Body></soap:Envelope>";
      return out;
    }
    case BodyKind::kForm:
      for (const Param& p : params) {
        if (!out.empty()) out += '&';
        out += FormEncode(p.name) + "=" + FormEncode(p.text);
      }
      return out;
    case BodyKind::kText:
      for (const Param& p : params) out += p.name + "=" + p.text + "\n";
      return out;
  }
  return out;
}

}  // namespace

std::optional<BodyKind> BodyKindFor(std::string_view content_type) {
  std::string base = Lower(Trim(content_type.substr(0, content_type.find(';'))));
  if (!IsMediaType(base)) return std::nullopt;
  if (base == "application/json" || base == "text/json" || EndsWith(base, "+json")) {
    return BodyKind::kJson;
  }
  if (base == "application/xml" || base == "text/xml" || EndsWith(base, "+xml")) {
    return BodyKind::kXml;
  }
  if (base == "application/x-www-form-urlencoded") return BodyKind::kForm;
  if (base == "text/plain") return BodyKind::kText;
  return std::nullopt;
}

Result<HostParts> ParseHost(std::string_view host, bool ssl) {
  auto bad = [](const std::string& why) { return Status::PreconditionFailed("host " + why); };
  if (host.size() > 255) return bad("is longer than 255 characters");
  HostParts out;
  out.scheme = ssl ? "https" : "http";
  size_t sep = host.find("://");
  if (sep != std::string_view::npos) {
    std::string scheme = Lower(host.substr(0, sep));
    if (scheme != "http" && scheme != "https") {
      return bad("must start with http:// or https:// (or name the host alone)");
    }
    out.scheme = scheme;
    host.remove_prefix(sep + 3);
  }
  size_t slash = host.find('/');
  std::string_view authority = host.substr(0, slash);
  std::string_view path = slash == std::string_view::npos ? std::string_view() : host.substr(slash);
  for (unsigned char c : path) {
    if (c <= 0x20 || c >= 0x7f || c == '?' || c == '#') {
      return bad("may only carry a plain path after the name (no query, fragment or spaces)");
    }
  }
  while (!path.empty() && path.back() == '/') path.remove_suffix(1);
  out.base_path = std::string(path);
  std::string_view name = authority, port;
  if (!authority.empty() && authority.front() == '[') {
    size_t close = authority.find(']');
    if (close == std::string_view::npos) return bad("has an unclosed IPv6 bracket");
    name = authority.substr(0, close + 1);
    std::string_view rest = authority.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') return bad("is malformed after the IPv6 address");
      port = rest.substr(1);
      if (port.empty()) return bad("has an empty port");
    }
    for (char c : name.substr(1, name.size() - 2)) {
      if (!std::isxdigit(static_cast<unsigned char>(c)) && c != ':' && c != '.') {
        return bad("has a malformed IPv6 address");
      }
    }
    if (name.size() <= 2) return bad("has an empty IPv6 address");
  } else {
    size_t colon = authority.find(':');
    if (colon != std::string_view::npos) {
      name = authority.substr(0, colon);
      port = authority.substr(colon + 1);
      if (port.empty()) return bad("has an empty port");
    }
    if (name.empty()) return bad("has no name");
    for (char c : name) {
      if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '.' && c != '_') {
        return bad("must be a host name or address, optionally with a scheme and :port");
      }
    }
  }
  out.host = std::string(name);
  out.port = out.scheme == "https" ? 443 : 80;
  if (!port.empty()) {
    if (port.size() > 5) return bad("has a port out of range");
    int p = 0;
    for (char c : port) {
      if (!std::isdigit(static_cast<unsigned char>(c))) return bad("has a non-numeric port");
      p = p * 10 + (c - '0');
    }
    if (p < 1 || p > 65535) return bad("has a port out of range");
    out.port = p;
  }
  return out;
}

std::vector<std::string> PlaceholderNames(std::string_view tmpl) {
  std::vector<std::string> out;
  for (size_t i = 0; i < tmpl.size();) {
    std::string name;
    size_t end = 0;
    if (PlaceholderAt(tmpl, i, &name, &end)) {
      bool seen = false;
      for (const auto& n : out) seen = seen || n == name;
      if (!seen) out.push_back(name);
      i = end;
    } else {
      ++i;
    }
  }
  return out;
}

Result<RenderedRequest> RenderNotification(const NotificationSettings& s,
                                           const Value& callback_params,
                                           const std::string& interview_url) {
  if (!s.configured()) {
    return Status::PreconditionFailed("host is not configured: notifications are off");
  }
  Status v = ValidateNotificationSettings(s);
  if (!v.ok()) return v;
  auto hp = ParseHost(*s.host, s.ssl);
  if (!hp.ok()) return hp.status();
  std::vector<Param> params = CollectParams(callback_params, interview_url);

  RenderedRequest r;
  r.method = s.method;
  std::string path = FillTemplate(s.endpoint.value_or(""), params, interview_url, Escape::kUrl);
  if (path.empty() || path.front() != '/') path.insert(path.begin(), '/');
  bool default_port =
      (hp->scheme == "https" && hp->port == 443) || (hp->scheme == "http" && hp->port == 80);
  r.url = hp->scheme + "://" + hp->host + (default_port ? "" : ":" + std::to_string(hp->port)) +
          hp->base_path + path;
  if (s.query_params && !params.empty()) {
    std::string query;
    for (const Param& p : params) {
      if (!query.empty()) query += '&';
      query += PercentEncode(p.name) + "=" + PercentEncode(p.text);
    }
    size_t q = r.url.find('?');
    if (q == std::string::npos) {
      r.url += '?';
    } else if (r.url.back() != '?' && r.url.back() != '&') {
      r.url += '&';
    }
    r.url += query;
  }

  BodyKind kind = *BodyKindFor(s.content_type);
  if (s.method != "GET") {
    if (s.body_msg && !s.body_msg->empty()) {
      r.body = FillTemplate(*s.body_msg, params, interview_url, EscapeForBody(kind));
    } else if (!s.query_params) {
      r.body = DefaultBody(kind, params, s);
    }
    std::string ct = s.content_type;
    if (s.soap_action && IsSoap12(ct) && ct.find("action=") == std::string::npos) {
      std::string action = *s.soap_action;
      if (action.size() < 2 || action.front() != '"') action = "\"" + action + "\"";
      ct += "; action=" + action;
    }
    r.headers.emplace_back("Content-Type", ct);
  }
  if (s.soap_action && !IsSoap12(s.content_type)) {
    std::string action = *s.soap_action;
    if (action.size() < 2 || action.front() != '"') action = "\"" + action + "\"";
    r.headers.emplace_back("SOAPAction", action);
  }
  r.headers.emplace_back("User-Agent", "cammio/" CAMMIO_VERSION " (notifications)");
  return r;
}

std::string JsonEscape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (unsigned char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      default:
        if (c < 0x20 || c == 0x7f) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out.push_back(static_cast<char>(c));
        }
    }
  }
  return out;
}

std::string XmlEscape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (unsigned char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      default:
        // XML 1.0 has no way to carry other control characters: they are dropped.
        if (c >= 0x20 || c == '\t' || c == '\n' || c == '\r') out.push_back(static_cast<char>(c));
    }
  }
  return out;
}

std::string FormEncode(std::string_view s) {
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '*' || c == '-' || c == '.' || c == '_') {
      out.push_back(static_cast<char>(c));
    } else if (c == ' ') {
      out.push_back('+');
    } else {
      AppendHex(c, &out);
    }
  }
  return out;
}

std::string PercentEncode(std::string_view s) {
  std::string out;
  for (unsigned char c : s) {
    if (IsUnreserved(c)) {
      out.push_back(static_cast<char>(c));
    } else {
      AppendHex(c, &out);
    }
  }
  return out;
}

std::string WebhookSignature(std::string_view key, std::string_view webhook_id, int64_t timestamp,
                             std::string_view body) {
  std::string content;
  content.reserve(webhook_id.size() + body.size() + 24);
  content.append(webhook_id).append(".").append(std::to_string(timestamp)).append(".");
  content.append(body);
  return "v1," + Base64Encode(HmacSha256(key, content));
}

}  // namespace cammio
