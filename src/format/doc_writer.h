// DocWriter: a document written straight into its JSON or XML text, event by
// event, without building a Value tree first; or, for callers that need the
// tree, into a Value. The text is byte for byte what Render() gives for the
// tree the same events build (tests/format/doc_writer_test.cc), so a handler
// may answer either way under the same contract (docs/contract.md "Formats").
//
// Why: an uncached GET of a vacancy with 60 embedded resources spent half its
// CPU building the tree (a heap string per key and value, a vector per
// object) and walking it again to render (issue 17).
//
// The shapes are the API's (cammio/document.h):
//   BeginObject(name) at the top or in an array opens the wrapped element
//     {"name": {...}} (XML <name>...</name>);
//   BeginObject(key) / BeginArray(key) / the leaves in an object name a member;
//   BeginArray(root) at the top opens a list (XML <root type="array">).
// An array holds only wrapped objects. Every Begin has its End; Take() once
// the top-level container is closed.
//
// Thread-safety: one DocWriter belongs to one thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cammio/document.h"
#include "format/render.h"

namespace cammio {

class DocWriter {
 public:
  // Writes the text of `format`.
  explicit DocWriter(Format format) : DocWriter(format, 4096) {}
  // Same, with room for `reserve` bytes of text to start with (a list that
  // knows its length: the text then grows without being copied).
  DocWriter(Format format, size_t reserve);
  // Builds the tree into *tree (which must outlive the writer) instead.
  explicit DocWriter(Value* tree);
  DocWriter(const DocWriter&) = delete;
  DocWriter& operator=(const DocWriter&) = delete;

  void BeginObject(std::string_view name) { Begin(name, false); }
  void EndObject() { End(); }
  void BeginArray(std::string_view name) { Begin(name, true); }
  void EndArray() { End(); }

  void Int(std::string_view key, int64_t v);
  void Bool(std::string_view key, bool v);
  void String(std::string_view key, std::string_view v);
  // An ISO 8601 text (Value::Datetime).
  void Datetime(std::string_view key, std::string_view iso);
  // Datetime(key, FormatUtc(epoch)), formatted without an allocation.
  void UtcDatetime(std::string_view key, int64_t epoch);
  void Null(std::string_view key);
  void StringOrNull(std::string_view key, const std::optional<std::string>& v) {
    v ? String(key, *v) : Null(key);
  }
  void IntOrNull(std::string_view key, const std::optional<int64_t>& v) {
    v ? Int(key, *v) : Null(key);
  }
  // Any tree as the member `key` (e.g. stored JSON a client sent).
  void Tree(std::string_view key, Value v);

  // Appends the text written since the start or the last call to *out and
  // goes on writing (a streamed list's chunks: their concatenation is
  // Take()'s text). Keeps the text's room for the next chunk.
  void MoveTextTo(std::string* out) {
    Flush();
    out->append(out_);
    out_.clear();
  }
  // The text written (empty for a tree writer); the writer is spent.
  std::string Take() {
    Flush();
    return std::move(out_);
  }

 private:
  enum class Mode { kJson, kXml, kTree };
  struct Frame {
    std::string name;      // XML element name; the tree's member key
    bool array = false;    // an array (else an object)
    bool wrapped = false;  // a wrapped object {"name": {...}} (JSON closes two)
    bool empty = true;     // nothing in it yet
    Value tree;            // kTree: the container being built
  };

  void Begin(std::string_view name, bool array);
  void End();
  // JSON: the comma before a member or item. XML: what opening the first
  // child of the innermost container writes.
  void BeforeChild();
  // JSON "key": in an object.
  void JsonKey(std::string_view key);
  // How a scalar's text goes into JSON: as it is (a number, true, null), as
  // a string, or as a string known to need no escape (a formatted time).
  enum class Quote { kNone, kCheck, kPlain };
  // JSON: a whole scalar member or item, comma included (BeforeChild's
  // part), `text` as the value.
  void JsonLeaf(std::string_view key, std::string_view text, Quote quote);
  void XmlOpen(std::string_view name);  // indentation and "<name"
  void XmlLeaf(std::string_view key, const char* type, std::string_view text);
  // A scalar: `text` as the JSON value (quoted as `quote` says), in XML an
  // element of `xml_type` (nullptr: none) holding `text`; make() the tree's.
  template <typename MakeValue>
  void Leaf(std::string_view key, const char* xml_type, std::string_view text, Quote quote,
            MakeValue make);
  void AddToTree(std::string_view key, Value v);
  int depth() const { return static_cast<int>(stack_.size()); }
  // Appends what the leaves put together in pending_.
  void Flush() {
    if (pending_size_ != 0) {
      out_.append(pending_, pending_size_);
      pending_size_ = 0;
    }
  }
  // out_ for appending, flushed first: everything but the fast paths (the
  // leaves, JSON's brackets) writes through it, so the text keeps its order.
  std::string& Out() {
    Flush();
    return out_;
  }

  Mode mode_;
  std::string out_;
  // The usual JSON member (a short key and value, neither needing an
  // escape) or XML element is put together here, a run of them appended at
  // once: per piece or per member, the appends cost more than the bytes.
  size_t pending_size_ = 0;
  char pending_[1024];
  Value* tree_ = nullptr;
  std::vector<Frame> stack_;
};

// The tree `write(DocWriter&)` builds, for callers that keep a Value (a
// reply rendered from a tree, a list rendered later): one definition of a document
// serves both ways.
template <typename F>
Value BuildValue(F write) {
  Value tree;
  {
    DocWriter w(&tree);
    write(w);
  }
  return tree;
}

}  // namespace cammio
