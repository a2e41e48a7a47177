// XML rendering (a string builder, 2-space indentation) and parsing (tinyxml2,
// after a pre-scan that refuses DTDs and bad characters), following
// docs/contract.md "Formats". See document.h for the shapes.
#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <string>
#include <unordered_map>
#include <utility>

#include <rapidjson/internal/dtoa.h>
#include <tinyxml2.h>

#include "cammio/document.h"
#include "format/xml_text.h"

namespace cammio {

namespace {

constexpr int kMaxDepth = 64;  // Nested elements accepted in a body.
// tinyxml2 checks each new attribute against all earlier ones of its element
// (quadratic: 90,000 attributes cost 46 s), so the pre-scan bounds both counts.
constexpr size_t kMaxAttributes = 64;     // Per element.
constexpr size_t kMaxElements = 100'000;  // Per document.
constexpr char kDeclaration[] = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
constexpr char kReplacement[] = "\xEF\xBF\xBD";  // U+FFFD
constexpr char kDtdRefused[] = "DTDs and entity declarations are not accepted";

// ---------------------------------------------------------------- rendering

// Decodes the code point at s[*i] of valid UTF-8 and advances *i past it.
uint32_t NextCodePoint(std::string_view s, size_t* i) {
  const auto c = static_cast<unsigned char>(s[*i]);
  const int len = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
  uint32_t cp = len == 1 ? c : c & (0x3F >> (len - 1));
  for (int k = 1; k < len; ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[*i + k]) & 0x3F);
  *i += len;
  return cp;
}

bool InRange(uint32_t c, uint32_t lo, uint32_t hi) { return c >= lo && c <= hi; }

// XML 1.0 NameStartChar, except ':' (namespace prefixes would need declarations).
bool IsNameStartChar(uint32_t c) {
  if (c < 0x80) return InRange(c, 'a', 'z') || InRange(c, 'A', 'Z') || c == '_';
  return InRange(c, 0xC0, 0xD6) || InRange(c, 0xD8, 0xF6) || InRange(c, 0xF8, 0x2FF) ||
         InRange(c, 0x370, 0x37D) || InRange(c, 0x37F, 0x1FFF) || InRange(c, 0x200C, 0x200D) ||
         InRange(c, 0x2070, 0x218F) || InRange(c, 0x2C00, 0x2FEF) ||
         InRange(c, 0x3001, 0xD7FF) || InRange(c, 0xF900, 0xFDCF) ||
         InRange(c, 0xFDF0, 0xFFFD) || InRange(c, 0x10000, 0xEFFFF);
}

bool IsNameChar(uint32_t c) {
  return IsNameStartChar(c) || InRange(c, '0', '9') || c == '-' || c == '.' || c == 0xB7 ||
         InRange(c, 0x300, 0x36F) || InRange(c, 0x203F, 0x2040);
}

// `name` as a well-formed element name: each character that may not appear is
// replaced by '_', a name that may not start with its first character gets a
// leading '_', an empty name becomes "_". Member names from the API are kept as is.
std::string_view ElementName(std::string_view name, std::string* storage) {
  bool plain = !name.empty() && IsNameStartChar(static_cast<unsigned char>(name[0]));
  for (size_t i = 0; plain && i < name.size(); ++i) {
    plain = static_cast<unsigned char>(name[i]) < 0x80 && IsNameChar(name[i]);
  }
  if (plain) return name;
  const std::string valid = ToValidUtf8(name);
  storage->clear();
  for (size_t i = 0; i < valid.size();) {
    const size_t start = i;
    const uint32_t c = NextCodePoint(valid, &i);
    if (!IsNameChar(c)) {
      storage->push_back('_');
      continue;
    }
    if (storage->empty() && !IsNameStartChar(c)) storage->push_back('_');
    storage->append(valid, start, i - start);
  }
  if (storage->empty()) storage->push_back('_');
  return *storage;
}

bool IsXmlSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// Text content. A text made only of whitespace is written as character
// references: a parser would otherwise take it for indentation.
void AppendText(std::string_view raw, std::string* out) {
  std::string repaired;
  std::string_view s = raw;
  if (!IsValidUtf8(raw)) s = repaired = ToValidUtf8(raw);
  bool all_space = true;
  for (char c : s) all_space = all_space && IsXmlSpace(c);
  if (all_space) {
    for (char c : s) *out += "&#" + std::to_string(static_cast<int>(c)) + ";";
    return;
  }
  size_t run = 0;  // Start of the bytes not yet copied.
  for (size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    const char* rep = nullptr;
    size_t skip = 1;
    if (c == '&') rep = "&amp;";
    else if (c == '<') rep = "&lt;";
    else if (c == '>') rep = "&gt;";
    else if (c == '\r') rep = "&#13;";  // A raw CR would be read back as LF.
    else if (c < 0x20 && c != '\t' && c != '\n') rep = kReplacement;  // Not an XML Char.
    else if (c == 0xEF && i + 2 < s.size() && s[i + 1] == '\xBF' &&
             (s[i + 2] == '\xBE' || s[i + 2] == '\xBF')) {
      rep = kReplacement;  // U+FFFE, U+FFFF: not XML Chars either.
      skip = 3;
    }
    if (rep == nullptr) continue;
    out->append(s, run, i - run);
    out->append(rep);
    run = i + skip;
    i += skip - 1;
  }
  out->append(s, run, s.size() - run);
}

std::string FormatDouble(double d) {
  char buffer[32];
  const char* end = rapidjson::internal::dtoa(d, buffer);
  return std::string(buffer, static_cast<size_t>(end - buffer));
}

class XmlWriter {
 public:
  explicit XmlWriter(std::string* out) : out_(out) {}

