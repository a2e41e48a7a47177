// The settings' documentation, generated from the settings table
// (config/config.h, ConfigSettings): the README's table of settings and the
// commented firmware/cammio.conf of the appliance. `cammio settings markdown`
// and `cammio settings conf` print them; tools/gen-settings-docs writes them
// into README.md (between the settings markers) and firmware/cammio.conf, and
// tests/config/settings_docs_test.cc fails when the files differ.
//
// Thread-safety: pure functions of constant tables.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace cammio {

// The README's table: a header row, then one row per setting (name,
// environment variable, default, meaning), each line ending in '\n'.
std::string SettingsMarkdownTable();

// The settings the appliance's cammio.conf sets instead of leaving them at
// the default (data_dir, listen, log_level), in table order.
const std::vector<std::pair<std::string, std::string>>& ApplianceSettings();

// firmware/cammio.conf: a header on syntax and precedence, then each setting
// under its comment, commented out at its default (or an example) unless the
// appliance sets it.
std::string SettingsConfFile();

// The markers around the generated table in README.md.
constexpr char kSettingsBeginMarker[] = "<!-- settings:begin -->";
constexpr char kSettingsEndMarker[] = "<!-- settings:end -->";

}  // namespace cammio
