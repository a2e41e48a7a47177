// GET /public/assets/<name>: the pages' styles, scripts and texts, embedded
// from src/web/assets/ at build time (cmake/Embed.cmake), so the pages need
// nothing beyond the appliance.
#include "util/embedded.h"
#include "web/pages.h"

namespace cammio::web {
namespace {

constexpr std::string_view kPrefix = "/public/assets/";

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

const char* ContentTypeOf(std::string_view name) {
  if (EndsWith(name, ".css")) return "text/css; charset=utf-8";
  if (EndsWith(name, ".js")) return "text/javascript; charset=utf-8";
  if (EndsWith(name, ".json")) return "application/json; charset=utf-8";
  if (EndsWith(name, ".svg")) return "image/svg+xml";
  return "application/octet-stream";
}

}  // namespace

Status AssetHandler(Call& call) {
  std::string_view path = call.req().path;
  if (path.substr(0, kPrefix.size()) != kPrefix) return Status::NotFound("no such asset");
  std::string name(path.substr(kPrefix.size()));
  const EmbeddedFile* f = FindEmbeddedFile("src/web/assets/" + name);
  if (f == nullptr || name.find("..") != std::string::npos) {
    return Status::NotFound("no such asset");
  }
  // Not fingerprinted: a short cache keeps an upgraded appliance consistent.
  call.res().set_header("Cache-Control", "public, max-age=300");
  call.res().status = 200;
  call.res().set_content(f->data.data(), f->data.size(), ContentTypeOf(name));
  return Status::OK();
}

}  // namespace cammio::web
