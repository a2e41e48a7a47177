#include "util/log.h"

#include <unistd.h>

#include <atomic>

#include "util/time.h"

namespace cammio {
namespace {
std::atomic<int> g_level{static_cast<int>(LogLevel::kInfo)};
std::atomic<bool> g_quiet{false};
const char* const kNames[] = {"DEBUG", "INFO", "WARN", "ERROR"};
}  // namespace

void SetLogLevel(LogLevel level) { g_level = static_cast<int>(level); }
void SetLogQuiet(bool quiet) { g_quiet = quiet; }

void Log(LogLevel level, const std::string& message) {
  if (g_quiet || static_cast<int>(level) < g_level) return;
  std::string line = FormatUtcMillis(SystemClock().NowMillis());
  line += ' ';
  line += kNames[static_cast<int>(level)];
  line += ' ';
  line += message;
  line += '\n';
  const char* p = line.data();
  size_t left = line.size();
  while (left > 0) {
    ssize_t n = ::write(STDERR_FILENO, p, left);
    if (n <= 0) return;
    p += n;
    left -= static_cast<size_t>(n);
  }
}

}  // namespace cammio
