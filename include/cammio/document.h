// The document model: one tree that every API response is built as and every
// request body is parsed into, rendered to / parsed from JSON (RapidJSON) and
// XML (tinyxml2) following docs/contract.md "Formats".
//
// Shapes mirror each other exactly:
//   JSON {"vacancy": {...}}            <-> XML <vacancy>...</vacancy>
//   JSON [{"vacancy": {...}}, ...]     <-> XML <vacancies
//   type="array"><vacancy>...</vacancy></vacancies> JSON "invitations": [{"invitation": {...}}] <->
//   <invitations type="array"><invitation>..</invitation></invitations> JSON null <-> <field
//   nil="true"/>
// Integer, boolean and datetime leaves carry type="integer|boolean|datetime" in
// XML. Object members keep insertion order (responses list fields in the
// order handlers add them).
//
// Thread-safety: Values are plain values; no shared state.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "cammio/status.h"

namespace cammio {

class Value {
 public:
  enum class Type { kNull, kBool, kInt, kDouble, kString, kDatetime, kObject, kArray };
  using Member = std::pair<std::string, Value>;

  Value() = default;  // null
  static Value Null() { return Value(); }
  static Value Bool(bool b);
  static Value Int(int64_t i);
  static Value Double(double d);
  static Value String(std::string s);
  // The value, or null when absent (optional fields of the resources).
  static Value StringOrNull(const std::optional<std::string>& s) { return s ? String(*s) : Null(); }
  static Value IntOrNull(const std::optional<int64_t>& i) { return i ? Int(*i) : Null(); }
  // An ISO 8601 datetime string, already formatted ("2013-07-29T02:00:00+02:00").
  // Renders as a JSON string; in XML it carries type="datetime".
  static Value Datetime(std::string iso);
  static Value Object();
  static Value Array();
  // A string that came from XML text, where every leaf is text: numeric and
  // boolean accessors in the API layer accept it as a number/boolean.
  static Value XmlText(std::string s);

  Type type() const { return type_; }
  bool is_null() const { return type_ == Type::kNull; }
  bool is_object() const { return type_ == Type::kObject; }
  bool is_array() const { return type_ == Type::kArray; }
  bool is_string() const { return type_ == Type::kString || type_ == Type::kDatetime; }
  bool from_xml_text() const { return xml_text_; }

  bool as_bool() const { return b_; }
  int64_t as_int() const { return i_; }
  double as_double() const { return d_; }
  const std::string& as_string() const { return s_; }

  // Objects. Set() replaces an existing member of that name (keeping its position) or
  // appends. A null Value becomes an empty object first. Returns *this, for chaining.
  Value& Set(std::string key, Value v);
  // nullptr when absent (or when this is not an object).
  const Value* Find(std::string_view key) const;
  const std::vector<Member>& members() const { return members_; }

  // Arrays. A null Value becomes an empty array first. Returns *this, for chaining.
  Value& Push(Value v);
  const std::vector<Value>& items() const { return items_; }
  size_t size() const { return type_ == Type::kArray ? items_.size() : members_.size(); }

  // {"name": inner}: the wrapped element form used for every resource.
  static Value Wrap(std::string name, Value inner);

 private:
  // For the parsers in src/format: Set() through a key -> position index that the
  // caller keeps beside `object` while building it, so that a body with many keys
  // stays linear (Set() scans). Found by argument-dependent lookup.
  friend void SetIndexed(Value* object, std::unordered_map<std::string, size_t>* index,
                         std::string key, Value v);

  Type type_ = Type::kNull;
  bool xml_text_ = false;
  bool b_ = false;
  int64_t i_ = 0;
  double d_ = 0;
  std::string s_;
  std::vector<Member> members_;
  std::vector<Value> items_;
};

// Rendering never fails for a well-formed tree.
std::string RenderJson(const Value& v);
// `list_root` names the container when `v` is a top-level array
// (e.g. "vacancies"). A top-level object must have exactly one member, whose
// name becomes the root element. Starts with the XML declaration.
std::string RenderXml(const Value& v, std::string_view list_root);

// Renders a top-level list piece by piece, for lists too large to hold in
// memory: Open(), then Item() per element, then Close(). The concatenation is
// a document equal to rendering the whole array at once (in XML an empty
// list comes out as an open and a close tag instead of a self-closing one).
class ListWriter {
 public:
  enum Format { kJson, kXml };
  // `root` names the XML container ("interviews").
  ListWriter(Format format, std::string root) : format_(format), root_(std::move(root)) {}
  std::string Open() const;
  // Appends one element ({"interview": {...}}) to *out.
  void Item(const Value& item, std::string* out);
  std::string Close() const;

 private:
  Format format_;
  std::string root_;
  size_t items_ = 0;
};

// Parse a request body. Errors are InvalidArgument with a details text saying
// what is wrong and where (line/offset). Invalid UTF-8 is refused.
Result<Value> ParseJson(std::string_view text);
// XML parse: returns {"root": inner} for an element root, or an Array of
// {"item": ...} for a root with type="array" (mirroring JSON). Dashes in
// element names become underscores, `type` attributes are ignored (leaves are
// XmlText), nil="true" is null. DOCTYPE / entity declarations are refused.
Result<Value> ParseXml(std::string_view text);

// True when `s` is valid UTF-8 (no overlongs, no surrogates, <= U+10FFFF).
bool IsValidUtf8(std::string_view s);
// `s` with every byte that does not start a valid UTF-8 sequence replaced by U+FFFD.
// The renderers use it so that a bad string from storage never yields a bad document.
std::string ToValidUtf8(std::string_view s);

}  // namespace cammio
