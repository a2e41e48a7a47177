// JSON rendering (rapidjson::Writer, compact, UTF-8 as is) and parsing
// (rapidjson::Reader SAX events straight into a Value tree).
//
// Numbers: the reader hands them over as text (kParseNumbersAsStringsFlag) and
// they are converted here with std::from_chars, correctly rounded. RapidJSON's
// own decimal conversion (internal::StrtodFullPrecision and friends) is never
// reached: its full-precision path reads out of bounds on long mantissas and
// extreme exponents (CVE-2024-38517 and relatives). A number longer than
// kMaxNumberLength characters, or one a double cannot hold (overflow, or
// underflow of a non-zero value to zero), is refused.
#include <charconv>
#include <cmath>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include <rapidjson/error/en.h>
#include <rapidjson/memorystream.h>
#include <rapidjson/reader.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "cammio/document.h"

namespace cammio {

namespace {

constexpr size_t kMaxDepth = 64;         // Nested arrays/objects accepted in a body.
constexpr size_t kMaxNumberLength = 64;  // Characters of one number (a double needs <= 24).

constexpr unsigned kParseFlags = rapidjson::kParseValidateEncodingFlag |
                                 rapidjson::kParseNumbersAsStringsFlag |
                                 rapidjson::kParseIterativeFlag;
static_assert((kParseFlags & rapidjson::kParseNumbersAsStringsFlag) != 0 &&
                  (kParseFlags & rapidjson::kParseFullPrecisionFlag) == 0,
              "RapidJSON must never convert numbers itself (see the file comment)");

using JsonWriter = rapidjson::Writer<rapidjson::StringBuffer>;

// Strings are written as they are when valid UTF-8 (the common case), repaired
// otherwise so that the output is always valid JSON.
template <typename WriteFn>
void WriteText(const std::string& s, WriteFn write) {
  if (IsValidUtf8(s)) {
    write(s.data(), s.size());
  } else {
    const std::string fixed = ToValidUtf8(s);
    write(fixed.data(), fixed.size());
  }
}

void Write(const Value& v, JsonWriter* w) {
  using SizeType = rapidjson::SizeType;
  switch (v.type()) {
    case Value::Type::kNull: w->Null(); break;
    case Value::Type::kBool: w->Bool(v.as_bool()); break;
    case Value::Type::kInt: w->Int64(v.as_int()); break;
    case Value::Type::kDouble:
      // JSON has no NaN or Infinity.
      if (std::isfinite(v.as_double())) w->Double(v.as_double()); else w->Null();
      break;
    case Value::Type::kString:
    case Value::Type::kDatetime:
      WriteText(v.as_string(), [w](const char* s, size_t n) {
        w->String(s, static_cast<SizeType>(n));
      });
      break;
    case Value::Type::kObject:
      w->StartObject();
      for (const Value::Member& m : v.members()) {
        WriteText(m.first, [w](const char* s, size_t n) { w->Key(s, static_cast<SizeType>(n)); });
        Write(m.second, w);
      }
      w->EndObject();
      break;
    case Value::Type::kArray:
      w->StartArray();
      for (const Value& item : v.items()) Write(item, w);
      w->EndArray();
      break;
  }
}

enum class NumberError { kNone, kTooLong, kOutOfRange };

// The text of one JSON number (its grammar already checked by the reader) as
// an Int when it is an integer that fits int64_t, else a Double.
NumberError ConvertNumber(std::string_view text, Value* out) {
  if (text.size() > kMaxNumberLength) return NumberError::kTooLong;
  const char* const first = text.data();
  const char* const last = first + text.size();
  if (text.find_first_of(".eE") == std::string_view::npos) {
    int64_t i = 0;
    const std::from_chars_result r = std::from_chars(first, last, i);
    if (r.ec == std::errc() && r.ptr == last) {
      *out = Value::Int(i);
      return NumberError::kNone;
    }
    // Integers beyond int64_t become doubles, as JSON numbers generally are.
  }
  double d = 0;
  const std::from_chars_result r = std::from_chars(first, last, d);
  if (r.ec != std::errc() || r.ptr != last || !std::isfinite(d)) return NumberError::kOutOfRange;
  *out = Value::Double(d);
  return NumberError::kNone;
}

// SAX handler for rapidjson::Reader: keeps a stack of open containers.
class TreeBuilder : public rapidjson::BaseReaderHandler<rapidjson::UTF8<>, TreeBuilder> {
 public:
  TreeBuilder() { stack_.reserve(kMaxDepth); }