  // <name ...>value</name> at `depth` (0 is the root), ending with a newline.
  void Element(std::string_view raw_name, const Value& v, int depth) {
    std::string storage;
    const std::string_view name = ElementName(raw_name, &storage);
    out_->append(2 * depth, ' ');
    *out_ += '<';
    out_->append(name);
    switch (v.type()) {
      case Value::Type::kNull: *out_ += " nil=\"true\"/>\n"; return;
      case Value::Type::kBool: Typed("boolean", v.as_bool() ? "true" : "false"); break;
      case Value::Type::kInt: Typed("integer", std::to_string(v.as_int())); break;
      case Value::Type::kDouble:
        if (!std::isfinite(v.as_double())) {
          *out_ += " nil=\"true\"/>\n";  // As in JSON, where it is null.
          return;
        }
        Typed("float", FormatDouble(v.as_double()));
        break;
      case Value::Type::kDatetime: Typed("datetime", v.as_string()); break;
      case Value::Type::kString:
        *out_ += '>';
        AppendText(v.as_string(), out_);
        break;
      case Value::Type::kObject: Members(v, depth); break;
      case Value::Type::kArray:
        *out_ += " type=\"array\"";
        if (v.items().empty()) {
          *out_ += "/>\n";
          return;
        }
        Items(v, depth);
        break;
    }
    *out_ += "</";
    out_->append(name);
    *out_ += ">\n";
  }

 private:
  void Typed(const char* type, std::string_view text) {
    *out_ += " type=\"";
    *out_ += type;
    *out_ += "\">";
    AppendText(text, out_);
  }

  void Members(const Value& v, int depth) {
    *out_ += '>';
    if (v.members().empty()) return;
    *out_ += '\n';
    for (const Value::Member& m : v.members()) Element(m.first, m.second, depth + 1);
    out_->append(2 * depth, ' ');
  }

  // Each item is {"name": inner} -> <name>inner</name>; anything else is <item>.
  void Items(const Value& v, int depth) {
    *out_ += ">\n";
    for (const Value& item : v.items()) Item(item, depth + 1);
    out_->append(2 * depth, ' ');
  }

