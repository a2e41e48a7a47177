#include "api/invitation_body.h"

#include "api/fields.h"

namespace cammio {
namespace {

constexpr size_t kMaxCallbackParams = 50;

// callback_params: an object whose values are strings, numbers, booleans or
// null (kept as given). Stored as compact JSON text.
Status ParseCallbackParams(const Value& v, std::optional<std::string>* out) {
  if (v.is_null()) {
    out->reset();
    return Status::OK();
  }
  if (!v.is_object()) return Status::InvalidArgument("callback_params must be an object");
  if (v.members().size() > kMaxCallbackParams) {
    return Status::PreconditionFailed("callback_params has more than 50 parameters");
  }
  Value clean = Value::Object();
  for (const auto& [key, val] : v.members()) {
    if (key.empty() || key.size() > 100) {
      return Status::PreconditionFailed("callback_params names must be 1 to 100 characters");
    }
    switch (val.type()) {
      case Value::Type::kString:
      case Value::Type::kDatetime:
        if (val.as_string().size() > 2000) {
          return Status::PreconditionFailed("callback_params." + key + " is too long");
        }
        clean.Set(key, Value::String(val.as_string()));
        break;
      case Value::Type::kInt:
      case Value::Type::kDouble:
      case Value::Type::kBool:
      case Value::Type::kNull:
        clean.Set(key, val);  // kept as given; notifications use its text form
        break;
      default:
        return Status::InvalidArgument("callback_params." + key + " must be a string or a number");
    }
  }
  *out = RenderJson(clean);
  return Status::OK();
}

}  // namespace

// Parses the body's fields (create or update). Pure: no rule here depends
// on a stored row.
Status ParseInvitationPatch(const Value& body, InvitationPatch* p) {
  Fields f(body);
  if (auto e = f.Email("candidate_email")) p->candidate_email = *e;
  auto first = f.String("candidate_firstname", 100);
  auto last = f.String("candidate_lastname", 100);
  auto full = f.String("candidate_name", 200);
  if (first || last) {
    std::string name = first.value_or("");
    if (last) name += (name.empty() ? "" : " ") + *last;
    p->candidate_name = name;
  } else if (full) {
    p->candidate_name = *full;
  }
  if (f.Has("candidate_phone")) p->candidate_phone = f.String("candidate_phone", 40, true);
  if (f.Has("candidate_gender")) p->candidate_gender = f.String("candidate_gender", 32);
  if (f.Has("datetime_scheduled")) {
    auto d = f.Date("datetime_scheduled");
    // Named even when null (the outer optional is engaged either way).
    p->datetime_scheduled = d ? std::optional<std::string>(d->text) : std::optional<std::string>();
    p->datetime_scheduled_ts = d ? std::optional<int64_t>(d->epoch) : std::optional<int64_t>();
  }
  if (f.Has("interviewer_name")) p->interviewer_name = f.String("interviewer_name", 200);
  if (f.Has("interviewer_email")) p->interviewer_email = f.Email("interviewer_email");
  if (f.Has("redirect_url")) p->redirect_url = f.Url("redirect_url");
  if (!f.ok()) return f.status();
  if (const Value* cp = f.Raw("callback_params")) {
    std::optional<std::string> params;
    Status s = ParseCallbackParams(*cp, &params);
    if (!s.ok()) return s;
    p->callback_params = std::move(params);
  }
  return Status::OK();
}

// Sets what `p` names onto `inv` (create: a new one; update: the stored one).
void ApplyInvitationPatch(const InvitationPatch& p, Invitation* inv) {
  if (p.candidate_email) inv->candidate_email = *p.candidate_email;
  if (p.candidate_name) inv->candidate_name = *p.candidate_name;
  if (p.candidate_phone) inv->candidate_phone = *p.candidate_phone;
  if (p.candidate_gender) inv->candidate_gender = *p.candidate_gender;
  if (p.datetime_scheduled) inv->datetime_scheduled = *p.datetime_scheduled;
  if (p.datetime_scheduled_ts) inv->datetime_scheduled_ts = *p.datetime_scheduled_ts;
  if (p.interviewer_name) inv->interviewer_name = *p.interviewer_name;
  if (p.interviewer_email) inv->interviewer_email = *p.interviewer_email;
  if (p.redirect_url) inv->redirect_url = *p.redirect_url;
  if (p.callback_params) inv->callback_params = *p.callback_params;
}

// The rules over the merged invitation. `kind` is the vacancy's kind, for
// the live-only rule. No reads: cheap enough to run again inside the write,
// where the stored row (update) or the vacancy's kind may have moved.
Status CheckInvitation(const std::string& kind, const Invitation& inv) {
  if (inv.candidate_email.empty()) return Status::PreconditionFailed("candidate_email is required");
  if (inv.candidate_name.find_first_not_of(' ') == std::string::npos) {
    return Status::PreconditionFailed(
        "candidate_name (or candidate_firstname / candidate_lastname) is required");
  }
  if (kind == "live" && !inv.datetime_scheduled) {
    return Status::PreconditionFailed("datetime_scheduled is required for live vacancies");
  }
  return Status::OK();
}

std::string InvitationErrorField(const Status& error) {
  const std::string& d = error.details();
  size_t end = 0;
  while (end < d.size() && ((d[end] >= 'a' && d[end] <= 'z') || d[end] == '_')) ++end;
  // A name is followed by a space or a member ("callback_params.key ...").
  if (end == 0 || (end < d.size() && d[end] != ' ' && d[end] != '.')) return "";
  return d.substr(0, end);
}

}  // namespace cammio
