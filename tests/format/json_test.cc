// RenderJson / ParseJson and the Value methods they rely on.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <random>
#include <string>

#include "cammio/document.h"

namespace cammio {
namespace {

// A type-exact text form of a Value, for comparisons with readable failures.
std::string Dump(const Value& v) {
  switch (v.type()) {
    case Value::Type::kNull:
      return "null";
    case Value::Type::kBool:
      return v.as_bool() ? "true" : "false";
    case Value::Type::kInt:
      return "i" + std::to_string(v.as_int());
    case Value::Type::kDouble: {
      char buffer[40];
      std::snprintf(buffer, sizeof buffer, "d%.17g", v.as_double());
      return buffer;
    }
    case Value::Type::kString:
      return (v.from_xml_text() ? "x'" : "'") + v.as_string() + "'";
    case Value::Type::kDatetime:
      return "t'" + v.as_string() + "'";
    case Value::Type::kObject: {
      std::string s = "{";
      for (const auto& m : v.members()) s += "<" + m.first + ">:" + Dump(m.second) + ",";
      return s + "}";
    }
    case Value::Type::kArray: {
      std::string s = "[";
      for (const auto& item : v.items()) s += Dump(item) + ",";
      return s + "]";
    }
  }
  return "?";
}

Value Parsed(std::string_view text) {
  Result<Value> r = ParseJson(text);
  REQUIRE_MESSAGE(r.ok(), r.status().ToString());
  return *r;
}

std::string ParseError(std::string_view text) {
  Result<Value> r = ParseJson(text);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().code() == Status::Code::kInvalidArgument);
  return r.status().details();
}

// The POST /api/vacancies response example of the spec.
Value SpecVacancy() {
  Value v = Value::Object();
  v.Set("id", Value::Int(3484))
      .Set("answering_time", Value::String("2 minutes"))
      .Set("cv_upload_required", Value::String("no"))
      .Set("datetime_end", Value::Datetime("2013-09-26T02:00:00+02:00"))
      .Set("datetime_start", Value::Datetime("2013-07-28T02:00:00+02:00"))
      .Set("external_info_url", Value::Null())
      .Set("generic_invitation_text", Value::Null())
      .Set("kind", Value::String("live"))
      .Set("language", Value::String("nl"))
      .Set("reference_id", Value::String("CA002-202"))
      .Set("scope", Value::String("private"))
      .Set("title", Value::String("REST API developer"));
  return Value::Wrap("vacancy", std::move(v));
}

TEST_CASE("Value: Set replaces in place, Find, Push, Wrap") {
  Value v = Value::Object();
  v.Set("a", Value::Int(1)).Set("b", Value::Int(2)).Set("a", Value::Int(3));
  CHECK(Dump(v) == "{<a>:i3,<b>:i2,}");
  REQUIRE(v.Find("b") != nullptr);
  CHECK(v.Find("b")->as_int() == 2);
  CHECK(v.Find("c") == nullptr);
  CHECK(Value::Int(1).Find("a") == nullptr);
  CHECK(v.size() == 2);

  Value list;  // Null becomes an array / an object on first use.
  list.Push(Value::Bool(true)).Push(Value::String("s"));
  CHECK(Dump(list) == "[true,'s',]");
  Value obj;
  obj.Set("k", Value());
  CHECK(Dump(obj) == "{<k>:null,}");
  CHECK(Dump(Value::Wrap("result", Value::String("VACANCY_DELETED"))) ==
        "{<result>:'VACANCY_DELETED',}");
  CHECK(Value::XmlText("5").from_xml_text());
  CHECK(Value::Datetime("2013-07-29T02:00:00+02:00").is_string());
}

TEST_CASE("RenderJson: the spec's vacancy, compact and in insertion order") {
  CHECK(RenderJson(SpecVacancy()) ==
        R"({"vacancy":{"id":3484,"answering_time":"2 minutes","cv_upload_required":"no",)"
        R"("datetime_end":"2013-09-26T02:00:00+02:00",)"
        R"("datetime_start":"2013-07-28T02:00:00+02:00",)"
        R"("external_info_url":null,"generic_invitation_text":null,"kind":"live","language":"nl",)"
        R"("reference_id":"CA002-202","scope":"private","title":"REST API developer"}})");
  Value list = Value::Array();
  CHECK(RenderJson(list) == "[]");
  list.Push(Value::Wrap("vacancy", Value::Object().Set("id", Value::Int(1))));
  CHECK(RenderJson(list) == R"([{"vacancy":{"id":1}}])");
  CHECK(RenderJson(Value::Wrap("result", Value::String("VACANCY_DELETED"))) ==
        R"({"result":"VACANCY_DELETED"})");
}

TEST_CASE("RenderJson: scalars, escaping, UTF-8 as is") {
  CHECK(RenderJson(Value()) == "null");
  CHECK(RenderJson(Value::Bool(false)) == "false");
  CHECK(RenderJson(Value::Int(-9223372036854775807 - 1)) == "-9223372036854775808");
  CHECK(RenderJson(Value::Double(1.5)) == "1.5");
  CHECK(RenderJson(Value::Double(2)) == "2.0");
  CHECK(RenderJson(Value::Double(std::nan(""))) == "null");
  CHECK(RenderJson(Value::Double(std::numeric_limits<double>::infinity())) == "null");
  CHECK(RenderJson(Value::String("Zo\xC3\xAB \xE6\x9D\xB1\xE4\xBA\xAC \xF0\x9F\x8E\xA5")) ==
        "\"Zo\xC3\xAB \xE6\x9D\xB1\xE4\xBA\xAC \xF0\x9F\x8E\xA5\"");
  CHECK(RenderJson(Value::String("q\" b\\ /\n\t\r\b\f")) == R"("q\" b\\ /\n\t\r\b\f")");
  CHECK(RenderJson(Value::String(std::string("\0\x01\x1f", 3))) == R"("\u0000\u0001\u001F")");
  CHECK(RenderJson(Value::Object().Set("k\"\n", Value::String(""))) == R"({"k\"\n":""})");
  // Invalid UTF-8 from storage never yields invalid JSON.
  CHECK(RenderJson(Value::String("a\xFF")) == "\"a\xEF\xBF\xBD\"");
  CHECK(RenderJson(Value::Object().Set("\xC0", Value())) == "{\"\xEF\xBF\xBD\":null}");
}

