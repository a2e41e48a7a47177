// Header lookups for the per-request path, without cpp-httplib's
// case-insensitive comparator: its ordering calls ::tolower once per
// character per comparison, and a lookup (find or equal_range: three or
// four comparisons, twice) cost about a thousand instructions; the hooks
// made a dozen per request. These scan the map once, comparing lengths
// first and letters (ASCII case folded) only for names of the same length.
//
// The answers are the ones httplib::Request::has_header / get_header_value
// give: cpp-httplib's comparator is a lexicographic order of ::tolower'd
// bytes (the "C" locale: only A-Z fold; cammio never sets another), so two
// names are equal exactly when they have one length and the same folded
// letters; equal names are adjacent in the map, in arrival order, so the
// first one met in a scan is the first of equal_range.
//
// Thread-safety: pure functions of their arguments.
#pragma once

#include <httplib.h>

#include <string>
#include <string_view>
#include <vector>

namespace cammio::http {

// The first field named `name` (any case), or null. The pointer is valid
// while `headers` is unchanged.
const std::string* FindHeader(const httplib::Headers& headers, std::string_view name);

// Whether a field named `name` is present.
inline bool HasHeader(const httplib::Headers& headers, std::string_view name) {
  return FindHeader(headers, name) != nullptr;
}

// The first value of `name`, up to a NUL byte as get_header_value returns
// it; empty when absent.
std::string HeaderValue(const httplib::Headers& headers, std::string_view name);

// Every value of `name` in arrival order, each as HeaderValue gives it.
std::vector<std::string> HeaderValues(const httplib::Headers& headers, std::string_view name);

}  // namespace cammio::http