 public:
  void Item(const Value& item, int depth) {
    if (item.is_object() && item.members().size() == 1) {
      Element(item.members()[0].first, item.members()[0].second, depth);
    } else {
      Element("item", item, depth);
    }
  }

 private:

  std::string* out_;
};

}  // namespace

const char* XmlDeclaration() { return kDeclaration; }

std::string_view XmlElementName(std::string_view name, std::string* storage) {
  return ElementName(name, storage);
}

void AppendXmlText(std::string_view raw, std::string* out) { AppendText(raw, out); }

void AppendXmlElement(std::string_view name, const Value& v, int depth, std::string* out) {
  XmlWriter(out).Element(name, v, depth);
}

std::string RenderXml(const Value& v, std::string_view list_root) {
  std::string out = kDeclaration;
  XmlWriter writer(&out);
  if (v.is_object() && v.members().size() == 1) {
    writer.Element(v.members()[0].first, v.members()[0].second, 0);
  } else if (!list_root.empty()) {
    writer.Element(list_root, v, 0);
  } else {
    writer.Element(v.is_array() ? "items" : "hash", v, 0);
  }
  return out;
}

std::string ListWriter::Open() const {
  if (format_ == kJson) return "[";
  std::string out = kDeclaration;
  std::string storage;
  out += '<';
  out.append(ElementName(root_, &storage));
  out += " type=\"array\">\n";
  return out;
}

void ListWriter::Item(const Value& item, std::string* out) {
  if (format_ == kJson) {
    if (items_ > 0) *out += ',';
    *out += RenderJson(item);
  } else {
    XmlWriter(out).Item(item, 1);
  }
  ++items_;
}

std::string ListWriter::Close() const {
  if (format_ == kJson) return "]";
  std::string storage;
  return "</" + std::string(ElementName(root_, &storage)) + ">\n";
}

namespace {

// ---------------------------------------------------------------- parsing

// XML 1.0 Char, for character references and raw text.
bool IsXmlChar(uint32_t c) {
  return c == 0x9 || c == 0xA || c == 0xD || InRange(c, 0x20, 0xD7FF) ||
         InRange(c, 0xE000, 0xFFFD) || InRange(c, 0x10000, 0x10FFFF);
}

// The value of a decimal (or hexadecimal) digit, or -1.
int DigitValue(char d, bool hex) {
  if (d >= '0' && d <= '9') return d - '0';
  if (hex && d >= 'a' && d <= 'f') return d - 'a' + 10;
  if (hex && d >= 'A' && d <= 'F') return d - 'A' + 10;
  return -1;
}

bool StartsWithNoCase(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(s[i])) != prefix[i]) return false;
  }
  return true;
}

bool EqualsNoCase(std::string_view s, std::string_view lower) {
  return s.size() == lower.size() && StartsWithNoCase(s, lower);
}

// The value of the pseudo-attribute `encoding` in an XML declaration's body, if any.
std::string_view DeclaredEncoding(std::string_view decl) {
  const size_t at = decl.find("encoding");
  if (at == std::string_view::npos) return {};
  size_t i = at + 8;
  while (i < decl.size() && (IsXmlSpace(decl[i]) || decl[i] == '=')) ++i;
  if (i >= decl.size() || (decl[i] != '"' && decl[i] != '\'')) return {};
  const size_t end = decl.find(decl[i], i + 1);
  if (end == std::string_view::npos) return {};
  return decl.substr(i + 1, end - i - 1);
}

// What tinyxml2 does not check: DTDs (it skips them silently), character
// references to characters XML forbids (it would decode &#0; to a NUL that
// truncates the text), raw control characters, the declared encoding. Also
// drops processing instructions, which tinyxml2 refuses outside the prolog,
// and refuses more than kMaxAttributes attributes on an element or
// kMaxElements elements in the document. One linear pass.
class Prescan {
 public:
  explicit Prescan(std::string_view text) : text_(text) {}

