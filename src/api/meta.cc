#include "api/meta.h"

#include "util/embedded.h"

namespace cammio {

Status OpenApiHandler(Call& call) {
  const EmbeddedFile* f = FindEmbeddedFile("docs/openapi.json");
  if (f == nullptr) return Status::NotFound("this build carries no OpenAPI document");
  call.res().status = 200;
  call.res().set_content(std::string(f->data), "application/json; charset=utf-8");
  return Status::OK();
}

}  // namespace cammio
