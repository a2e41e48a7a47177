#include "api/list_query.h"

#include "api/router.h"

namespace cammio {
namespace {

constexpr int64_t kMaxLimit = int64_t{1} << 40;

Status ParseCount(const std::string& name, const std::string& text, int64_t* out) {
  int64_t v = 0;
  if (text == "0") {
    *out = 0;
    return Status::OK();
  }
  if (!ParseId(text, &v) || v > kMaxLimit) {
    return Status::InvalidArgument(name + " must be a non-negative integer, got '" + text + "'");
  }
  *out = v;
  return Status::OK();
}

Status ParseBool(const std::string& name, const std::string& text, bool* out) {
  if (text == "true" || text == "1" || text == "yes") {
    *out = true;
  } else if (text == "false" || text == "0" || text == "no") {
    *out = false;
  } else {
    return Status::InvalidArgument(name + " must be true or false, got '" + text + "'");
  }
  return Status::OK();
}

// A date "YYYY-MM-DD" as `to` means the end of that day.
Status ParseBound(const std::string& name, const std::string& text, bool end_of_day,
                  std::optional<int64_t>* out) {
  auto d = ParseDatetime(text, name);
  if (!d.ok()) {
    return Status::InvalidArgument(name + " must be a date YYYY-MM-DD or an ISO 8601 datetime");
  }
  int64_t t = d->epoch;
  if (end_of_day && text.size() == 10) t += 86399;
  *out = t;
  return Status::OK();
}

}  // namespace

std::optional<bool> ListQuery::Flag(const Call& call, const char* name) const {
  if (!call.req().has_param(name)) return std::nullopt;
  bool b = false;
  ParseBool(name, call.req().get_param_value(name), &b);  // validated by ParseListQuery
  return b;
}

Status ParseListQuery(const Call& call, std::initializer_list<const char*> flags, ListQuery* q) {
  Status s;
  for (const auto& [name, value] : call.req().params) {
    if (!s.ok()) break;
    if (name == "limit") {
      s = ParseCount(name, value, &q->limit);
    } else if (name == "offset") {
      s = ParseCount(name, value, &q->offset);
    } else if (name == "from") {
      s = ParseBound(name, value, false, &q->from);
    } else if (name == "to") {
      s = ParseBound(name, value, true, &q->to);
    } else if (name == "updated_since") {
      s = ParseBound(name, value, false, &q->updated_since);
    } else {
      bool known = false;
      for (const char* f : flags) known = known || name == f;
      if (!known) return Status::InvalidArgument("unknown query parameter '" + name + "'");
      bool b;
      s = ParseBool(name, value, &b);
    }
  }
  if (s.ok() && q->from && q->to && *q->from > *q->to) {
    s = Status::InvalidArgument("from must not be after to");
  }
  return s;
}

Status ParsePageQuery(const Call& call, ListQuery* q) {
  for (const auto& [name, value] : call.req().params) {
    if (name != "limit" && name != "offset") {
      return Status::InvalidArgument("unknown query parameter '" + name +
                                     "' (this list takes limit and offset)");
    }
  }
  return ParseListQuery(call, {}, q);
}

}  // namespace cammio
