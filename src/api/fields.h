// Fields: typed, validated reads of a request body object. Each getter
// records the first failure (with `details` naming the field) and returns an
// empty value; the handler checks status() once after reading everything, so
// validation code reads top to bottom:
//
//   Fields f(body);
//   auto title = f.RequiredString("title", 255);
//   auto kind = f.Enum("kind", {"automated", "live"});
//   if (!f.ok()) return f.status();
//
// Wrong JSON types are 400 (InvalidArgument); a missing required field, a
// value out of range or not in an enum is 412 (PreconditionFailed), as
// docs/contract.md "Errors" says. XML leaves are text: numeric and boolean
// getters accept text that parses as such.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

#include "cammio/document.h"
#include "cammio/status.h"
#include "util/time.h"

namespace cammio {

class Fields {
 public:
  explicit Fields(const Value& object) : obj_(object) {}

  // Present in the body (even as null)?
  bool Has(std::string_view name) const { return obj_.Find(name) != nullptr; }
  // Present and null?
  bool IsNull(std::string_view name) const;

  // Absent or null -> nullopt. Strings longer than max_len (bytes) fail.
  // `allow_number`: a JSON number is accepted and kept as its decimal text
  // (phone numbers).
  std::optional<std::string> String(std::string_view name, size_t max_len,
                                    bool allow_number = false);
  std::string RequiredString(std::string_view name, size_t max_len);
  std::optional<int64_t> Int(std::string_view name, int64_t min, int64_t max);
  // A "yes"/"no" flag; also accepts true/false, 1/0, "true"/"false".
  std::optional<std::string> YesNo(std::string_view name);
  std::optional<std::string> Enum(std::string_view name,
                                  std::initializer_list<const char*> allowed);
  std::optional<Datetime> Date(std::string_view name);
  std::optional<std::string> Email(std::string_view name);
  std::optional<std::string> Url(std::string_view name);
  // An id referring to another resource (positive).
  std::optional<int64_t> Id(std::string_view name) { return Int(name, 1, INT64_MAX); }
  // The raw value (nullptr when absent) for nested structures.
  const Value* Raw(std::string_view name) const { return obj_.Find(name); }

  // Records a failure found by the caller (e.g. a cross-field rule).
  void Fail(Status s);
  // Marks `name` as required: 412 when absent or null.
  void Require(std::string_view name);

  bool ok() const { return status_.ok(); }
  const Status& status() const { return status_; }

 private:
  const Value* Present(std::string_view name) const;
  void WrongType(std::string_view name, const char* expected);
  const Value& obj_;
  Status status_;
};

}  // namespace cammio
