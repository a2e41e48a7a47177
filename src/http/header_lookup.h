// Header lookups for the per-request path, without cpp-httplib's own
// lookups: those hash the whole name (folding each byte) and then compare
// it case-insensitively; the hooks made a dozen per request. These scan the
// map once, comparing lengths first and letters (case folded) only for
// names of the same length.
//
// The answers are the ones httplib::Request::has_header / get_header_value
// give: cpp-httplib's names are equal exactly when they have one length and
// the same bytes after its case_ignore::to_lower (A-Z and the Latin-1
// capitals fold; a name on the wire is a token, ASCII, as the head check
// makes sure). Its Headers is an unordered multimap: fields of one name
// are adjacent, but in no particular order (it changes as the map grows);
// the first one met in a scan is the first of equal_range, which is
// get_header_value's answer. Where the order of repeated fields matters
// (X-Forwarded-For, Forwarded), KeepFieldOrder restores it from the head.
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

// Every value of `name` in the map's order (get_header_value(name, "", i) for
// i = 0, 1, ...), each as HeaderValue gives it. After KeepFieldOrder,
// X-Forwarded-For and Forwarded have one value each, in arrival order.
std::vector<std::string> HeaderValues(const httplib::Headers& headers, std::string_view name);

// For each of X-Forwarded-For and Forwarded that `head` (a request head
// RequestHeadScanner accepted, as received) carries in more than one field
// line, replaces that name's fields in `headers` (as cpp-httplib parsed
// them from `head`) by one field holding their values in arrival order,
// joined by ", " as RFC 9110 5.3 allows for list fields, each value as
// cpp-httplib stores it (OWS trimmed, percent-decoded).
void KeepFieldOrder(std::string_view head, httplib::Headers* headers);

}  // namespace cammio::http
