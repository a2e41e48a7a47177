// Value: the document tree shared by the JSON and XML renderers and parsers.
#include <utility>

#include "cammio/document.h"

namespace cammio {

namespace {

// Objects up to this size are deduplicated by scanning; beyond it SetIndexed
// builds a hash index.
constexpr size_t kLinearScanLimit = 16;

}  // namespace

Value Value::Bool(bool b) {
  Value v;
  v.type_ = Type::kBool;
  v.b_ = b;
  return v;
}

Value Value::Int(int64_t i) {
  Value v;
  v.type_ = Type::kInt;
  v.i_ = i;
  return v;
}

Value Value::Double(double d) {
  Value v;
  v.type_ = Type::kDouble;
  v.d_ = d;
  return v;
}

Value Value::String(std::string s) {
  Value v;
  v.type_ = Type::kString;
  v.s_ = std::move(s);
  return v;
}

Value Value::Datetime(std::string iso) {
  Value v;
  v.type_ = Type::kDatetime;
  v.s_ = std::move(iso);
  return v;
}

Value Value::Object() {
  Value v;
  v.type_ = Type::kObject;
  return v;
}

Value Value::Array() {
  Value v;
  v.type_ = Type::kArray;
  return v;
}

Value Value::XmlText(std::string s) {
  Value v = String(std::move(s));
  v.xml_text_ = true;
  return v;
}

Value& Value::Set(std::string key, Value v) {
  if (type_ != Type::kObject) *this = Object();
  for (Member& m : members_) {
    if (m.first == key) {
      m.second = std::move(v);
      return *this;
    }
  }
  members_.emplace_back(std::move(key), std::move(v));
  return *this;
}

const Value* Value::Find(std::string_view key) const {
  if (type_ != Type::kObject) return nullptr;
  for (const Member& m : members_) {
    if (m.first == key) return &m.second;
  }
  return nullptr;
}

Value& Value::Push(Value v) {
  if (type_ != Type::kArray) *this = Array();
  items_.push_back(std::move(v));
  return *this;
}

Value Value::Wrap(std::string name, Value inner) {
  Value v = Object();
  v.members_.emplace_back(std::move(name), std::move(inner));
  return v;
}

void SetIndexed(Value* object, std::unordered_map<std::string, size_t>* index,
                std::string key, Value v) {
  std::vector<Value::Member>& members = object->members_;
  if (object->type_ != Value::Type::kObject || (index->empty() &&
                                                members.size() < kLinearScanLimit)) {
    object->Set(std::move(key), std::move(v));
    return;
  }
  if (index->empty()) {
    index->reserve(members.size() * 2);
    for (size_t i = 0; i < members.size(); ++i) index->emplace(members[i].first, i);
  }
  auto [it, inserted] = index->emplace(key, members.size());
  if (inserted) {
    members.emplace_back(std::move(key), std::move(v));
  } else {
    members[it->second].second = std::move(v);
  }
}

}  // namespace cammio
