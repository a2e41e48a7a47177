#include "util/log.h"

#include <unistd.h>

#include <atomic>
#include <mutex>
#include <utility>

#include "util/time.h"

namespace cammio {
namespace {
std::atomic<int> g_level{static_cast<int>(LogLevel::kInfo)};
std::atomic<bool> g_quiet{false};
const char* const kNames[] = {"DEBUG", "INFO", "WARN", "ERROR"};

std::atomic<bool> g_has_sink{false};  // Spares Log() the mutex when no sink is set.
std::mutex g_sink_mu;
LogSink g_sink;  // Guarded by g_sink_mu.

void WriteStderr(const std::string& line) {
  const char* p = line.data();
  size_t left = line.size();
  while (left > 0) {
    ssize_t n = ::write(STDERR_FILENO, p, left);
    if (n <= 0) return;
    p += n;
    left -= static_cast<size_t>(n);
  }
}

// The length of the valid UTF-8 sequence of two or more bytes at text[i], or
// 0 (an ASCII byte, or a byte that starts no valid sequence: overlong forms,
// surrogates and code points above U+10FFFF are not valid).
size_t Utf8SequenceAt(std::string_view text, size_t i) {
  const auto byte = [&](size_t k) -> unsigned {
    return i + k < text.size() ? static_cast<unsigned char>(text[i + k]) : 0;
  };
  const unsigned c = byte(0);
  const auto cont = [&](size_t k, unsigned lo = 0x80, unsigned hi = 0xBF) {
    return byte(k) >= lo && byte(k) <= hi;
  };
  if (c >= 0xC2 && c <= 0xDF) return cont(1) ? 2 : 0;
  if (c == 0xE0) return cont(1, 0xA0) && cont(2) ? 3 : 0;
  if (c == 0xED) return cont(1, 0x80, 0x9F) && cont(2) ? 3 : 0;
  if (c >= 0xE1 && c <= 0xEF) return cont(1) && cont(2) ? 3 : 0;
  if (c == 0xF0) return cont(1, 0x90) && cont(2) && cont(3) ? 4 : 0;
  if (c == 0xF4) return cont(1, 0x80, 0x8F) && cont(2) && cont(3) ? 4 : 0;
  if (c >= 0xF1 && c <= 0xF3) return cont(1) && cont(2) && cont(3) ? 4 : 0;
  return 0;
}

void AppendHexByte(unsigned char c, std::string* out) {
  static constexpr char kHex[] = "0123456789abcdef";
  out->append("\\x");
  out->push_back(kHex[c >> 4]);
  out->push_back(kHex[c & 0xF]);
}

// True when the line went to the sink.
bool ToSink(const std::string& line) {
  if (!g_has_sink.load(std::memory_order_acquire)) return false;
  std::lock_guard<std::mutex> lock(g_sink_mu);
  if (!g_sink) return false;
  g_sink(line);
  return true;
}

}  // namespace

std::string EscapeLogText(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x20 && c < 0x7F) {
      if (c == '\\') {
        out.append("\\\\");
        ++i;
        continue;
      }
      // A run of printable ASCII, appended in one piece (nearly every line
      // is nothing else).
      size_t end = i + 1;
      while (end < text.size() && static_cast<unsigned char>(text[end]) >= 0x20 &&
             static_cast<unsigned char>(text[end]) < 0x7F && text[end] != '\\') {
        ++end;
      }
      out.append(text, i, end - i);
      i = end;
      continue;
    }
    const size_t n = c < 0x80 ? 0 : Utf8SequenceAt(text, i);
    const bool c1 = n == 2 && c == 0xC2 && static_cast<unsigned char>(text[i + 1]) < 0xA0;
    if (n == 0 || c1) {  // A control character or a stray byte.
      for (size_t k = 0; k < (c1 ? 2 : 1); ++k) {
        AppendHexByte(static_cast<unsigned char>(text[i + k]), &out);
      }
      i += c1 ? 2 : 1;
      continue;
    }
    out.append(text, i, n);
    i += n;
  }
  return out;
}

void SetLogLevel(LogLevel level) { g_level = static_cast<int>(level); }
void SetLogQuiet(bool quiet) { g_quiet = quiet; }

void SetLogSink(LogSink sink) {
  std::lock_guard<std::mutex> lock(g_sink_mu);
  g_sink = std::move(sink);
  g_has_sink.store(static_cast<bool>(g_sink), std::memory_order_release);
}

void Log(LogLevel level, const std::string& message) {
  if (static_cast<int>(level) < g_level) return;
  if (g_quiet && !g_has_sink.load(std::memory_order_acquire)) return;
  std::string line = FormatUtcMillis(SystemClock().NowMillis());
  line.reserve(line.size() + message.size() + 16);
  line += ' ';
  line += kNames[static_cast<int>(level)];
  line += ' ';
  line += EscapeLogText(message);
  line += '\n';
  if (ToSink(line) || g_quiet) return;
  WriteStderr(line);
}

}  // namespace cammio
