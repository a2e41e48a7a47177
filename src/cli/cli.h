// The admin command line (the same binary as the server). Scripts and tests
// rely on its exact interface:
//   cammio serve [--data DIR] [--listen ADDR:PORT] [--http-listen ADDR:PORT]
//                [--public-url URL] [--config FILE]
//   cammio demo [--data DIR]                       demo account, story, token, links
//   cammio account create --name NAME [--data DIR]
//   cammio account list [--data DIR]
//   cammio account disable|enable ID [--data DIR]
//   cammio user create --account ID --email EMAIL --name NAME [--phone P] [--data DIR]
//   cammio token create --email EMAIL [--data DIR]
//   cammio token revoke --id ID [--data DIR]
//   cammio token list [--email EMAIL] [--data DIR]
//   cammio version
// Results are JSON on stdout; errors a sentence on stderr and exit code 1
// (2 for usage errors).
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "cammio/document.h"
#include "cammio/status.h"
#include "config/config.h"

namespace cammio {

// Parsed command line: positional words and --flags.
struct Args {
  std::vector<std::string> words;
  std::map<std::string, std::string> flags;
  bool Has(const std::string& f) const { return flags.count(f) > 0; }
  std::string Get(const std::string& f, const std::string& def = "") const {
    auto it = flags.find(f);
    return it == flags.end() ? def : it->second;
  }
};

// Every flag takes a value (`--name VALUE` or `--name=VALUE`).
Result<Args> ParseArgs(int argc, char** argv);

// The layered configuration for a command: defaults, --config file,
// environment, then --data/--listen/--http-listen/--public-url flags.
Result<Config> ConfigFromArgs(const Args& args);

class Store;

int RunCli(int argc, char** argv);
// Creates the data directory (mode 0700) if missing.
Status EnsureDataDir(const std::string& dir);
// Opens DATA/cammio.db, applying migrations; an upgrade of an existing
// schema is backed up first (ops::BackupBeforeMigrations).
Result<std::unique_ptr<Store>> OpenDataStore(const Config& config);
// `cammio demo` (cli/demo.h): creates what is missing of the demo story and
// prints a fresh token and the links to click.
// `cammio demo`: refuses a database with other accounts unless `alongside`.
int DemoCommand(const Config& config, Store& store, bool alongside);
int RunServe(const Config& config);
int RunAdminCommand(const Args& args, const Config& config);

// For the command files: the error's sentence on stderr, exit code 1; a usage
// error on stderr, exit code 2; a JSON document as one line on stdout; a
// positive decimal id or count ("7", not "07x", "0" or "-1").
int CliFail(const Status& s);
int CliUsage(const std::string& what);
void CliPrint(const Value& v);
bool ParsePositive(const std::string& s, int64_t* out);
// `cammio mail ...` (cli/mail_commands.cc) and `cammio notifications ...`
// (cli/notify_commands.cc) on an open store: 0, 1 on failure, 2 on usage.
int MailCommand(const Args& args, Store& store);
int NotificationsCommand(const Args& args, Store& store);

}  // namespace cammio