  bool Null() { return Add(Value()); }
  bool Bool(bool b) { return Add(Value::Bool(b)); }
  // Every number comes here (kParseNumbersAsStringsFlag); false stops the
  // reader with kParseErrorTermination at the number's offset.
  bool RawNumber(const char* s, rapidjson::SizeType n, bool) {
    Value v;
    number_error_ = ConvertNumber(std::string_view(s, n), &v);
    return number_error_ == NumberError::kNone && Add(std::move(v));
  }
  bool String(const char* s, rapidjson::SizeType n, bool) {
    return Add(Value::String(std::string(s, n)));
  }
  bool StartObject() { return Open(Value::Object()); }
  bool Key(const char* s, rapidjson::SizeType n, bool) {
    stack_.back().key.assign(s, n);
    return true;
  }
  bool EndObject(rapidjson::SizeType) { return Close(); }
  bool StartArray() { return Open(Value::Array()); }
  bool EndArray(rapidjson::SizeType) { return Close(); }

  bool too_deep() const { return too_deep_; }
  NumberError number_error() const { return number_error_; }
  Value TakeRoot() { return std::move(root_); }

 private:
  struct Frame {
    Value container;
    std::string key;  // Object member whose value comes next.
    std::unordered_map<std::string, size_t> index;  // For SetIndexed.
  };

  bool Add(Value v) {
    if (stack_.empty()) {
      root_ = std::move(v);
    } else if (stack_.back().container.is_array()) {
      stack_.back().container.Push(std::move(v));
    } else {
      Frame& f = stack_.back();
      SetIndexed(&f.container, &f.index, std::move(f.key), std::move(v));  // Last one wins.
    }
    return true;
  }

  bool Open(Value container) {
    if (stack_.size() >= kMaxDepth) {
      too_deep_ = true;
      return false;  // Stops the reader.
    }
    stack_.push_back(Frame{std::move(container), {}, {}});
    return true;
  }

  bool Close() {
    Value done = std::move(stack_.back().container);
    stack_.pop_back();
    return Add(std::move(done));
  }

  std::vector<Frame> stack_;
  Value root_;
  bool too_deep_ = false;
  NumberError number_error_ = NumberError::kNone;
};

bool IsJsonSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

std::string ParseErrorText(const rapidjson::ParseResult& r, size_t base, NumberError number) {
  const std::string offset = std::to_string(base + r.Offset());
  if (number == NumberError::kTooLong) {
    return "JSON number at offset " + offset + " is too long (more than " +
           std::to_string(kMaxNumberLength) + " characters)";
  }
  if (number == NumberError::kOutOfRange)
    return "JSON number at offset " + offset + " is out of range";
  if (r.Code() == rapidjson::kParseErrorStringInvalidEncoding) {
    return "invalid UTF-8 in JSON string at offset " + offset;
  }
  return "malformed JSON at offset " + offset + ": " + rapidjson::GetParseError_En(r.Code());
}

}  // namespace

std::string RenderJson(const Value& v) {
  rapidjson::StringBuffer buffer;
  JsonWriter writer(buffer);
  Write(v, &writer);
  return std::string(buffer.GetString(), buffer.GetSize());
}

Result<Value> ParseJson(std::string_view text) {
  // A UTF-8 byte order mark, as some Windows clients send, is skipped; offsets in
  // messages still count from the first byte of the body.
  const size_t bom = text.substr(0, 3) == "\xEF\xBB\xBF" ? 3 : 0;
  text.remove_prefix(bom);
  size_t first = 0;
  while (first < text.size() && IsJsonSpace(text[first])) ++first;
  if (first == text.size()) return Status::InvalidArgument("request body is empty");
  // The reader treats a NUL byte as the end of the input.
  if (const size_t nul = text.find('\0'); nul != std::string_view::npos) {
    return Status::InvalidArgument("malformed JSON at offset " + std::to_string(bom + nul) +
                                   ": NUL byte");
  }

  rapidjson::MemoryStream stream(text.data(), text.size());
  rapidjson::Reader reader;
  TreeBuilder builder;
  const rapidjson::ParseResult result = reader.Parse<kParseFlags>(stream, builder);
  if (builder.too_deep()) {
    return Status::InvalidArgument("JSON nested too deeply (more than " +
                                   std::to_string(kMaxDepth) + " levels)");
  }
  if (result.IsError()) {
    return Status::InvalidArgument(ParseErrorText(result, bom, builder.number_error()));
  }
  // The reader validated every string; this also covers bytes it never decoded.
  if (!IsValidUtf8(text)) return Status::InvalidArgument("request body is not valid UTF-8");
  return builder.TakeRoot();
}

}  // namespace cammio
