#include "format/render.h"

namespace cammio {

const char* ContentTypeFor(Format format) {
  return format == Format::kXml ? "application/xml; charset=utf-8"
                                : "application/json; charset=utf-8";
}

std::string Render(const Value& v, Format format, std::string_view list_root) {
  return format == Format::kXml ? RenderXml(v, list_root) : RenderJson(v);
}

}  // namespace cammio
