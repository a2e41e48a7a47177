#include "store/change_log.h"

#include <algorithm>

namespace cammio {

int64_t ChangeLog::Get(const std::unordered_map<int64_t, int64_t>& m, int64_t key) {
  auto it = m.find(key);
  return it == m.end() ? 0 : it->second;
}

void ChangeLog::ObserveLocked(int64_t now) {
  if (now <= known_) return;
  // Committed, yet never registered: another process's commit(s) in
  // (known_, now]. An answer that read `now` saw them all; any older one
  // may not have.
  global_ = std::max(global_, now);
  known_ = now;
}

void ChangeLog::Observe(int64_t now) {
  std::lock_guard<std::mutex> lock(mu_);
  ObserveLocked(now);
}

void ChangeLog::Register(int64_t generation, const ChangeSet& changes) {
  std::lock_guard<std::mutex> lock(mu_);
  // The writer holds the database's write lock: generation - 1 is committed,
  // and anything between known_ and it was another process's.
  ObserveLocked(generation - 1);
  if (vacancy_.size() + account_any_.size() + account_wide_.size() + changes.vacancies.size() +
          2 * changes.accounts.size() >
      max_scopes_) {
    // Forget the per-scope detail: every change so far is at or before
    // known_, so one global change at known_ covers them all.
    vacancy_.clear();
    account_any_.clear();
    account_wide_.clear();
    global_ = std::max(global_, known_);
  }
  if (changes.global) global_ = std::max(global_, generation);
  if (changes.auth) auth_ = std::max(auth_, generation);
  for (const auto& [account, vacancy] : changes.vacancies) {
    vacancy_[vacancy] = generation;
    account_any_[account] = generation;
  }
  for (int64_t account : changes.accounts) {
    account_wide_[account] = generation;
    account_any_[account] = generation;
  }
  known_ = std::max(known_, generation);
  pending_ = generation;
}

void ChangeLog::Committed(int64_t generation) {
  std::lock_guard<std::mutex> lock(mu_);
  if (pending_ == generation) pending_ = 0;
}

void ChangeLog::Abandoned(int64_t generation) {
  std::lock_guard<std::mutex> lock(mu_);
  if (pending_ == generation) pending_ = 0;
  // The scopes registered for it stay (a needless miss at worst). If a
  // reader has already seen a newer generation, known_ moved past it and
  // global_ covers it (ObserveLocked).
  if (known_ == generation) known_ = generation - 1;
}

bool ChangeLog::Unchanged(const ChangeScope& scope, int64_t read, int64_t now) {
  std::lock_guard<std::mutex> lock(mu_);
  ObserveLocked(now);
  if (now < read) return false;
  // Being committed: registered as this process's, but until the writer
  // knows the outcome the generation a reader sees may be another's.
  if (pending_ > read && pending_ <= now) return false;
  int64_t last = global_;
  if (scope.vacancy_id != 0) {
    last = std::max({last, Get(vacancy_, scope.vacancy_id), Get(account_wide_, scope.account_id)});
  } else {
    last = std::max(last, Get(account_any_, scope.account_id));
  }
  return last <= read;
}

bool ChangeLog::AuthUnchanged(int64_t read, int64_t now) {
  std::lock_guard<std::mutex> lock(mu_);
  ObserveLocked(now);
  if (now < read) return false;
  if (pending_ > read && pending_ <= now) return false;  // as in Unchanged
  return std::max(global_, auth_) <= read;
}

ChangeLog::Stats ChangeLog::stats() const {
  std::lock_guard<std::mutex> lock(mu_);
  return Stats{known_, global_, vacancy_.size() + account_any_.size() + account_wide_.size(),
               auth_};
}

}  // namespace cammio
