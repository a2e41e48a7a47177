// The operations commands of the admin CLI (src/ops/, docs/operations.md):
//   cammio backup --to FILE [--include-tls yes|no]
//                                            consistent snapshot, server may run;
//                                            fails on a damaged database
//   cammio restore --from FILE [--restore-tls yes|no]
//                                            refused while a server runs
//   cammio check                             JSON report; exit 1 if an item fails
//   cammio version                           version, schema, SQLite, mbedTLS
//   cammio candidate erase --account ID --email EMAIL
//   cammio candidate export --account ID --email EMAIL --to FILE
//   cammio retention set --account ID --days N | clear --account ID
//                    | show --account ID | run
// Results are JSON on stdout (version: text); errors a sentence on stderr
// with exit code 1, usage errors exit code 2 -- as the other commands.
//
// Thread-safety: called once from main's thread.
#pragma once

#include <string>

#include "cli/cli.h"

namespace cammio {

// True for the words RunOpsCommand handles.
bool IsOpsCommand(const std::string& command);
// Runs one of them; the exit code.
int RunOpsCommand(const Args& args, const Config& config);

}  // namespace cammio
