// DocWriter (doc_writer.h). The JSON text is RapidJSON's compact Writer's
// (json.cc): the same escapes (\" \\ \b \t \n \f \r, other control
// characters as \u00XX with upper-case digits, nothing else) and integers in
// decimal. The XML text follows xml.cc's XmlWriter element by element.
#include "format/doc_writer.h"

#include <charconv>
#include <cstdint>
#include <cstring>
#include <utility>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "format/xml_text.h"
#include "util/time.h"

namespace cammio {
namespace {

// Which text goes into a document as it is, tested eight bytes at a time
// (a SWAR word) or sixteen (SSE2): a byte is special when its high bit is
// set, when it is below 0x20, or when it is one of A, B, C. JSON's are '"'
// and '\\' (the escapes; a high bit may need UTF-8 repair), XML's '&', '<'
// and '>'.
constexpr uint64_t k01 = 0x0101010101010101ULL, k80 = 0x8080808080808080ULL;
inline uint64_t ZeroByteBits(uint64_t x) { return (x - k01) & ~x & k80; }
// Nonzero when a byte of w is special, zero when none is (exact as a yes/no
// answer; which bits are set says nothing more).
template <char A, char B, char C>
uint64_t SpecialBits(uint64_t w) {
  return (w & k80) | ((w - k01 * 0x20) & ~w & k80) | ZeroByteBits(w ^ (k01 * A)) |
         ZeroByteBits(w ^ (k01 * B)) | ZeroByteBits(w ^ (k01 * C));
}

// Fixed-size loads and stores: one instruction each, where a memcpy of a
// variable size is a library call (the test and the copy below run on
// every key and value of a document, mostly short text).
inline uint64_t Load8(const char* p) {
  uint64_t w;
  std::memcpy(&w, p, 8);
  return w;
}
inline uint32_t Load4(const char* p) {
  uint32_t w;
  std::memcpy(&w, p, 4);
  return w;
}

// Nonzero when a byte of p[0, n) is special, reading only those bytes:
// fewer than eight are packed into one word (overlapping halves, or
// first/middle/last byte) padded with a plain byte; longer text is tested
// in overlapping words, sixteen bytes at a time with SSE2 (x86-64 has it; a
// signed compare below 0x20 also catches a high bit), else eight.
template <char A, char B, char C>
uint64_t SpecialBitsOf(const char* p, size_t n) {
  constexpr uint64_t kPlain = k01 * 'a';
  if (n <= 8) {
    if (n >= 4) return SpecialBits<A, B, C>(Load4(p) | uint64_t{Load4(p + n - 4)} << 32);
    if (n == 0) return 0;
    const auto byte = [p](size_t i) { return uint64_t{static_cast<unsigned char>(p[i])}; };
    return SpecialBits<A, B, C>((kPlain << 24) | byte(0) | byte(n / 2) << 8 | byte(n - 1) << 16);
  }
#if defined(__SSE2__)
  const __m128i below = _mm_set1_epi8(0x20), a = _mm_set1_epi8(A), b = _mm_set1_epi8(B),
                c = _mm_set1_epi8(C);
  const auto special = [&](__m128i v) {
    return _mm_movemask_epi8(
        _mm_or_si128(_mm_or_si128(_mm_cmplt_epi8(v, below), _mm_cmpeq_epi8(v, a)),
                     _mm_or_si128(_mm_cmpeq_epi8(v, b), _mm_cmpeq_epi8(v, c))));
  };
  if (n <= 16) {  // the first eight and the last eight
    const auto lo = static_cast<long long>(Load8(p)), hi = static_cast<long long>(Load8(p + n - 8));
    return static_cast<uint64_t>(special(_mm_set_epi64x(hi, lo)));
  }
  const auto load16 = [p](size_t i) {
    return _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i));
  };
  auto bits = static_cast<uint64_t>(special(load16(n - 16)));
  for (size_t i = 0; bits == 0 && i + 16 < n; i += 16) {
    bits = static_cast<uint64_t>(special(load16(i)));
  }
  return bits;
#else
  uint64_t bits = SpecialBits<A, B, C>(Load8(p + n - 8));
  for (size_t i = 0; bits == 0 && i + 8 < n; i += 8) bits = SpecialBits<A, B, C>(Load8(p + i));
  return bits;
#endif
}

// Nonzero when p[0, n) needs a JSON escape or a UTF-8 check.
inline uint64_t EscapeBitsOf(const char* p, size_t n) {
  return SpecialBitsOf<'"', '\\', '\\'>(p, n);
}

// True when `s` goes between quotes as it is: ASCII that needs no escape
// (the keys, most values).
inline bool PlainJson(std::string_view s) { return EscapeBitsOf(s.data(), s.size()) == 0; }

// True when `s` is XML element text as it is (AppendXmlText would copy it):
// ASCII without '&', '<', '>' or a control character, and not only spaces
// (those are written as character references).
inline bool PlainXml(std::string_view s) {
  return SpecialBitsOf<'&', '<', '>'>(s.data(), s.size()) == 0 &&
         (s.empty() || s.find_first_not_of(' ') != std::string_view::npos);
}