  Status Run() {
    if (text_.substr(0, 3) == "\xEF\xBB\xBF") pos_ = 3;  // tinyxml2 skips the BOM.
    while (pos_ < text_.size() && status_.ok()) {
      const char c = text_[pos_];
      if (c == '<') {
        Markup();
      } else {
        if (!IsXmlSpace(c)) in_prolog_ = false;
        Ordinary();
      }
    }
    return status_;
  }

  // The text to hand to tinyxml2.
  std::string_view result() {
    if (!cleaning_) return text_;
    cleaned_.append(text_, copied_, std::string_view::npos);
    copied_ = text_.size();
    return cleaned_;
  }

 private:
  void Fail(std::string what) {
    if (!status_.ok()) return;
    status_ = Status::InvalidArgument(what + " (line " + std::to_string(line_) + ")");
  }

  bool LookingAt(std::string_view s) const { return text_.substr(pos_, s.size()) == s; }

  // One byte of text or tag: counts lines, checks control characters and
  // character references.
  void Ordinary() {
    const auto c = static_cast<unsigned char>(text_[pos_]);
    if (c == '\n') ++line_;
    if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') {
      return Fail("control character " + std::to_string(c) + " is not allowed in XML");
    }
    if (c == 0xEF && (LookingAt("\xEF\xBF\xBE") || LookingAt("\xEF\xBF\xBF"))) {
      return Fail("U+FFFE and U+FFFF are not allowed in XML");
    }
    if (c == '&' && LookingAt("&#")) return CharRef();
    ++pos_;
  }

  // "&#...;" must name a character that XML allows.
  void CharRef() {
    size_t i = pos_ + 2;
    const bool hex = i < text_.size() && text_[i] == 'x';
    if (hex) ++i;
    const size_t digits = i;
    uint32_t cp = 0;
    for (int d; i < text_.size() && (d = DigitValue(text_[i], hex)) >= 0; ++i) {
      if (cp <= 0x10FFFF) cp = cp * (hex ? 16 : 10) + d;  // Past that it stays too big.
    }
    if (i == digits || i >= text_.size() || text_[i] != ';') {
      return Fail("malformed character reference");
    }
    if (!IsXmlChar(cp)) return Fail("character reference to a character XML does not allow");
    pos_ = i + 1;
  }

  // Moves past `end`, checking the bytes on the way; false when it is absent.
  bool SkipPast(std::string_view end) {
    while (pos_ < text_.size() && status_.ok() && !LookingAt(end)) {
      if (text_[pos_] == '&') {
        ++pos_;  // Not a reference inside comments, CDATA and instructions.
      } else {
        Ordinary();
      }
    }
    const bool found = pos_ < text_.size();
    pos_ = std::min(pos_ + end.size(), text_.size());
    return found;
  }

  void Markup() {
    const size_t start = pos_;
    const bool prolog = in_prolog_;
    in_prolog_ = false;
    // An unterminated comment or CDATA section is left for tinyxml2 to report.
    if (LookingAt("<!--")) return static_cast<void>(SkipPast("-->"));
    if (LookingAt("<![CDATA[")) return static_cast<void>(SkipPast("]]>"));
    if (LookingAt("<!")) {
      if (status_.ok()) status_ = Status::InvalidArgument(kDtdRefused);
      return;
    }
    if (LookingAt("<?")) {
      if (!SkipPast("?>")) return Fail("malformed XML: unterminated processing instruction");
      return Instruction(start, prolog);
    }
    Tag();
  }

  // A start or end tag: '>' inside quoted attribute values does not end it.
  // Each attribute of a start tag has one '=' outside quotes; counting every
  // such '=' bounds the attributes (malformed tags tinyxml2 refuses anyway).
  void Tag() {
    const bool start_tag = pos_ + 1 < text_.size() && text_[pos_ + 1] != '/';
    if (start_tag && ++elements_ > kMaxElements) {
      return Fail("XML document has more than " + std::to_string(kMaxElements) + " elements");
    }
    size_t attributes = 0;
    char quote = 0;
    ++pos_;
    while (pos_ < text_.size() && status_.ok()) {
      const char c = text_[pos_];
      if (quote == 0 && c == '>') {
        ++pos_;
        return;
      }
      if (c == quote) {
        quote = 0;
      } else if (quote == 0 && (c == '"' || c == '\'')) {
        quote = c;
      } else if (quote == 0 && c == '=' && ++attributes > kMaxAttributes) {
        return Fail("XML element has more than " + std::to_string(kMaxAttributes) + " attributes");
      }
      Ordinary();
    }
  }

  // The XML declaration stays when it opens the document; every other
  // processing instruction is cut out. Any `<?xml` must declare UTF-8.
  void Instruction(size_t start, bool prolog) {
    const std::string_view body = text_.substr(start + 2, pos_ - start - 2);
    const bool is_xml = StartsWithNoCase(body, "xml") &&
                        (body.size() == 3 || IsXmlSpace(body[3]) || body[3] == '?');
    if (is_xml) {
      const std::string_view enc = DeclaredEncoding(body);
      if (!enc.empty() && !EqualsNoCase(enc, "utf-8") && !EqualsNoCase(enc, "utf8")) {
        return Fail("XML encoding \"" + ToValidUtf8(enc.substr(0, 40)) +
                    "\" is not accepted: send UTF-8");
      }
      if (prolog) return;
    }
    if (!cleaning_) cleaned_.reserve(text_.size());
    cleaning_ = true;
    cleaned_.append(text_, copied_, start - copied_);
    copied_ = pos_;
  }

  std::string_view text_;
  size_t pos_ = 0;
  int line_ = 1;
  bool in_prolog_ = true;  // Only whitespace so far.
  Status status_;
  bool cleaning_ = false;  // cleaned_ = text_ minus the cut-out instructions.
  std::string cleaned_;
  size_t copied_ = 0;      // text_[copied_, ...) is not in cleaned_ yet.
  size_t elements_ = 0;    // Start tags so far.
};

