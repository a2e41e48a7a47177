// Query parameters of list endpoints (docs/contract.md "Lists"): limit, offset,
// from, to, updated_since, plus the flags a resource declares. Unknown
// parameters are refused with 400 naming them, so a typo ("limt") is not
// silently ignored.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>

#include "cammio/status.h"
#include "api/call.h"

namespace cammio {

struct ListQuery {
  int64_t limit = -1;   // -1: all rows
  int64_t offset = 0;
  std::optional<int64_t> from;           // epoch seconds, inclusive
  std::optional<int64_t> to;             // epoch seconds, inclusive (a date means its end)
  std::optional<int64_t> updated_since;
  // Boolean flags named by the resource (templates, active), "true"/"false".
  std::optional<bool> Flag(const Call& call, const char* name) const;
};

// Parses the query string of `call`. `flags` are the extra boolean
// parameters this list accepts. InvalidArgument (400) for a malformed or
// negative number, a bad date, or an unknown parameter.
Status ParseListQuery(const Call& call, std::initializer_list<const char*> flags, ListQuery* q);

// For small nested lists (guests, reviewers, reviews): only limit and offset;
// from/to/updated_since are refused rather than ignored.
Status ParsePageQuery(const Call& call, ListQuery* q);

}  // namespace cammio
