// Logging to stderr, one line per call, written with a single write(2) so
// lines from concurrent threads never interleave. Never pass secrets (tokens,
// passwords, Authorization headers) to these functions.
//
// Every message is exactly one line: Log() escapes what could break or forge
// a line (see EscapeLogText), so callers may pass client-supplied text (paths,
// methods, usernames) as it is.
#pragma once

#include <functional>
#include <string>
#include <string_view>

namespace cammio {

enum class LogLevel { kDebug, kInfo, kWarn, kError };

// Process-wide minimum level (default kInfo). Thread-safe.
void SetLogLevel(LogLevel level);
// Silences stderr output (tests that expect failures set this).
void SetLogQuiet(bool quiet);

// "2026-11-27T18:50:30.123Z INFO message\n"
void Log(LogLevel level, const std::string& message);
inline void LogInfo(const std::string& m) { Log(LogLevel::kInfo, m); }
inline void LogWarn(const std::string& m) { Log(LogLevel::kWarn, m); }
inline void LogError(const std::string& m) { Log(LogLevel::kError, m); }

// For tests: while a sink is set, every line that passes the level goes to it
// (the complete line, final '\n' included, exactly the bytes stderr would get)
// instead of stderr, quiet or not. An empty function restores stderr. The sink
// is called with an internal mutex held, from whichever thread logs; it must
// not log itself. Thread-safe.
using LogSink = std::function<void(const std::string& line)>;
void SetLogSink(LogSink sink);

// `text` made safe for one log line: C0 control characters (CR, LF, TAB,
// ESC...), DEL, C1 control characters (U+0080..U+009F) and bytes that are not
// part of valid UTF-8 become \xNN (two lower-case hex digits per byte); a
// backslash becomes \\, so the escaping can be undone. Everything else,
// valid UTF-8 included, is kept as it is. Log() applies it to every message.
std::string EscapeLogText(std::string_view text);

}  // namespace cammio
