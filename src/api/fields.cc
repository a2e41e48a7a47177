#include "api/fields.h"

#include <cerrno>
#include <cstdlib>

#include "store/accounts.h"

namespace cammio {
namespace {

bool ParseInt64(const std::string& s, int64_t* out) {
  if (s.empty() || s.size() > 20) return false;
  size_t i = s[0] == '-' ? 1 : 0;
  if (i == s.size()) return false;
  for (size_t j = i; j < s.size(); ++j) {
    if (s[j] < '0' || s[j] > '9') return false;
  }
  errno = 0;
  long long v = std::strtoll(s.c_str(), nullptr, 10);
  if (errno == ERANGE) return false;
  *out = v;
  return true;
}

}  // namespace

bool Fields::IsNull(std::string_view name) const {
  const Value* v = obj_.Find(name);
  return v != nullptr && v->is_null();
}

const Value* Fields::Present(std::string_view name) const {
  const Value* v = obj_.Find(name);
  return (v == nullptr || v->is_null()) ? nullptr : v;
}

void Fields::Fail(Status s) {
  if (status_.ok()) status_ = std::move(s);
}

void Fields::WrongType(std::string_view name, const char* expected) {
  Fail(Status::InvalidArgument(std::string(name) + " must be " + expected));
}

void Fields::Require(std::string_view name) {
  if (Present(name) == nullptr) Fail(Status::PreconditionFailed(std::string(name) + " is required"));
}

std::optional<std::string> Fields::String(std::string_view name, size_t max_len,
                                          bool allow_number) {
  const Value* v = Present(name);
  if (v == nullptr) return std::nullopt;
  std::string s;
  if (v->is_string()) {
    s = v->as_string();
  } else if (allow_number && v->type() == Value::Type::kInt) {
    s = std::to_string(v->as_int());
  } else {
    WrongType(name, allow_number ? "a string or a number" : "a string");
    return std::nullopt;
  }
  if (s.size() > max_len) {
    Fail(Status::PreconditionFailed(std::string(name) + " is longer than " +
                                    std::to_string(max_len) + " characters"));
    return std::nullopt;
  }
  return s;
}

std::string Fields::RequiredString(std::string_view name, size_t max_len) {
  auto s = String(name, max_len);
  if (ok() && (!s || s->find_first_not_of(" \t\r\n") == std::string::npos)) {
    Fail(Status::PreconditionFailed(std::string(name) + " is required"));
  }
  return s.value_or("");
}

std::optional<int64_t> Fields::Int(std::string_view name, int64_t min, int64_t max) {
  const Value* v = Present(name);
  if (v == nullptr) return std::nullopt;
  int64_t n = 0;
  if (v->type() == Value::Type::kInt) {
    n = v->as_int();
  } else if (!(v->from_xml_text() && ParseInt64(v->as_string(), &n))) {
    WrongType(name, "an integer");
    return std::nullopt;
  }
  if (n < min || n > max) {
    Fail(Status::PreconditionFailed(std::string(name) + " must be between " +
                                    std::to_string(min) + " and " + std::to_string(max)));
    return std::nullopt;
  }
  return n;
}

std::optional<std::string> Fields::YesNo(std::string_view name) {
  const Value* v = Present(name);
  if (v == nullptr) return std::nullopt;
  if (v->type() == Value::Type::kBool) return v->as_bool() ? "yes" : "no";
  if (v->type() == Value::Type::kInt && (v->as_int() == 0 || v->as_int() == 1)) {
    return v->as_int() ? "yes" : "no";
  }
  if (v->is_string()) {
    const std::string& s = v->as_string();
    if (s == "yes" || s == "true" || s == "1") return "yes";
    if (s == "no" || s == "false" || s == "0") return "no";
  }
  Fail(Status::PreconditionFailed(std::string(name) + " must be \"yes\" or \"no\""));
  return std::nullopt;
}

std::optional<std::string> Fields::Enum(std::string_view name,
                                        std::initializer_list<const char*> allowed) {
  auto s = String(name, 64);
  if (!s) return std::nullopt;
  std::string list;
  for (const char* a : allowed) {
    if (*s == a) return s;
    list += list.empty() ? "" : ", ";
    list += a;
  }
  Fail(Status::PreconditionFailed(std::string(name) + " must be one of: " + list));
  return std::nullopt;
}

std::optional<Datetime> Fields::Date(std::string_view name) {
  auto s = String(name, 64);
  if (!s) return std::nullopt;
  auto d = ParseDatetime(*s, name);
  if (!d.ok()) {
    Fail(d.status());
    return std::nullopt;
  }
  return d.value();
}

std::optional<std::string> Fields::Email(std::string_view name) {
  auto s = String(name, 254);
  if (s && !IsValidEmail(*s)) {
    Fail(Status::PreconditionFailed(std::string(name) + " is not a valid email address"));
    return std::nullopt;
  }
  return s;
}

std::optional<std::string> Fields::Url(std::string_view name) {
  auto s = String(name, 2048);
  if (s && !s->empty() && s->rfind("http://", 0) != 0 && s->rfind("https://", 0) != 0) {
    Fail(Status::PreconditionFailed(std::string(name) + " must be an http:// or https:// URL"));
    return std::nullopt;
  }
  return s;
}

}  // namespace cammio
