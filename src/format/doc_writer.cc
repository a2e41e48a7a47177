// DocWriter (doc_writer.h). The JSON text is RapidJSON's compact Writer's
// (json.cc): the same escapes (\" \\ \b \t \n \f \r, other control
// characters as \u00XX with upper-case digits, nothing else) and integers in
// decimal. The XML text follows xml.cc's XmlWriter element by element.
#include "format/doc_writer.h"

#include <charconv>
#include <cstdint>
#include <cstring>
#include <utility>

#include "format/xml_text.h"
#include "util/time.h"

namespace cammio {
namespace {

// True when `s` goes between quotes as it is: ASCII that needs no escape
// (the keys, most values). Eight bytes at a time, the last (partial) eight
// overlapping the ones before or padded with a plain byte: this test runs
// twice per member of a document, mostly on short text.
bool PlainJson(std::string_view s) {
  constexpr uint64_t k01 = 0x0101010101010101ULL, k80 = 0x8080808080808080ULL;
  // Nonzero when some byte of x is zero (exact as a yes/no answer).
  auto zero_byte = [](uint64_t x) { return (x - k01) & ~x & k80; };
  // High bit set, or below 0x20 ((w - 0x20..) & ~w & 0x80..), or '"', or '\\'.
  auto needs_escape = [&](uint64_t w) {
    return ((w & k80) | ((w - k01 * 0x20) & ~w & k80) | zero_byte(w ^ (k01 * '"')) |
            zero_byte(w ^ (k01 * '\\'))) != 0;
  };
  const size_t n = s.size();
  uint64_t w = k01 * 'a';
  if (n < 8) {
    if (n > 0) std::memcpy(&w, s.data(), n);
    return !needs_escape(w);
  }
  for (size_t i = 0; i + 8 <= n; i += 8) {
    std::memcpy(&w, s.data() + i, 8);
    if (needs_escape(w)) return false;
  }
  if (n % 8 != 0) std::memcpy(&w, s.data() + n - 8, 8);
  return !needs_escape(w);
}

// `s` as a JSON string, quotes included (invalid UTF-8 repaired first, as
// json.cc's WriteText does).
void AppendJsonString(std::string_view raw, std::string* out) {
  if (PlainJson(raw)) {
    out->push_back('"');
    out->append(raw);
    out->push_back('"');
    return;
  }
  std::string repaired;
  std::string_view s = raw;
  if (!IsValidUtf8(raw)) s = repaired = ToValidUtf8(raw);
  static constexpr char kHex[] = "0123456789ABCDEF";
  out->push_back('"');
  size_t run = 0;  // start of the bytes not yet copied
  for (size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out->append(s, run, i - run);
    run = i + 1;
    out->push_back('\\');
    switch (c) {
      case '"':
        out->push_back('"');
        break;
      case '\\':
        out->push_back('\\');
        break;
      case '\b':
        out->push_back('b');
        break;
      case '\t':
        out->push_back('t');
        break;
      case '\n':
        out->push_back('n');
        break;
      case '\f':
        out->push_back('f');
        break;
      case '\r':
        out->push_back('r');
        break;
      default:
        out->append("u00");
        out->push_back(kHex[c >> 4]);
        out->push_back(kHex[c & 0xF]);
    }
  }
  out->append(s, run, s.size() - run);
  out->push_back('"');
}

}  // namespace

DocWriter::DocWriter(Format format) : mode_(format == Format::kXml ? Mode::kXml : Mode::kJson) {
  out_.reserve(4096);
}

DocWriter::DocWriter(Value* tree) : mode_(Mode::kTree), tree_(tree) {}

void DocWriter::BeforeChild() {
  if (stack_.empty()) {
    if (mode_ == Mode::kXml) out_ += XmlDeclaration();
    return;
  }
  Frame& f = stack_.back();
  const bool first = f.empty;
  f.empty = false;
  if (mode_ == Mode::kJson) {
    if (!first) out_ += ',';
  } else if (mode_ == Mode::kXml && first) {
    out_ += f.array ? ">\n" : "\n";
  }
}

void DocWriter::JsonKey(std::string_view key) {
  if (!stack_.empty() && !stack_.back().array) {
    AppendJsonString(key, &out_);
    out_.push_back(':');
  }
}

void DocWriter::JsonLeaf(std::string_view key, std::string_view text, bool quoted) {
  Frame* f = stack_.empty() ? nullptr : &stack_.back();
  const bool comma = f != nullptr && !f->empty;
  const bool named = f != nullptr && !f->array;
  if (f != nullptr) f->empty = false;
  // The usual member (a short key and value, neither needing an escape) is
  // put together here and appended at once: per piece, the appends cost more
  // than the bytes (a page of 50 interviews has ~1300 members).
  char buf[256];
  const size_t size = 1 + (named ? key.size() + 3 : 0) + text.size() + 2;
  if (size <= sizeof buf && (!named || PlainJson(key)) && (!quoted || PlainJson(text))) {
    char* p = buf;
    if (comma) *p++ = ',';
    if (named) {
      *p++ = '"';
      std::memcpy(p, key.data(), key.size());
      p += key.size();
      *p++ = '"';
      *p++ = ':';
    }
    if (quoted) *p++ = '"';
    std::memcpy(p, text.data(), text.size());
    p += text.size();
    if (quoted) *p++ = '"';
    out_.append(buf, static_cast<size_t>(p - buf));
    return;
  }
  if (comma) out_ += ',';
  if (named) {
    AppendJsonString(key, &out_);
    out_.push_back(':');
  }
  if (quoted) {
    AppendJsonString(text, &out_);
  } else {
    out_.append(text);
  }
}

void DocWriter::XmlOpen(std::string_view name) {
  std::string storage;
  out_.append(2 * static_cast<size_t>(depth()), ' ');
  out_ += '<';
  out_.append(XmlElementName(name, &storage));
}

void DocWriter::XmlLeaf(std::string_view key, const char* type, std::string_view text) {
  XmlOpen(key);
  if (type != nullptr) {
    out_ += " type=\"";
    out_ += type;
    out_ += '"';
  }
  out_ += '>';
  AppendXmlText(text, &out_);
  out_ += "</";
  std::string storage;
  out_.append(XmlElementName(key, &storage));
  out_ += ">\n";
}

void DocWriter::AddToTree(std::string_view key, Value v) {
  if (stack_.empty()) {
    *tree_ = std::move(v);
  } else if (stack_.back().array) {
    stack_.back().tree.Push(std::move(v));
  } else {
    stack_.back().tree.Set(std::string(key), std::move(v));
  }
}

void DocWriter::Begin(std::string_view name, bool array) {
  Frame f;
  f.name.assign(name);
  f.array = array;
  f.wrapped = !array && (stack_.empty() || stack_.back().array);
  BeforeChild();
  switch (mode_) {
    case Mode::kJson:
      if (f.wrapped) {
        out_ += '{';
        AppendJsonString(name, &out_);
        out_ += ':';
      } else {
        JsonKey(name);
      }
      out_ += array ? '[' : '{';
      break;
    case Mode::kXml:
      XmlOpen(name);
      out_ += array ? " type=\"array\"" : ">";
      break;
    case Mode::kTree:
      f.tree = array ? Value::Array() : Value::Object();
      break;
  }
  stack_.push_back(std::move(f));
}

void DocWriter::End() {
  Frame f = std::move(stack_.back());
  stack_.pop_back();
  switch (mode_) {
    case Mode::kJson:
      out_ += f.array ? "]" : f.wrapped ? "}}" : "}";
      break;
    case Mode::kXml: {
      if (f.array && f.empty) {  // <name type="array"/>
        out_ += "/>\n";
        break;
      }
      if (!f.empty) out_.append(2 * static_cast<size_t>(depth()), ' ');
      std::string storage;
      out_ += "</";
      out_.append(XmlElementName(f.name, &storage));
      out_ += ">\n";
      break;
    }
    case Mode::kTree:
      AddToTree(f.name, f.wrapped ? Value::Wrap(f.name, std::move(f.tree)) : std::move(f.tree));
      break;
  }
}

template <typename MakeValue>
void DocWriter::Leaf(std::string_view key, const char* xml_type, std::string_view text, bool quoted,
                     MakeValue make) {
  if (mode_ == Mode::kJson) {
    JsonLeaf(key, text, quoted);  // BeforeChild's comma included
    return;
  }
  BeforeChild();
  switch (mode_) {
    case Mode::kJson:
      break;
    case Mode::kXml:
      XmlLeaf(key, xml_type, text);
      break;
    case Mode::kTree:
      AddToTree(key, make());
      break;
  }
}

void DocWriter::Int(std::string_view key, int64_t v) {
  char buf[24];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  Leaf(key, "integer", std::string_view(buf, static_cast<size_t>(r.ptr - buf)), false,
       [v] { return Value::Int(v); });
}

void DocWriter::Bool(std::string_view key, bool v) {
  Leaf(key, "boolean", v ? "true" : "false", false, [v] { return Value::Bool(v); });
}

void DocWriter::String(std::string_view key, std::string_view v) {
  Leaf(key, nullptr, v, true, [v] { return Value::String(std::string(v)); });
}

void DocWriter::Datetime(std::string_view key, std::string_view iso) {
  Leaf(key, "datetime", iso, true, [iso] { return Value::Datetime(std::string(iso)); });
}

void DocWriter::UtcDatetime(std::string_view key, int64_t epoch) {
  char buf[kUtcTextMax];
  Datetime(key, std::string_view(buf, FormatUtcTo(epoch, buf)));
}

void DocWriter::Null(std::string_view key) {
  if (mode_ == Mode::kJson) {
    JsonLeaf(key, "null", false);  // BeforeChild's comma included
    return;
  }
  BeforeChild();
  switch (mode_) {
    case Mode::kJson:
      break;
    case Mode::kXml:
      XmlOpen(key);
      out_ += " nil=\"true\"/>\n";
      break;
    case Mode::kTree:
      AddToTree(key, Value::Null());
      break;
  }
}

void DocWriter::Tree(std::string_view key, Value v) {
  BeforeChild();
  switch (mode_) {
    case Mode::kJson:
      JsonKey(key);
      out_ += RenderJson(v);
      break;
    case Mode::kXml:
      AppendXmlElement(key, v, depth(), &out_);
      break;
    case Mode::kTree:
      AddToTree(key, std::move(v));
      break;
  }
}

}  // namespace cammio
