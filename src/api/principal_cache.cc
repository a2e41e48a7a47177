#include "api/principal_cache.h"

#include "util/crypto.h"

namespace cammio {

std::string PrincipalCache::Key(std::string_view user, std::string_view token) {
  // '\n' cannot be part of a Basic user that authenticates (emails hold
  // none), so (user, hash) pairs cannot collide through the separator; the
  // hash has a fixed length anyway.
  std::string key(user);
  key += '\n';
  key += Sha256(token);
  return key;
}

std::optional<Principal> PrincipalCache::Find(const std::string& key, int64_t now, ChangeLog& log) {
  std::unique_lock<std::mutex> lock(mu_);
  auto it = entries_.find(key);
  if (it == entries_.end()) return std::nullopt;
  const int64_t read = it->second.generation;
  Principal p = it->second.principal;
  lock.unlock();  // the log has its own lock; never hold both
  if (!log.AuthUnchanged(read, now)) return std::nullopt;
  return p;
}

void PrincipalCache::Put(const std::string& key, const Principal& p, int64_t generation) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = entries_.find(key);
  if (it != entries_.end()) {
    if (it->second.generation <= generation) it->second = Entry{p, generation};
    return;
  }
  if (entries_.size() >= max_entries_) entries_.clear();
  entries_.emplace(key, Entry{p, generation});
}

void PrincipalCache::NoteTokenUsed(const std::string& key, int64_t at) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = entries_.find(key);
  if (it != entries_.end()) it->second.principal.token_last_used_at = at;
}

size_t PrincipalCache::size() const {
  std::lock_guard<std::mutex> lock(mu_);
  return entries_.size();
}

}  // namespace cammio
