// The pieces of the XML renderer (xml.cc) that format/doc_writer.cc writes
// with, so that both give the same bytes for the same document.
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>

#include "cammio/document.h"

namespace cammio {

// "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", which every document starts with.
const char* XmlDeclaration();
// `name` as a well-formed element name (itself when it is one already; else
// a repaired copy in *storage).
std::string_view XmlElementName(std::string_view name, std::string* storage);
// Appends `raw` as element text: escaped, invalid UTF-8 repaired.
void AppendXmlText(std::string_view raw, std::string* out);
// Appends <name ...>v</name> at `depth` (two spaces each), ending in a newline.
void AppendXmlElement(std::string_view name, const Value& v, int depth, std::string* out);

}  // namespace cammio