TEST_CASE("ParseJson: the spec's request example") {
  const Value v = Parsed(R"([
  {
    "vacancy": {
      "answering_time": null,
      "datetime_end": "2013-09-26T02:00:00+02:00",
      "id": 3474,
      "kind": "live",
      "recruiter_phone": "+31681526285",
      "title": "REST API developer"
    }
  }
])");
  CHECK(Dump(v) ==
        "[{<vacancy>:{<answering_time>:null,<datetime_end>:'2013-09-26T02:00:00+02:00',"
        "<id>:i3474,<kind>:'live',<recruiter_phone>:'+31681526285',"
        "<title>:'REST API developer',},},]");
}

TEST_CASE("ParseJson: numbers") {
  CHECK(Dump(Parsed("[0,-1,9223372036854775807,-9223372036854775808]")) ==
        "[i0,i-1,i9223372036854775807,i-9223372036854775808,]");
  const Value v = Parsed("[9223372036854775808,1.5,1e2,2.0,123456789012345678901234567890]");
  for (const Value& item : v.items()) CHECK(item.type() == Value::Type::kDouble);
  CHECK(v.items()[0].as_double() == 9223372036854775808.0);
  CHECK(v.items()[2].as_double() == 100.0);
  CHECK(Parsed("0.1").as_double() == 0.1);
}

// RapidJSON 1.1.0 converted a zero with more than 22 fraction digits, or with an
// exponent below -22, to an arbitrary tiny number (found by tests/fuzz/format).
TEST_CASE("ParseJson: zero with many fraction digits or a large negative exponent is zero") {
  const Value v = Parsed(
      "[0.000000000000000000000000000000,-0.00000000000000000000000000000000000000,"
      "0e-30,0.0e-100,-0E-23,0.00000000000000000000000000000000000000e5,0,-0,0.0,-0.0]");
  CHECK(Dump(v) == "[d0,d-0,d0,d0,d-0,d0,i0,i0,d0,d-0,]");
  CHECK(!std::signbit(v.items()[0].as_double()));
  CHECK(std::signbit(v.items()[1].as_double()));
  CHECK(RenderJson(Parsed("{\"a\":0.00000000000000000000000000000001e-2}")) == "{\"a\":1e-34}");
}