// Copies src[0, n) to dst; returns dst + n. Up to 32 bytes as two
// overlapping fixed-size moves, longer ones by memcpy.
inline char* Put(char* dst, const char* src, size_t n) {
  if (n >= 16) {
    if (n > 32) {
      std::memcpy(dst, src, n);
    } else {
      std::memcpy(dst, src, 16);
      std::memcpy(dst + n - 16, src + n - 16, 16);
    }
  } else if (n >= 8) {
    std::memcpy(dst, src, 8);
    std::memcpy(dst + n - 8, src + n - 8, 8);
  } else if (n >= 4) {
    std::memcpy(dst, src, 4);
    std::memcpy(dst + n - 4, src + n - 4, 4);
  } else if (n > 0) {
    dst[0] = src[0];
    dst[n / 2] = src[n / 2];
    dst[n - 1] = src[n - 1];
  }
  return dst + n;
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

DocWriter::DocWriter(Format format, size_t reserve)
    : mode_(format == Format::kXml ? Mode::kXml : Mode::kJson) {
  out_.reserve(reserve);
  stack_.reserve(8);  // the API's documents nest three or four deep
}

DocWriter::DocWriter(Value* tree) : mode_(Mode::kTree), tree_(tree) {}

void DocWriter::BeforeChild() {
  if (stack_.empty()) {
    if (mode_ == Mode::kXml) Out() += XmlDeclaration();
    return;
  }
  Frame& f = stack_.back();
  const bool first = f.empty;
  f.empty = false;
  if (mode_ == Mode::kJson) {
    if (!first) Out() += ',';
  } else if (mode_ == Mode::kXml && first) {
    Out() += f.array ? ">\n" : "\n";
  }
}

void DocWriter::JsonKey(std::string_view key) {
  if (!stack_.empty() && !stack_.back().array) {
    AppendJsonString(key, &Out());
    Out().push_back(':');
  }
}

void DocWriter::JsonLeaf(std::string_view key, std::string_view text, Quote quote) {
  Frame* f = stack_.empty() ? nullptr : &stack_.back();
  const bool comma = f != nullptr && !f->empty;
  const bool named = f != nullptr && !f->array;
  if (f != nullptr) f->empty = false;
  const bool quoted = quote != Quote::kNone;
  // The usual member goes to pending_ (a page of 50 interviews has ~1300
  // members); the longest, a quarter of it.
  const size_t size = 1 + (named ? key.size() + 3 : 0) + text.size() + 2;
  if (size <= sizeof pending_ / 4 &&
      ((named ? EscapeBitsOf(key.data(), key.size()) : 0) |
       (quote == Quote::kCheck ? EscapeBitsOf(text.data(), text.size()) : 0)) == 0) {
    if (pending_size_ + size > sizeof pending_) Flush();
    char* p = pending_ + pending_size_;
    *p = ',';
    p += comma;
    if (named) {
      *p++ = '"';
      p = Put(p, key.data(), key.size());
      *p++ = '"';
      *p++ = ':';
    }
    *p = '"';
    p += quoted;
    p = Put(p, text.data(), text.size());
    *p = '"';
    p += quoted;
    pending_size_ = static_cast<size_t>(p - pending_);
    return;
  }
  if (comma) Out() += ',';
  if (named) {
    AppendJsonString(key, &Out());
    Out().push_back(':');
  }
  if (quoted) {
    AppendJsonString(text, &Out());
  } else {
    Out().append(text);
  }
}

void DocWriter::XmlOpen(std::string_view name) {
  std::string storage;
  Out().append(2 * static_cast<size_t>(depth()), ' ');
  Out() += '<';
  Out().append(XmlElementName(name, &storage));
}

void DocWriter::XmlLeaf(std::string_view key, const char* type, std::string_view text) {
  std::string storage;
  const std::string_view name = XmlElementName(key, &storage);
  // The usual element (text that needs no escape, repair or character
  // references) goes to pending_ like a JSON member.
  const size_t indent = 2 * static_cast<size_t>(depth());
  const size_t type_size = type != nullptr ? std::strlen(type) : 0;
  const size_t size = indent + 2 * name.size() + type_size + text.size() + 16;
  if (size <= sizeof pending_ / 4 && PlainXml(text)) {
    if (pending_size_ + size > sizeof pending_) Flush();
    char* p = pending_ + pending_size_;
    std::memset(p, ' ', indent);
    p += indent;
    *p++ = '<';
    p = Put(p, name.data(), name.size());
    if (type != nullptr) {
      p = Put(p, " type=\"", 7);
      p = Put(p, type, type_size);
      *p++ = '"';
    }
    *p++ = '>';
    p = Put(p, text.data(), text.size());
    *p++ = '<';
    *p++ = '/';
    p = Put(p, name.data(), name.size());
    *p++ = '>';
    *p++ = '\n';
    pending_size_ = static_cast<size_t>(p - pending_);
    return;
  }
  std::string& out = Out();
  out.append(indent, ' ');
  out += '<';
  out.append(name);
  if (type != nullptr) {
    out += " type=\"";
    out += type;
    out += '"';
  }
  out += '>';
  AppendXmlText(text, &out);
  out += "</";
  out.append(name);
  out += ">\n";
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
  Frame* parent = stack_.empty() ? nullptr : &stack_.back();
  const bool wrapped = !array && (parent == nullptr || parent->array);
  // JSON with a name that needs no escape: into pending_ like a member
  // (','? '{'? "name": and the bracket).
  if (mode_ == Mode::kJson && name.size() <= sizeof pending_ / 4 &&
      EscapeBitsOf(name.data(), name.size()) == 0) {
    const bool comma = parent != nullptr && !parent->empty;
    const bool named = wrapped || (parent != nullptr && !parent->array);
    if (parent != nullptr) parent->empty = false;
    if (pending_size_ + name.size() + 8 > sizeof pending_) Flush();
    char* p = pending_ + pending_size_;
    *p = ',';
    p += comma;
    *p = '{';
    p += wrapped;
    if (named) {
      *p++ = '"';
      p = Put(p, name.data(), name.size());
      *p++ = '"';
      *p++ = ':';
    }
    *p++ = array ? '[' : '{';
    pending_size_ = static_cast<size_t>(p - pending_);
  } else {
    BeforeChild();
    switch (mode_) {
      case Mode::kJson:
        if (wrapped) {
          Out() += '{';
          AppendJsonString(name, &Out());
          Out() += ':';
        } else {
          JsonKey(name);
        }
        Out() += array ? '[' : '{';
        break;
      case Mode::kXml:
        XmlOpen(name);
        Out() += array ? " type=\"array\"" : ">";
        break;
      case Mode::kTree:
        break;
    }
  }
  // Built in place: a frame holds a string and a Value (the tree form's).
  Frame& f = stack_.emplace_back();
  f.array = array;
  f.wrapped = wrapped;
  if (mode_ != Mode::kJson) f.name.assign(name);  // JSON never reads it back
  if (mode_ == Mode::kTree) f.tree = array ? Value::Array() : Value::Object();
}

void DocWriter::End() {
  if (mode_ == Mode::kJson) {  // the frame's flags only: into pending_
    if (pending_size_ + 2 > sizeof pending_) Flush();
    const Frame& top = stack_.back();
    pending_[pending_size_++] = top.array ? ']' : '}';
    if (top.wrapped) pending_[pending_size_++] = '}';
    stack_.pop_back();
    return;
  }
  Frame f = std::move(stack_.back());
  stack_.pop_back();
  switch (mode_) {
    case Mode::kJson:
      break;
    case Mode::kXml: {
      if (f.array && f.empty) {  // <name type="array"/>
        Out() += "/>\n";
        break;
      }
      if (!f.empty) Out().append(2 * static_cast<size_t>(depth()), ' ');
      std::string storage;
      Out() += "</";
      Out().append(XmlElementName(f.name, &storage));
      Out() += ">\n";
      break;
    }
    case Mode::kTree:
      AddToTree(f.name, f.wrapped ? Value::Wrap(f.name, std::move(f.tree)) : std::move(f.tree));
      break;
  }
}

template <typename MakeValue>
void DocWriter::Leaf(std::string_view key, const char* xml_type, std::string_view text, Quote quote,
                     MakeValue make) {
  if (mode_ == Mode::kJson) {
    JsonLeaf(key, text, quote);  // BeforeChild's comma included
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
  Leaf(key, "integer", std::string_view(buf, static_cast<size_t>(r.ptr - buf)), Quote::kNone,
       [v] { return Value::Int(v); });
}

void DocWriter::Bool(std::string_view key, bool v) {
  Leaf(key, "boolean", v ? "true" : "false", Quote::kNone, [v] { return Value::Bool(v); });
}

void DocWriter::String(std::string_view key, std::string_view v) {
  Leaf(key, nullptr, v, Quote::kCheck, [v] { return Value::String(std::string(v)); });
}

void DocWriter::Datetime(std::string_view key, std::string_view iso) {
  Leaf(key, "datetime", iso, Quote::kCheck, [iso] { return Value::Datetime(std::string(iso)); });
}

void DocWriter::UtcDatetime(std::string_view key, int64_t epoch) {
  // Datetime's leaf, but FormatUtcTo's text (digits and "-T:Z") needs no
  // JSON escape test.
  char buf[kUtcTextMax];
  const std::string_view iso(buf, FormatUtcTo(epoch, buf));
  Leaf(key, "datetime", iso, Quote::kPlain, [iso] { return Value::Datetime(std::string(iso)); });
}

void DocWriter::Null(std::string_view key) {
  if (mode_ == Mode::kJson) {
    JsonLeaf(key, "null", Quote::kNone);  // BeforeChild's comma included
    return;
  }
  BeforeChild();
  switch (mode_) {
    case Mode::kJson:
      break;
    case Mode::kXml:
      XmlOpen(key);
      Out() += " nil=\"true\"/>\n";
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
      Out() += RenderJson(v);
      break;
    case Mode::kXml:
      AppendXmlElement(key, v, depth(), &Out());
      break;
    case Mode::kTree:
      AddToTree(key, std::move(v));
      break;
  }
}

}  // namespace cammio
