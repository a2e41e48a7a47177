#include "cli/cli.h"

#include <iostream>

#include "cli/ops_commands.h"
#include "config/settings_docs.h"
#include "ops/check.h"
#include "util/crypto.h"
#include "util/log.h"

namespace cammio {
namespace {

const char kUsage[] =
    "usage: cammio <command> [options]\n"
    "  serve [--data DIR] [--listen ADDR:PORT] [--http-listen ADDR:PORT] [--public-url URL] "
    "[--config FILE]\n"
    "  demo [--data DIR] [--alongside yes]   (yes: beside other accounts)\n"
    "  account create --name NAME | account list | account disable ID | account enable ID\n"
    "  user create --account ID --email EMAIL --name NAME [--phone PHONE] [--role "
    "admin|recruiter]\n"
    "      [--invite yes [--lang en|nl]]   (yes: emails and prints a set-password link)\n"
    "  user password EMAIL   (the new password on standard input; twice on a terminal)\n"
    "  token create --email EMAIL | token revoke --id ID | token list [--email EMAIL]\n"
    "  mail list [--status pending|sent|failed] [--account ID] [--limit N]\n"
    "  mail settings --account ID [--host H --from ADDR] [--port P] [--security "
    "starttls|tls|none]\n"
    "      [--user U] [--password P | --password-file F] [--from-name N] [--ca-file PEM] "
    "[--verify on|off]\n"
    "  notifications settings --account ID [--json DOC | --json-file FILE]\n"
    "  notifications list --account ID [--limit N]\n"
    "  backup --to FILE [--include-tls yes|no]     (tls/ holds the private key: default no)\n"
    "  restore --from FILE [--restore-tls yes|no]  (with the server stopped)\n"
    "  check                                        configuration, certificate, disk, database\n"
    "  candidate erase --account ID --email EMAIL | candidate export --account ID --email EMAIL "
    "--to FILE\n"
    "  retention set --account ID --days N | retention clear|show --account ID | retention run\n"
    "  version\n"
    "Every command takes --data DIR (default ";
const char kUsageEnd[] = ") and --config FILE.\n";

std::string Usage() { return kUsage + DefaultConfig().data_dir + kUsageEnd; }

// `cammio settings markdown|conf` (not in the usage: tools/gen-settings-docs
// runs it) prints the documentation generated from the settings table.
int SettingsCommand(const Args& args) {
  const std::string what = args.words.size() == 2 ? args.words[1] : "";
  if (what == "markdown") {
    std::cout << SettingsMarkdownTable();
  } else if (what == "conf") {
    std::cout << SettingsConfFile();
  } else {
    return CliUsage("usage: cammio settings markdown|conf");
  }
  return 0;
}

}  // namespace

int CliFail(const Status& s) {
  std::cerr << "cammio: " << s.details() << "\n";
  return 1;
}

int CliUsage(const std::string& what) {
  std::cerr << "cammio: " << what << " (see 'cammio help')\n";
  return 2;
}

void CliPrint(const Value& v) { std::cout << RenderJson(v) << "\n"; }

bool ParsePositive(const std::string& s, int64_t* out) {
  char* end = nullptr;
  long long v = std::strtoll(s.c_str(), &end, 10);
  if (s.empty() || *end != '\0' || v <= 0) return false;
  *out = v;
  return true;
}

Result<Args> ParseArgs(int argc, char** argv) {
  Args args;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a.rfind("--", 0) != 0) {
      args.words.push_back(a);
      continue;
    }
    std::string name = a.substr(2), value;
    size_t eq = name.find('=');
    if (eq != std::string::npos) {
      value = name.substr(eq + 1);
      name.resize(eq);
    } else if (i + 1 < argc) {
      value = argv[++i];
    } else {
      return Status::InvalidArgument("--" + name + " needs a value");
    }
    args.flags[name] = value;
  }
  return args;
}

Result<Config> ConfigFromArgs(const Args& args) {
  Config config = DefaultConfig();
  Status s;
  if (args.Has("config")) s = LoadConfigFile(&config, args.Get("config"));
  if (s.ok()) s = LoadConfigEnvironment(&config);
  static const std::pair<const char*, const char*> kFlags[] = {{"data", "data_dir"},
                                                               {"listen", "listen"},
                                                               {"http-listen", "http_listen"},
                                                               {"public-url", "public_url"}};
  for (const auto& [flag, setting] : kFlags) {
    if (s.ok() && args.Has(flag)) s = SetConfigValue(&config, setting, args.Get(flag));
  }
  if (!s.ok()) return s;
  return config;
}

int RunCli(int argc, char** argv) {
  auto args = ParseArgs(argc, argv);
  if (!args.ok() || args->words.empty()) {
    if (!args.ok()) std::cerr << "cammio: " << args.status().details() << "\n";
    std::cerr << Usage();
    return 2;
  }
  if (!InitCrypto()) {
    std::cerr << "cammio: cannot initialise the crypto library\n";
    return 1;
  }
  const std::string& cmd = args->words[0];
  if (cmd == "version") {
    std::cout << ops::VersionText();
    return 0;
  }
  if (cmd == "help" || cmd == "--help") {
    std::cout << Usage();
    return 0;
  }
  if (cmd == "settings") return SettingsCommand(*args);
  auto config = ConfigFromArgs(*args);
  if (!config.ok()) {
    std::cerr << "cammio: " << config.status().details() << "\n";
    return 2;
  }
  if (cmd == "serve") return RunServe(*config);
  if (IsOpsCommand(cmd)) return RunOpsCommand(*args, *config);
  return RunAdminCommand(*args, *config);
}

}  // namespace cammio