std::string ElementKey(const tinyxml2::XMLElement& e) {
  std::string name = e.Name();
  for (char& c : name) {
    if (c == '-') c = '_';
  }
  return name;
}

bool IsNil(const tinyxml2::XMLElement& e) {
  for (const tinyxml2::XMLAttribute* a = e.FirstAttribute(); a; a = a->Next()) {
    const std::string_view name = a->Name();
    const bool nil = name == "nil" || (name.size() > 4 && name.substr(name.size() - 4) == ":nil");
    if (nil && (EqualsNoCase(a->Value(), "true") || std::strcmp(a->Value(), "1") == 0)) {
      return true;
    }
  }
  return false;
}

bool IsArray(const tinyxml2::XMLElement& e) {
  const char* type = e.Attribute("type");
  return type != nullptr && std::strcmp(type, "array") == 0;
}

// Element -> Value, refusing documents deeper than kMaxDepth.
class TreeConverter {
 public:
  Value Convert(const tinyxml2::XMLElement& e, int depth) {
    if (depth > kMaxDepth) {
      if (status_.ok()) status_ = Status::InvalidArgument("XML nested too deeply");
      return Value();
    }
    if (IsNil(e)) return Value();
    if (IsArray(e)) {
      Value array = Value::Array();
      for (auto* c = e.FirstChildElement(); c && status_.ok(); c = c->NextSiblingElement()) {
        array.Push(Value::Wrap(ElementKey(*c), Convert(*c, depth + 1)));
      }
      return array;
    }
    if (e.FirstChildElement() != nullptr) {  // Mixed content: the elements win.
      Value object = Value::Object();
      std::unordered_map<std::string, size_t> index;
      for (auto* c = e.FirstChildElement(); c && status_.ok(); c = c->NextSiblingElement()) {
        SetIndexed(&object, &index, ElementKey(*c), Convert(*c, depth + 1));  // Last wins.
      }
      return object;
    }
    std::string text;  // Text and CDATA pieces around comments, in order.
    for (const tinyxml2::XMLNode* n = e.FirstChild(); n; n = n->NextSibling()) {
      if (const tinyxml2::XMLText* t = n->ToText()) text += t->Value();
    }
    return Value::XmlText(std::move(text));
  }