// Issue 13 item 1: numbers that sent RapidJSON's full-precision conversion out
// of bounds (SIGSEGV) or into an assertion are refused with a clear reason.
TEST_CASE("ParseJson: hostile numbers are refused, never converted out of bounds") {
  const std::string zeros350(350, '0');
  const std::string zeros400(400, '0');
  std::string digits400;
  for (int i = 0; i < 400; ++i) digits400.push_back(static_cast<char>('1' + i % 9));
  const std::string too_long[] = {
      "-0." + zeros350,
      "0." + zeros400 + "1",
      "1." + digits400 + "e-400",
      "{\"started_at\": -0." + zeros350 + "}",
      "[1," + std::string(70, '9') + "]",
  };
  for (const std::string& text : too_long) {
    CAPTURE(text.substr(0, 40));
    const std::string why = ParseError(text);
    CHECK(why.find("JSON number at offset ") == 0);
    CHECK(why.find("is too long (more than 64 characters)") != std::string::npos);
  }
  CHECK(ParseError("[1," + std::string(70, '9') + "]") ==
        "JSON number at offset 3 is too long (more than 64 characters)");
  // The input that tripped an assertion in debug and ASan builds.
  CHECK(ParseError(R"({"n":1844674407370955164467440737095.16161e308})") ==
        "JSON number at offset 5 is out of range");
  CHECK(ParseError("[1e-400]") == "JSON number at offset 1 is out of range");
  CHECK(ParseError("[-2.5e-999]") == "JSON number at offset 1 is out of range");
  CHECK(ParseError(" 9" + std::string(40, '9') + ".5e290") ==
        "JSON number at offset 1 is out of range");
  // Exponents that overflow an int while scanning stay errors, not wrap-arounds.
  CHECK_FALSE(ParseJson("[1e99999999999999999999]").ok());
  CHECK_FALSE(ParseJson("[1e-99999999999999999999]").ok());
  // Up to the limit, long but reasonable numbers still parse exactly.
  CHECK(Parsed("0." + std::string(60, '0') + "1").as_double() == 1e-61);
  CHECK(Parsed("[" + std::string(64, '1') + "]").items()[0].type() == Value::Type::kDouble);
  CHECK(Parsed("[5e-324]").items()[0].as_double() == 5e-324);
  CHECK(Parsed("1.7976931348623157e308").as_double() == 1.7976931348623157e308);
  CHECK(Parsed("-0.0").as_double() == 0.0);
  CHECK(std::signbit(Parsed("-0.0").as_double()));
  CHECK(Dump(Parsed("[-0,0e-99999,1E2,1e+2]")) == "[i0,d0,d100,d100,]");
}

TEST_CASE("ParseJson: duplicate keys, last wins at the first one's place") {
  CHECK(Dump(Parsed(R"({"a":1,"b":2,"a":3})")) == "{<a>:i3,<b>:i2,}");
  // Beyond the linear-scan size the index takes over; same result.
  std::string body = "{";
  for (int i = 0; i < 100; ++i) body += "\"k" + std::to_string(i) + "\":" + std::to_string(i) + ",";
  body += R"("k3":"again","k99":"last"})";
  const Value big = Parsed(body);
  CHECK(big.size() == 100);
  CHECK(big.members()[3].first == "k3");
  CHECK(big.members()[3].second.as_string() == "again");
  CHECK(big.members()[99].second.as_string() == "last");
}

TEST_CASE("ParseJson: byte order mark and whitespace") {
  CHECK(Dump(Parsed("\xEF\xBB\xBF {\"a\" : [ ] }\n")) == "{<a>:[],}");
  CHECK(ParseError("") == "request body is empty");
  CHECK(ParseError(" \r\n\t ") == "request body is empty");
  CHECK(ParseError("\xEF\xBB\xBF") == "request body is empty");
}

TEST_CASE("ParseJson: malformed input names the offset") {
  CHECK(ParseError(R"({"vacancy": {"a": 1 "b": 2}})") ==
        "malformed JSON at offset 20: Missing a comma or '}' after an object member.");
  CHECK(ParseError("{").find("malformed JSON at offset 1") == 0);
  CHECK(ParseError("[1,]").find("malformed JSON at offset 3") == 0);
  CHECK(ParseError("{} x").find("malformed JSON at offset 3") == 0);
  CHECK(ParseError("<vacancy/>").find("malformed JSON at offset 0") == 0);
  CHECK(ParseError("[NaN]").find("malformed JSON") == 0);
  CHECK(ParseError("{'a':1}").find("malformed JSON") == 0);
  CHECK(ParseError("[1e400]").find("malformed JSON") == 0);
  CHECK(ParseError("\"\\ud800\"").find("malformed JSON") == 0);  // Lone surrogate escape.
  CHECK(ParseError("\"a\tb\"").find("malformed JSON") == 0);     // Raw control character.
  CHECK(ParseError(std::string("{}\0{}", 5)) == "malformed JSON at offset 2: NUL byte");
  CHECK(ParseError(std::string("\"a\0\"", 4)).find("offset 2") != std::string::npos);
}

TEST_CASE("ParseJson: invalid UTF-8 is refused") {
  for (const char* bad : {"\xFF", "\xC0\x80", "\xED\xA0\x80", "\xF4\x90\x80\x80", "\xE6\x9D",
                          "\xF0\x9F\x8E", "\x80", "\xE0\x9F\xBF"}) {
    CAPTURE(bad);
    CHECK(ParseError(std::string("{\"t\": \"ab") + bad + "\"}") ==
          "invalid UTF-8 in JSON string at offset 9");
    CHECK(ParseError(std::string("{\"k") + bad + "\": 1}").find("invalid UTF-8") == 0);
    CHECK_FALSE(ParseJson(std::string("[1]") + bad).ok());
    CHECK_FALSE(ParseJson(std::string("[1, ") + bad + "]").ok());
  }
}

