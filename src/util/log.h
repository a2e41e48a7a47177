// Logging to stderr, one line per call, written with a single write(2) so
// lines from concurrent threads never interleave. Never pass secrets (tokens,
// passwords, Authorization headers) to these functions.
#pragma once

#include <string>

namespace cammio {

enum class LogLevel { kDebug, kInfo, kWarn, kError };

// Process-wide minimum level (default kInfo). Thread-safe.
void SetLogLevel(LogLevel level);
// Silences everything (tests that expect failures set this).
void SetLogQuiet(bool quiet);

// "2026-11-27T18:50:30.123Z INFO message\n"
void Log(LogLevel level, const std::string& message);
inline void LogInfo(const std::string& m) { Log(LogLevel::kInfo, m); }
inline void LogWarn(const std::string& m) { Log(LogLevel::kWarn, m); }
inline void LogError(const std::string& m) { Log(LogLevel::kError, m); }

}  // namespace cammio
