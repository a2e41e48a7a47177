#include "api/upload_claims.h"

namespace cammio {

UploadClaims::Claim::~Claim() { owner_->Release(id_); }

Result<std::unique_ptr<UploadClaims::Claim>> UploadClaims::Take(
    int64_t id, const std::function<Status()>& verify) {
  std::shared_ptr<Slot> slot;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto& s = slots_[id];
    if (!s) s = std::make_shared<Slot>();
    ++s->holders;
    slot = s;
  }
  uint64_t generation = 0;
  Status status;
  {
    std::lock_guard<std::mutex> lock(slot->mu);
    status = verify();
    if (status.ok()) generation = ++slot->generation;
  }
  if (!status.ok()) {
    Release(id);
    return status;
  }
  return std::unique_ptr<Claim>(new Claim(this, id, std::move(slot), generation));
}

void UploadClaims::Release(int64_t id) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = slots_.find(id);
  if (it != slots_.end() && --it->second->holders == 0) slots_.erase(it);
}

size_t UploadClaims::slots() const {
  std::lock_guard<std::mutex> lock(mu_);
  return slots_.size();
}

}  // namespace cammio
