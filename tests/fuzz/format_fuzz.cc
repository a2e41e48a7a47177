// sources: src/format/*.cc src/util/status.cc src/util/time.cc .deps/tinyxml2-*/tinyxml2.cpp
//
// libFuzzer target for src/format: feeds the input to ParseJson and ParseXml and
// checks, for whatever parses, that rendering gives documents that parse again:
//   JSON: RenderJson(ParseJson(RenderJson(v))) == RenderJson(v), exactly.
//   XML:  after one render -> parse round (which settles names), rendering is a
//         fixed point; RenderXml of any parsed JSON tree is well-formed XML.
// Build and run: tools/fuzz format (see tests/fuzz/README.md).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "cammio/document.h"

namespace {

using cammio::Result;
using cammio::Value;

void Check(bool ok) {
  if (!ok) std::abort();
}

// A tree rendered to XML parses again; 64-deep JSON may come out one level
// deeper in XML (a list of scalars gains <item> elements), which is refused.
void CheckXmlRendering(const Value& v) {
  const std::string xml = cammio::RenderXml(v, "items");
  Check(cammio::IsValidUtf8(xml));
  const Result<Value> back = cammio::ParseXml(xml);
  Check(back.ok() || back.status().details() == "XML nested too deeply");
}

void FuzzJson(std::string_view text) {
  const Result<Value> v = cammio::ParseJson(text);
  if (!v.ok()) return;
  const std::string json = cammio::RenderJson(v.value());
  Check(cammio::IsValidUtf8(json));
  const Result<Value> again = cammio::ParseJson(json);
  Check(again.ok() && cammio::RenderJson(again.value()) == json);
  CheckXmlRendering(v.value());
}

void FuzzXml(std::string_view text) {
  const Result<Value> v = cammio::ParseXml(text);
  if (!v.ok()) return;
  cammio::RenderJson(v.value());
  const Result<Value> settled = cammio::ParseXml(cammio::RenderXml(v.value(), "items"));
  Check(settled.ok());
  const std::string xml = cammio::RenderXml(settled.value(), "items");
  const Result<Value> again = cammio::ParseXml(xml);
  Check(again.ok() && cammio::RenderXml(again.value(), "items") == xml);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  FuzzJson(text);
  FuzzXml(text);
  return 0;
}