TEST_CASE("ParseJson: nesting deeper than 64 is refused") {
  const std::string ok64 = std::string(64, '[') + std::string(64, ']');
  CHECK(Parsed(ok64).is_array());
  CHECK(ParseError(std::string(65, '[') + std::string(65, ']')).find("JSON nested too deeply") ==
        0);
  // Deep enough to overflow a recursive parser's stack.
  CHECK(ParseError(std::string(1000000, '[')).find("JSON nested too deeply") == 0);
  std::string objects;
  for (int i = 0; i < 70; ++i) objects += "{\"a\":";
  CHECK(ParseError(objects + "1" + std::string(70, '}')).find("JSON nested too deeply") == 0);
}

// Random trees of every JSON type with awkward strings; render -> parse is exact.
class TreeGen {
 public:
  explicit TreeGen(uint32_t seed) : rng_(seed) {}

  std::string Text() {
    static const char* const kPieces[] = {"a",
                                          "Zo\xC3\xAB",
                                          "\xE6\x9D\xB1\xE4\xBA\xAC",
                                          "\xF0\x9F\x8E\xA5",
                                          "&",
                                          "<",
                                          ">",
                                          "\"",
                                          "'",
                                          "\\",
                                          "/",
                                          " ",
                                          "\n",
                                          "\t",
                                          "\r",
                                          "\x01",
                                          "\x7f",
                                          "]]>",
                                          "&amp;",
                                          "\\u0041",
                                          ""};
    std::string s;
    for (int n = Pick(5); n > 0; --n) s += kPieces[Pick(sizeof kPieces / sizeof *kPieces)];
    return s;
  }

  Value Tree(int depth) {
    switch (Pick(depth > 4 ? 6 : 8)) {
      case 0:
        return Value();
      case 1:
        return Value::Bool(Pick(2) == 1);
      case 2:
        return Value::Int(static_cast<int64_t>(rng_()) - (int64_t{1} << 31));
      case 3:
        return Value::Double(static_cast<double>(rng_()) / 7.0 + 0.5);
      case 4:
      case 5:
        return Value::String(Text());
      case 6: {
        Value o = Value::Object();
        for (int n = Pick(4); n > 0; --n) o.Set(Text(), Tree(depth + 1));
        return o;
      }
      default: {
        Value a = Value::Array();
        for (int n = Pick(4); n > 0; --n) a.Push(Tree(depth + 1));
        return a;
      }
    }
  }

 private:
  int Pick(size_t n) { return static_cast<int>(rng_() % n); }
  std::mt19937 rng_;
};

TEST_CASE("JSON round trip: ParseJson(RenderJson(v)) == v") {
  Value fixed = Value::Object();
  fixed.Set("name", Value::String("Zo\xC3\xAB \xE6\x9D\xB1\xE4\xBA\xAC \xF0\x9F\x8E\xA5"))
      .Set("empty", Value::String(""))
      .Set("nothing", Value())
      .Set("nested", Value::Array().Push(Value::Array().Push(Value::Array())))
      .Set("big", Value::Int(std::numeric_limits<int64_t>::max()))
      .Set("tiny", Value::Double(5e-324));
  const std::string fixed_json = RenderJson(fixed);
  CHECK(Dump(Parsed(fixed_json)) == Dump(fixed));

  TreeGen gen(20240601);
  for (int i = 0; i < 500; ++i) {
    const Value v = gen.Tree(0);
    const std::string json = RenderJson(v);
    CAPTURE(json);
    CHECK(IsValidUtf8(json));
    CHECK(Dump(Parsed(json)) == Dump(v));
  }
}

TEST_CASE("JSON: many rows render and parse in linear time") {
  Value list = Value::Array();
  for (int i = 0; i < 20000; ++i) {
    list.Push(Value::Wrap("vacancy", Value::Object()
                                         .Set("id", Value::Int(i))
                                         .Set("title", Value::String("Developer \xE6\x9D\xB1"))
                                         .Set("external_info_url", Value())));
  }
  const std::string json = RenderJson(list);
  const Value back = Parsed(json);
  CHECK(back.size() == 20000);
  // One object with many distinct keys stays linear too.
  std::string wide = "{";
  for (int i = 0; i < 200000; ++i) wide += "\"" + std::to_string(i) + "\":0,";
  wide.back() = '}';
  CHECK(Parsed(wide).size() == 200000);
}

}  // namespace
}  // namespace cammio
