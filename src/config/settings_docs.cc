#include "config/settings_docs.h"

#include <sstream>

#include "config/config.h"

namespace cammio {
namespace {

const char kConfHeader[] =
    "# /etc/cammio/cammio.conf: settings of the cammio service (cammio.service\n"
    "# runs `cammio serve --config /etc/cammio/cammio.conf`; the admin commands\n"
    "# take the same --config so that they find the same data directory).\n"
    "#\n"
    "# Syntax: one `name = value` per line, blanks around `=` ignored. `#` starts\n"
    "# a comment anywhere on a line, so a value cannot contain `#`. Values are not\n"
    "# quoted. An unknown name or a bad value stops cammio with FILE:LINE: reason.\n"
    "# Precedence: built-in defaults < this file < CAMMIO_* environment variables\n"
    "# (e.g. a systemd drop-in with Environment=CAMMIO_LOG_LEVEL=debug) < flags.\n"
    "# A commented-out line shows the built-in default, or an example where the\n"
    "# default is empty.\n"
    "# After a change: systemctl restart cammio\n"
    "# (Generated from the settings table in src/config/config.cc by\n"
    "# tools/gen-settings-docs.)\n";

const char* Shown(const ConfigSetting& s) {
  if (s.default_shown != nullptr) return s.default_shown;
  return *s.default_value != '\0' ? s.default_value : "(empty)";
}

// "# " before each line of `text` ("#" alone before an empty one).
void Comment(std::ostringstream& out, const std::string& text) {
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) out << (line.empty() ? "#" : "# " + line) << "\n";
}

const std::string* ApplianceValue(const std::string& name) {
  for (const auto& [n, v] : ApplianceSettings()) {
    if (n == name) return &v;
  }
  return nullptr;
}

}  // namespace

std::string SettingsMarkdownTable() {
  std::ostringstream out;
  out << "| setting | environment | default | meaning |\n|---|---|---|---|\n";
  for (const ConfigSetting& s : ConfigSettings()) {
    out << "| " << s.name << " | " << s.env << " | " << Shown(s) << " | " << s.help << " |\n";
  }
  return out.str();
}

const std::vector<std::pair<std::string, std::string>>& ApplianceSettings() {
  static const std::vector<std::pair<std::string, std::string>> settings = {
      {"data_dir", "/var/lib/cammio"}, {"listen", "0.0.0.0:8443"}, {"log_level", "info"}};
  return settings;
}

std::string SettingsConfFile() {
  std::ostringstream out;
  out << kConfHeader;
  for (const ConfigSetting& s : ConfigSettings()) {
    if (s.conf_doc != nullptr) {
      out << "\n";
      Comment(out, s.conf_doc);
    }
    if (const std::string* v = ApplianceValue(s.name)) {
      out << s.name << " = " << *v << "\n";
    } else {
      out << "#" << s.name << " = " << (s.conf_example ? s.conf_example : s.default_value) << "\n";
    }
  }
  return out.str();
}

}  // namespace cammio
