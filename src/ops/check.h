// `cammio check`: a pre-flight and health report of an installation, safe to
// run beside a running server (it only reads). Each item is ok, warn or fail:
//   config       the configuration parsed; the data directory exists and is
//                writable (probed by creating a file: catches read-only
//                mounts even for root);
//   certificate  the configured or generated certificate and key exist; fail
//                when expired, warn within `cert_warn_days` of expiry;
//   disk         free space on the data filesystem: fail under
//                `min_free_fail_bytes`, warn under `min_free_warn_bytes` or
//                under 5 %;
//   database     PRAGMA integrity_check; the schema version against this
//                binary (older: warn, migrated at the next start after a
//                backup; newer: fail);
//   media        every file in the media index exists (fail: missing), and
//                files nobody refers to (warn: leftovers of an interrupted
//                deletion);
//   server       whether a server holds the data directory (informational).
//
// Thread-safety: reentrant.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "cammio/document.h"
#include "config/config.h"

namespace cammio::ops {

struct CheckItem {
  std::string name;
  std::string status;  // "ok" | "warn" | "fail"
  std::string detail;
};

struct CheckOptions {
  int64_t now = 0;
  int64_t cert_warn_days = 21;
  int64_t min_free_warn_bytes = int64_t{1} << 30;  // 1 GiB
  int64_t min_free_fail_bytes = int64_t{64} << 20;  // 64 MiB
};

std::vector<CheckItem> RunChecks(const Config& config, const CheckOptions& options);
// True when no item failed.
bool ChecksPassed(const std::vector<CheckItem>& items);
// {"ok": bool, "checks": [{"name", "status", "detail"}...]}
Value ChecksJson(const std::vector<CheckItem>& items);

// `cammio version`'s text: "cammio X.Y.Z" (the first line, as before), then
// the schema version this binary migrates to, SQLite and mbedTLS versions.
std::string VersionText();

}  // namespace cammio::ops
