// SchemaCheck: a small validator of cammio::Value instances against the
// schema objects of one OpenAPI 3.0 document (docs/openapi.json), for tests
// that prove the server answers what the document declares.
//
// Supported: type (integer, number, string, boolean, object, array),
// nullable, enum, properties, required, items, additionalProperties (a schema
// or false), allOf, anyOf, oneOf, minimum/maximum, minLength/maxLength (code
// points), minItems/maxItems and local $ref ("#/components/schemas/Vacancy",
// any JSON pointer into the document). Ignored: format, pattern, examples and
// everything descriptive.
//
// `strict` (meant for responses): an object schema that lists `properties`
// and says nothing about additionalProperties refuses members it does not
// list, so a field the server answers but the document does not describe is
// a mismatch, not silently accepted.
//
// Mismatches are reported as "<JSON pointer>: <what>", the pointer naming the
// place in the instance ("/vacancy/questions/0/question/id"; the root, whose
// pointer is "", is written "(root)").
//
// Header-only: the test target compiles *_test.cc files and test_support.cc.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "cammio/document.h"

namespace cammio::testing {

class SchemaCheck {
 public:
  explicit SchemaCheck(const Value& document) : doc_(document) {}

  // The value a local reference ("#/a/b") points at, or nullptr.
  const Value* Resolve(std::string_view ref) const {
    if (ref.substr(0, 1) != "#") return nullptr;
    ref.remove_prefix(1);
    const Value* at = &doc_;
    while (!ref.empty()) {
      if (ref.front() != '/') return nullptr;
      ref.remove_prefix(1);
      size_t slash = ref.find('/');
      std::string token = Unescape(ref.substr(0, slash));
      ref = slash == std::string_view::npos ? std::string_view() : ref.substr(slash);
      if (at->is_object()) {
        at = at->Find(token);
      } else if (at->is_array()) {
        size_t i = 0;
        if (token.empty() || token.find_first_not_of("0123456789") != std::string::npos) {
          return nullptr;
        }
        i = static_cast<size_t>(std::stoull(token));
        at = i < at->items().size() ? &at->items()[i] : nullptr;
      } else {
        return nullptr;
      }
      if (at == nullptr) return nullptr;
    }
    return at;
  }

  // `v` with its $ref chain followed (nullptr when a reference dangles).
  const Value* Deref(const Value& v) const {
    const Value* at = &v;
    for (int i = 0; i < 32 && at != nullptr && at->is_object(); ++i) {
      const Value* r = at->Find("$ref");
      if (r == nullptr || !r->is_string()) return at;
      at = Resolve(r->as_string());
    }
    return at;
  }

  // Empty when `instance` matches `schema`; else "<pointer>: <what>".
  std::string Validate(const Value& schema, const Value& instance, bool strict) const {
    std::string err;
    Check(schema, instance, "", strict, 0, &err);
    return err;
  }

  // "~" -> "~0", "/" -> "~1" (RFC 6901).
  static std::string Escape(std::string_view token) {
    std::string out;
    for (char c : token) {
      if (c == '~') {
        out += "~0";
      } else if (c == '/') {
        out += "~1";
      } else {
        out += c;
      }
    }
    return out;
  }

 private:
  static std::string Unescape(std::string_view token) {
    std::string out;
    for (size_t i = 0; i < token.size(); ++i) {
      if (token[i] == '~' && i + 1 < token.size() && (token[i + 1] == '0' || token[i + 1] == '1')) {
        out += token[i + 1] == '0' ? '~' : '/';
        ++i;
      } else {
        out += token[i];
      }
    }
    return out;
  }

  static const char* TypeName(const Value& v) {
    switch (v.type()) {
      case Value::Type::kNull:
        return "null";
      case Value::Type::kBool:
        return "boolean";
      case Value::Type::kInt:
        return "integer";
      case Value::Type::kDouble:
        return "number";
      case Value::Type::kString:
      case Value::Type::kDatetime:
        return "string";
      case Value::Type::kObject:
        return "object";
      case Value::Type::kArray:
        return "array";
    }
    return "?";
  }

