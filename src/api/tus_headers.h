// The tus 1.0 request headers the upload handlers read (api/uploads.h), as
// pure functions so that they can be tested and fuzzed without a server:
//   Upload-Metadata  "key base64,key base64,key" (a key may have no value)
//   Upload-Length, Upload-Offset  a non-negative decimal number of bytes
// (Tus-Resumable is compared with "1.0.0" as it is; nothing to parse.)
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace cammio::tus {

// The base64-decoded value of the first pair named `key` in an Upload-Metadata
// header. Spaces before a key are skipped. "" when no pair has that key, the
// pair has no value, or its value is not valid base64.
std::string MetadataValue(std::string_view header, std::string_view key);
// Whether some pair of an Upload-Metadata header is named `key` (with a
// value or not), so that a key given with a bad value can be told from one
// not given.
bool HasMetadata(std::string_view header, std::string_view key);

// An Upload-Length or Upload-Offset value: 1 to 15 ASCII digits, nothing
// else (no sign, no spaces), so it cannot overflow. False otherwise, and
// *out is left alone.
bool ParseLength(std::string_view text, int64_t* out);

}  // namespace cammio::tus
