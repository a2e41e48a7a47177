// The recruiter console's files (src/web/assets/console/, docs/web.md
// "Recruiter console"): every embedded file but index.html (which GET
// /console serves) is reachable under /public/assets/console/ with its type,
// so a module added without its route row (src/console/routes.cc) fails
// here rather than in a browser; and its English and Dutch texts have the
// same keys.
#include <doctest/doctest.h>

#include <set>

#include "cammio/document.h"
#include "testing/api_helpers.h"
#include "util/embedded.h"

namespace cammio {
namespace {

using namespace cammio::testing;

constexpr std::string_view kDir = "src/web/assets/console/";

std::set<std::string> Keys(std::string_view path) {
  const EmbeddedFile* f = FindEmbeddedFile(path);
  REQUIRE(f != nullptr);
  auto doc = ParseJson(f->data);
  REQUIRE(doc.ok());
  REQUIRE(doc->is_object());
  std::set<std::string> keys;
  for (const auto& m : doc->members()) {
    CHECK_MESSAGE(m.second.is_string(), m.first);
    CHECK_MESSAGE(!m.second.as_string().empty(), m.first);
    keys.insert(m.first);
  }
  return keys;
}

TEST_CASE("web: every console file is served with its type; EN and NL have the same keys") {
  TestServer server;
  Api api(server);
  int served = 0;
  for (const EmbeddedFile& f : EmbeddedFiles()) {
    if (f.path.substr(0, kDir.size()) != kDir) continue;
    std::string name(f.path.substr(kDir.size()));
    if (name == "index.html") continue;
    CAPTURE(name);
    Resp r = api.Get("/public/assets/console/" + name);
    REQUIRE(r.status == 200);
    CHECK(r.body == f.data);
    std::string type = r.Header("Content-Type");
    if (name.size() > 3 && name.substr(name.size() - 3) == ".js") {
      CHECK(type == "text/javascript; charset=utf-8");
    } else if (name.size() > 4 && name.substr(name.size() - 4) == ".css") {
      CHECK(type == "text/css; charset=utf-8");
    } else {
      CHECK(type == "application/json; charset=utf-8");
    }
    ++served;
  }
  CHECK(served >= 10);  // app, core, the screens, css, two languages
  CHECK(FindEmbeddedFile(std::string(kDir) + "index.html") != nullptr);
  CHECK(api.Get("/public/assets/console/index.html").status == 404);

  std::set<std::string> en = Keys(std::string(kDir) + "i18n/en.json");
  std::set<std::string> nl = Keys(std::string(kDir) + "i18n/nl.json");
  CHECK(en.size() > 100);
  CHECK(en == nl);
}

}  // namespace
}  // namespace cammio
