#include "util/embedded.h"

namespace cammio {

const EmbeddedFile* FindEmbeddedFile(std::string_view path) {
  for (const auto& f : EmbeddedFiles()) {
    if (f.path == path) return &f;
  }
  return nullptr;
}

}  // namespace cammio
