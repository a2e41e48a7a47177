// The settings' documentation is generated from the settings table
// (src/config/config.cc): the README's table (between the settings markers)
// and firmware/cammio.conf must be what config/settings_docs.h generates now,
// and the generated cammio.conf must load to the defaults plus the appliance's
// values.
#include "config/settings_docs.h"

#include <doctest/doctest.h>

#include <fstream>
#include <sstream>
#include <string>

#include "config/config.h"
#include "testing/test_support.h"

namespace cammio {
namespace {

constexpr char kRegenerate[] =
    "regenerate with: cmake --build build/release --target cammio && tools/gen-settings-docs";

std::string ReadSourceFile(const std::string& rel) {
  std::ifstream in(std::string(CAMMIO_SOURCE_DIR) + "/" + rel, std::ios::binary);
  REQUIRE_MESSAGE(in, "cannot read " << rel);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// "" when equal, else the first differing line of `actual` against `expected`.
std::string FirstDifference(const std::string& expected, const std::string& actual) {
  std::istringstream e(expected), a(actual);
  std::string el, al;
  for (int n = 1;; ++n) {
    bool he = static_cast<bool>(std::getline(e, el)), ha = static_cast<bool>(std::getline(a, al));
    if (!he && !ha) return expected == actual ? "" : "the files differ in their last newline";
    if (!he || !ha || el != al) {
      return "line " + std::to_string(n) + ":\n  generated: " + (he ? el : "(end)") +
             "\n  in file:   " + (ha ? al : "(end)");
    }
  }
}

// The text between the marker lines (both excluded).
std::string BetweenMarkers(const std::string& text) {
  const std::string begin = std::string(kSettingsBeginMarker) + "\n";
  const std::string end = std::string(kSettingsEndMarker) + "\n";
  size_t b = text.find(begin);
  REQUIRE_MESSAGE(b != std::string::npos, "README.md has no line " << kSettingsBeginMarker);
  b += begin.size();
  size_t e = text.find(end, b);
  REQUIRE_MESSAGE(e != std::string::npos, "README.md has no line " << kSettingsEndMarker);
  return text.substr(b, e - b);
}

// Every field of a Config, as text, for comparing two of them.
std::string Fields(const Config& c) {
  std::ostringstream s;
  s << c.data_dir << "|" << c.listen << "|" << c.http_listen << "|" << c.public_url << "|"
    << c.metrics_token << "|" << c.tls_cert << "|" << c.tls_key << "|" << c.hostnames << "|"
    << c.workers << "|" << c.running_workers << "|" << c.max_idle_connections << "|"
    << c.keep_alive_max_count << "|" << c.keep_alive_timeout << "|" << c.read_timeout << "|"
    << c.header_timeout << "|" << c.write_timeout << "|" << c.max_body_kib << "|" << c.backlog
    << "|" << c.response_cache_kib << "|" << c.log_level << "|" << c.outbound_allow << "|"
    << c.trusted_proxies;
  return s.str();
}

TEST_CASE("settings docs: README's settings table is the one generated from the settings table") {
  const std::string diff =
      FirstDifference(SettingsMarkdownTable(), BetweenMarkers(ReadSourceFile("README.md")));
  CHECK_MESSAGE(diff.empty(), "README.md's settings table is out of date, " << diff << "\n"
                                                                            << kRegenerate);
}

TEST_CASE("settings docs: firmware/cammio.conf is the one generated from the settings table") {
  const std::string diff =
      FirstDifference(SettingsConfFile(), ReadSourceFile("firmware/cammio.conf"));
  CHECK_MESSAGE(diff.empty(), "firmware/cammio.conf is out of date, " << diff << "\n"
                                                                      << kRegenerate);
}

TEST_CASE("settings docs: every setting is in both, with its environment variable") {
  const std::string table = SettingsMarkdownTable();
  const std::string conf = SettingsConfFile();
  for (const ConfigSetting& s : ConfigSettings()) {
    INFO("setting " << s.name);
    std::string env = "CAMMIO_";
    for (const char* p = s.name; *p != '\0'; ++p) env += static_cast<char>(std::toupper(*p));
    CHECK(std::string(s.env) == env);
    CHECK(std::string(s.help).size() > 5);
    CHECK(table.find("| " + std::string(s.name) + " | " + env + " | ") != std::string::npos);
    const bool line = conf.find("\n" + std::string(s.name) + " = ") != std::string::npos ||
                      conf.find("\n#" + std::string(s.name) + " = ") != std::string::npos;
    CHECK(line);
  }
  CHECK(ConfigSettings().front().conf_doc != nullptr);
}

TEST_CASE(
    "settings docs: the generated cammio.conf loads to the defaults and the appliance's values") {
  testing::TempDir dir;
  const std::string path = dir.path() + "/cammio.conf";
  std::ofstream(path) << SettingsConfFile();
  Config loaded = DefaultConfig();
  REQUIRE(LoadConfigFile(&loaded, path).ok());
  Config expected = DefaultConfig();
  for (const auto& [name, value] : ApplianceSettings()) {
    REQUIRE(SetConfigValue(&expected, name, value).ok());
  }
  CHECK(Fields(loaded) == Fields(expected));
  CHECK(loaded.data_dir == "/var/lib/cammio");

  // Every commented-out line, enabled, is accepted too (the examples are valid).
  std::ostringstream all;
  std::istringstream in(SettingsConfFile());
  std::string l;
  while (std::getline(in, l)) {
    const size_t eq = l.find(" = ");
    const bool setting = l.size() > 1 && l[0] == '#' && std::islower(l[1]) &&
                         eq != std::string::npos && l.find(' ') == eq;
    all << (setting ? l.substr(1) : l) << "\n";
  }
  std::ofstream(path) << all.str();
  Config every = DefaultConfig();
  Status s = LoadConfigFile(&every, path);
  CHECK_MESSAGE(s.ok(), s.ToString());
  CHECK(every.http_listen == "127.0.0.1:8080");
}

}  // namespace
}  // namespace cammio
