// Files embedded into the binary at build time (cmake/Embed.cmake): SQL
// migrations from schema/, web assets from src/web/assets/, docs/openapi.json.
// Keys are repository-relative paths ("schema/001_init.sql").
#pragma once

#include <string_view>
#include <vector>

namespace cammio {

struct EmbeddedFile {
  std::string_view path;
  std::string_view data;
};

// All embedded files, sorted by path as the build lists them. Static storage.
const std::vector<EmbeddedFile>& EmbeddedFiles();

// The file at `path`, or nullptr.
const EmbeddedFile* FindEmbeddedFile(std::string_view path);

}  // namespace cammio