  static bool HasType(const Value& v, const std::string& type) {
    if (type == "integer") return v.type() == Value::Type::kInt;
    if (type == "number") return v.type() == Value::Type::kInt || v.type() == Value::Type::kDouble;
    if (type == "string") return v.is_string();
    if (type == "boolean") return v.type() == Value::Type::kBool;
    if (type == "object") return v.is_object();
    if (type == "array") return v.is_array();
    return false;
  }

  static double Number(const Value& v) {
    return v.type() == Value::Type::kInt ? static_cast<double>(v.as_int()) : v.as_double();
  }

  static bool SameValue(const Value& a, const Value& b) {
    if (a.is_string() && b.is_string()) return a.as_string() == b.as_string();
    if (a.type() != b.type()) return false;
    switch (a.type()) {
      case Value::Type::kNull:
        return true;
      case Value::Type::kBool:
        return a.as_bool() == b.as_bool();
      case Value::Type::kInt:
        return a.as_int() == b.as_int();
      case Value::Type::kDouble:
        return a.as_double() == b.as_double();
      default:
        return false;  // enums of objects/arrays are not used
    }
  }

  static std::string Show(const Value& v) {
    if (v.is_string()) return "\"" + v.as_string() + "\"";
    if (v.type() == Value::Type::kInt) return std::to_string(v.as_int());
    if (v.type() == Value::Type::kBool) return v.as_bool() ? "true" : "false";
    if (v.is_null()) return "null";
    return TypeName(v);
  }

  static size_t CodePoints(const std::string& s) {
    size_t n = 0;
    for (unsigned char c : s) n += (c & 0xC0) != 0x80;
    return n;
  }

  static bool Fail(const std::string& ptr, const std::string& what, std::string* err) {
    *err = (ptr.empty() ? std::string("(root)") : ptr) + ": " + what;
    return false;
  }

  static double Num(const Value& schema, const char* key, bool* present) {
    const Value* v = schema.Find(key);
    *present =
        v != nullptr && (v->type() == Value::Type::kInt || v->type() == Value::Type::kDouble);
    return *present ? Number(*v) : 0;
  }