  const Status& status() const { return status_; }

 private:
  Status status_;
};

std::string TinyXmlError(const tinyxml2::XMLDocument& doc) {
  std::string text = "malformed XML at line " + std::to_string(doc.ErrorLineNum()) + ": " +
                     doc.ErrorName();
  // ErrorStr() is "Error=NAME ErrorID=.. (0x..) Line number=N[: detail]".
  const std::string_view full = doc.ErrorStr();
  const size_t line_at = full.find("Line number=");
  const size_t detail_at = full.find(": ", line_at == std::string_view::npos ? 0 : line_at);
  if (line_at != std::string_view::npos && detail_at != std::string_view::npos) {
    text += " (" + std::string(full.substr(detail_at + 2, 120)) + ")";
  }
  return ToValidUtf8(text);
}

// The single root element, or an error for none, several, or stray text.
Result<const tinyxml2::XMLElement*> RootElement(const tinyxml2::XMLDocument& doc) {
  const tinyxml2::XMLElement* root = nullptr;
  for (const tinyxml2::XMLNode* n = doc.FirstChild(); n; n = n->NextSibling()) {
    if (n->ToText() != nullptr) {
      return Status::InvalidArgument("malformed XML: text outside the root element");
    }
    if (const tinyxml2::XMLElement* e = n->ToElement()) {
      if (root != nullptr) {
        return Status::InvalidArgument("malformed XML: more than one root element");
      }
      root = e;
    }
  }
  if (root == nullptr) return Status::InvalidArgument("malformed XML: no root element");
  return root;
}

}  // namespace

Result<Value> ParseXml(std::string_view text) {
  size_t first = text.substr(0, 3) == "\xEF\xBB\xBF" ? 3 : 0;
  while (first < text.size() && IsXmlSpace(text[first])) ++first;
  if (first == text.size()) return Status::InvalidArgument("request body is empty");
  if (!IsValidUtf8(text)) return Status::InvalidArgument("request body is not valid UTF-8");

  Prescan scan(text);
  if (Status s = scan.Run(); !s.ok()) return s;
  const std::string_view clean = scan.result();
  tinyxml2::XMLDocument doc(/*processEntities=*/true, tinyxml2::PRESERVE_WHITESPACE);
  if (doc.Parse(clean.data(), clean.size()) != tinyxml2::XML_SUCCESS) {
    if (doc.ErrorID() == tinyxml2::XML_ELEMENT_DEPTH_EXCEEDED) {
      return Status::InvalidArgument("XML nested too deeply");
    }
    if (doc.ErrorID() == tinyxml2::XML_ERROR_EMPTY_DOCUMENT) {
      return Status::InvalidArgument("malformed XML: no root element");
    }
    return Status::InvalidArgument(TinyXmlError(doc));
  }
  Result<const tinyxml2::XMLElement*> root = RootElement(doc);
  if (!root.ok()) return root.status();

  TreeConverter converter;
  const tinyxml2::XMLElement& e = **root;
  Value v = IsArray(e) && !IsNil(e) ? converter.Convert(e, 1)
                                    : Value::Wrap(ElementKey(e), converter.Convert(e, 1));
  if (!converter.status().ok()) return converter.status();
  return v;
}

}  // namespace cammio
