#include "notify/settings.h"

#include "notify/render.h"
#include "tls/ca_pem.h"
#include "util/crypto.h"
#include "util/random.h"

namespace cammio {
namespace {

constexpr size_t kSecretPrefixLen = 6;  // "whsec_"

Status Invalid(const std::string& field, const std::string& why) {
  return Status::PreconditionFailed(field + " " + why);
}

// Header-bound text: printable ASCII only (no CR/LF, so no header injection).
bool IsHeaderSafe(std::string_view s) {
  for (unsigned char c : s) {
    if (c < 0x20 || c >= 0x7f) return false;
  }
  return true;
}

bool HasControlChars(std::string_view s) {
  for (unsigned char c : s) {
    if (c < 0x20 || c == 0x7f) return true;
  }
  return false;
}

// PEM text of which mbedTLS reads every certificate (stricter than the TLS
// client, which skips what it cannot read).
bool IsPemCertificates(const std::string& pem) {
  const tls::CaPemCheck check = tls::CheckCaPem(pem);
  return check.pem && check.complete;
}

}  // namespace

std::string GenerateSigningSecret() {
  std::string raw(32, '\0');
  RandomFill(raw.data(), raw.size());
  return "whsec_" + Base64Encode(raw);
}

bool DecodeSigningSecret(const std::string& secret, std::string* key) {
  if (secret.rfind("whsec_", 0) != 0) return false;
  std::string_view b64 = std::string_view(secret).substr(kSecretPrefixLen);
  if (b64.empty() || !Base64Decode(b64, key)) return false;
  return key->size() >= 16 && key->size() <= 64;
}

Status ValidateNotificationSettings(const NotificationSettings& s) {
  if (s.host && !s.host->empty()) {
    auto parts = ParseHost(*s.host, s.ssl);
    if (!parts.ok()) return parts.status();
  }
  if (s.endpoint) {
    if (s.endpoint->size() > 2048) return Invalid("endpoint", "is longer than 2048 characters");
    if (HasControlChars(*s.endpoint)) return Invalid("endpoint", "contains control characters");
    if (s.endpoint->find('#') != std::string::npos) {
      return Invalid("endpoint", "must not contain a fragment ('#')");
    }
  }
  if (s.method != "GET" && s.method != "POST" && s.method != "PUT") {
    return Invalid("method", "must be one of: GET, POST, PUT");
  }
  if (s.content_type.empty() || s.content_type.size() > 255 || !IsHeaderSafe(s.content_type) ||
      !BodyKindFor(s.content_type)) {
    return Invalid("content_type",
                   "must be a JSON, XML, form (application/x-www-form-urlencoded) or "
                   "text/plain media type");
  }
  if (s.body_msg && s.body_msg->size() > 65536) {
    return Invalid("body_msg", "is longer than 65536 characters");
  }
  if (s.username) {
    if (s.username->size() > 255 || !IsHeaderSafe(*s.username) ||
        s.username->find(':') != std::string::npos) {
      return Invalid("username", "must be at most 255 printable characters without ':'");
    }
  }
  if (s.password && (s.password->size() > 255 || HasControlChars(*s.password))) {
    return Invalid("password", "must be at most 255 characters without control characters");
  }
  if (s.signing_secret) {
    std::string key;
    if (!DecodeSigningSecret(*s.signing_secret, &key)) {
      return Invalid("signing_secret",
                     "must be \"whsec_\" followed by the base64 of 16 to 64 random bytes");
    }
  }
  if (s.ca_pem) {
    if (s.ca_pem->size() > 262144) return Invalid("ca_pem", "is longer than 256 KiB");
    if (!IsPemCertificates(*s.ca_pem)) {
      return Invalid("ca_pem",
                     "must be one or more PEM certificates (-----BEGIN CERTIFICATE-----)");
    }
  }
  if (s.timeout_seconds < kMinNotifyTimeoutSeconds ||
      s.timeout_seconds > kMaxNotifyTimeoutSeconds) {
    return Invalid("timeout_seconds", "must be between " +
                                          std::to_string(kMinNotifyTimeoutSeconds) + " and " +
                                          std::to_string(kMaxNotifyTimeoutSeconds));
  }
  if (s.soap_action) {
    std::string_view inner = *s.soap_action;
    if (inner.size() >= 2 && inner.front() == '"' && inner.back() == '"') {
      inner = inner.substr(1, inner.size() - 2);
    }
    if (s.soap_action->size() > 1024 || !IsHeaderSafe(*s.soap_action) ||
        inner.find('"') != std::string_view::npos) {
      return Invalid("soap_action", "must be at most 1024 printable characters without '\"'");
    }
    if (s.method != "POST") return Invalid("soap_action", "requires method POST");
    if (BodyKindFor(s.content_type) != BodyKind::kXml) {
      return Invalid("soap_action", "requires an XML content_type such as text/xml");
    }
  }
  return Status::OK();
}

Result<NotificationSettings> GetNotificationSettings(Db& db, int64_t account_id) {
  NotificationSettings s;
  s.account_id = account_id;
  Status status = SelectNotificationSettings(db, account_id, &s);
  if (!status.ok()) return status;
  return s;
}

Status PutNotificationSettings(Db& db, const NotificationSettings& s) {
  Status v = ValidateNotificationSettings(s);
  if (!v.ok()) return v;
  return UpsertNotificationSettings(db, s);
}

}  // namespace cammio