  bool Check(const Value& schema, const Value& v, const std::string& ptr, bool strict, int depth,
             std::string* err) const {
    if (depth > 64) return Fail(ptr, "schema nesting too deep (a $ref cycle?)", err);
    if (!schema.is_object()) return Fail(ptr, "the schema is not an object", err);
    if (const Value* r = schema.Find("$ref")) {
      const Value* target = r->is_string() ? Resolve(r->as_string()) : nullptr;
      if (target == nullptr) {
        return Fail(ptr, "unresolvable $ref " + (r->is_string() ? r->as_string() : ""), err);
      }
      return Check(*target, v, ptr, strict, depth + 1, err);  // siblings of $ref are ignored
    }
    const Value* nullable = schema.Find("nullable");
    if (v.is_null() && nullable != nullptr && nullable->type() == Value::Type::kBool &&
        nullable->as_bool()) {
      return true;
    }

    if (const Value* all = schema.Find("allOf")) {
      for (size_t i = 0; i < all->items().size(); ++i) {
        if (!Check(all->items()[i], v, ptr, strict, depth + 1, err)) return false;
      }
    }
    if (const Value* any = schema.Find("anyOf")) {
      std::string why;
      bool matched = false;
      for (size_t i = 0; i < any->items().size() && !matched; ++i) {
        std::string e;
        matched = Check(any->items()[i], v, ptr, strict, depth + 1, &e);
        if (!matched) why += (why.empty() ? "" : "; ") + ("[" + std::to_string(i) + "] " + e);
      }
      if (!matched) return Fail(ptr, "matches none of anyOf (" + why + ")", err);
    }
    if (const Value* one = schema.Find("oneOf")) {
      std::string why;
      int matched = 0;
      for (size_t i = 0; i < one->items().size(); ++i) {
        std::string e;
        if (Check(one->items()[i], v, ptr, strict, depth + 1, &e)) {
          ++matched;
        } else {
          why += (why.empty() ? "" : "; ") + ("[" + std::to_string(i) + "] " + e);
        }
      }
      if (matched == 0) return Fail(ptr, "matches none of oneOf (" + why + ")", err);
      if (matched > 1) {
        return Fail(ptr, "matches " + std::to_string(matched) + " branches of oneOf, not one", err);
      }
    }

    const Value* type = schema.Find("type");
    if (type != nullptr && type->is_string()) {
      if (!HasType(v, type->as_string())) {
        return Fail(ptr,
                    std::string("expected ") + type->as_string() +
                        (v.is_null() ? " (not nullable)" : "") + ", got " + TypeName(v),
                    err);
      }
    } else if (v.is_null() && schema.Find("allOf") == nullptr && schema.Find("anyOf") == nullptr &&
               schema.Find("oneOf") == nullptr && schema.Find("enum") == nullptr) {
      return true;  // a schema without a type accepts anything
    }

    if (const Value* e = schema.Find("enum")) {
      bool found = false;
      for (const Value& allowed : e->items()) found = found || SameValue(allowed, v);
      if (!found) return Fail(ptr, Show(v) + " is not one of the enum values", err);
    }

    bool present = false;
    if (v.type() == Value::Type::kInt || v.type() == Value::Type::kDouble) {
      double min = Num(schema, "minimum", &present);
      if (present && Number(v) < min) return Fail(ptr, Show(v) + " is below the minimum", err);
      double max = Num(schema, "maximum", &present);
      if (present && Number(v) > max) return Fail(ptr, Show(v) + " is above the maximum", err);
    }
    if (v.is_string()) {
      double min = Num(schema, "minLength", &present);
      if (present && CodePoints(v.as_string()) < min) return Fail(ptr, "string too short", err);
      double max = Num(schema, "maxLength", &present);
      if (present && CodePoints(v.as_string()) > max) return Fail(ptr, "string too long", err);
    }

    if (v.is_array()) {
      double min = Num(schema, "minItems", &present);
      if (present && v.items().size() < min) return Fail(ptr, "too few items", err);
      double max = Num(schema, "maxItems", &present);
      if (present && v.items().size() > max) return Fail(ptr, "too many items", err);
      if (const Value* items = schema.Find("items")) {
        for (size_t i = 0; i < v.items().size(); ++i) {
          if (!Check(*items, v.items()[i], ptr + "/" + std::to_string(i), strict, depth + 1, err)) {
            return false;
          }
        }
      }
    }

    if (v.is_object()) {
      const Value* props = schema.Find("properties");
      if (const Value* req = schema.Find("required")) {
        for (const Value& name : req->items()) {
          if (name.is_string() && v.Find(name.as_string()) == nullptr) {
            return Fail(ptr, "missing required property \"" + name.as_string() + "\"", err);
          }
        }
      }
      const Value* additional = schema.Find("additionalProperties");
      for (const auto& [key, member] : v.members()) {
        const Value* sub = props != nullptr ? props->Find(key) : nullptr;
        std::string at = ptr + "/" + Escape(key);
        if (sub != nullptr) {
          if (!Check(*sub, member, at, strict, depth + 1, err)) return false;
        } else if (additional != nullptr && additional->is_object()) {
          if (!Check(*additional, member, at, strict, depth + 1, err)) return false;
        } else if (additional != nullptr && additional->type() == Value::Type::kBool &&
                   !additional->as_bool()) {
          return Fail(at, "property not allowed (additionalProperties: false)", err);
        } else if (strict && additional == nullptr && props != nullptr) {
          return Fail(at, "property not described by the schema", err);
        }
      }
    }
    return true;
  }

  const Value& doc_;
};

}  // namespace cammio::testing
