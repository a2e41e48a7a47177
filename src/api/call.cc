#include "api/call.h"

#include "api/idempotency.h"

namespace cammio {
namespace {

// Unwraps {"root": {...}} to {...}; leaves an unwrapped object as it is.
// `strict` (XML, where the root element is always named): the single member
// must be `root`.
Result<Value> Unwrap(const Value& v, std::string_view root, bool strict) {
  if (!v.is_object()) {
    return Status::InvalidArgument("expected a " + std::string(root) + " object");
  }
  if (v.members().size() == 1) {
    const auto& [key, inner] = v.members().front();
    if (key == root) {
      if (!inner.is_object()) {
        return Status::InvalidArgument("'" + std::string(root) + "' must be an object");
      }
      return inner;
    }
    if (strict) {
      return Status::InvalidArgument("expected root element <" + std::string(root) + ">, got <" +
                                     key + ">");
    }
    // {"invitation": {...}} sent to a vacancy path: a wrong root, not fields.
    static const char* const kRoots[] = {
        "vacancy",  "invitation", "interview", "guest",
        "reviewer", "review",     "question",  "notification_settings"};
    for (const char* r : kRoots) {
      if (key == r && inner.is_object()) {
        return Status::InvalidArgument("expected root element '" + std::string(root) + "', got '" +
                                       key + "'");
      }
    }
  }
  return v;
}

}  // namespace

Result<Value> Call::ParseBody() const {
  const std::string& body = body_;
  if (body.find_first_not_of(" \t\r\n") == std::string::npos) {
    return Status::InvalidArgument("request body is empty");
  }
  return body_format_ == Format::kXml ? ParseXml(body) : ParseJson(body);
}

Result<std::vector<Value>> Call::BodyObjects(std::string_view root, bool* was_array) const {
  auto parsed = ParseBody();
  if (!parsed.ok()) return parsed.status();
  std::vector<Value> out;
  *was_array = parsed->is_array();
  if (!parsed->is_array()) {
    auto one = Unwrap(*parsed, root, body_format_ == Format::kXml);
    if (!one.ok()) return one.status();
    out.push_back(std::move(one.value()));
    return out;
  }
  if (parsed->items().empty()) {
    return Status::InvalidArgument("the array is empty: nothing to create");
  }
  for (const Value& item : parsed->items()) {
    auto one = Unwrap(item, root, body_format_ == Format::kXml);
    if (!one.ok()) return one.status();
    out.push_back(std::move(one.value()));
  }
  return out;
}

Result<Value> Call::BodyObject(std::string_view root) const {
  bool was_array = false;
  auto items = BodyObjects(root, &was_array);
  if (!items.ok()) return items.status();
  if (items->size() != 1) {
    return Status::InvalidArgument("expected one " + std::string(root) + ", got an array of " +
                                   std::to_string(items->size()));
  }
  return std::move(items->front());
}

bool Call::ReadBody(const std::function<bool(const char*, size_t)>& sink) {
  if (reader_ == nullptr) {
    body_consumed_ = true;
    return body_.empty() || sink(body_.data(), body_.size());
  }
  body_consumed_ = (*reader_)([&](const char* data, size_t len) { return sink(data, len); });
  return body_consumed_;
}

Status Call::WriteAndReply(const Store::WriteFn& write, const std::function<void()>& reply) {
  if (idempotent_ == nullptr) {
    Status s = store().Write(write);
    if (s.ok()) reply();
    return s;
  }
  bool remembered = false;
  Status s = store().Write([&](Db& db) {
    Status st = write(db);
    if (!st.ok()) return st;
    reply();
    return RememberAnswer(db, *idempotent_, res_, &remembered);
  });
  if (s.ok() && remembered) idempotent_->remembered = true;
  return s;
}

Status Call::RefuseInvalid(const Status& invalid, const Store::ReadFn& decide) {
  Status s = store().Read(decide);
  return s.ok() ? invalid : s;
}

void Call::Reply(int http_status, const Value& doc, std::string_view list_root) {
  res_.status = http_status;
  res_.set_content(Render(doc, format_, list_root), ContentTypeFor(format_));
}

void Call::ReplyList(const Value& items, std::string_view list_root, int64_t total) {
  res_.set_header("X-Total-Count", std::to_string(total));
  Reply(200, items, list_root);
}

Status RequireAdmin(const Call& call, std::string_view refusal) {
  if (call.principal().user.is_admin()) return Status::OK();
  return Status::Unauthenticated(std::string(refusal));
}

}  // namespace cammio
