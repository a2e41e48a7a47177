#include "api/response_cache.h"

#include <cassert>

namespace cammio {
namespace {

// Length-prefixed, so no choice of path or parameter text can make two
// different requests share a key.
void AppendPart(std::string* key, std::string_view part) {
  key->append(std::to_string(part.size()));
  key->push_back(':');
  key->append(part);
}

// Bookkeeping per entry besides its strings (map node, list node, Entry).
constexpr size_t kEntryOverhead = 160;

}  // namespace

std::string ResponseCache::Key(int64_t user_id, std::string_view format, std::string_view method,
                               std::string_view path,
                               const std::multimap<std::string, std::string>& params) {
  std::string key = std::to_string(user_id);
  key.push_back('|');
  AppendPart(&key, format);
  AppendPart(&key, method);
  AppendPart(&key, path);
  for (const auto& [name, value] : params) {
    AppendPart(&key, name);
    AppendPart(&key, value);
  }
  return key;
}

size_t ResponseCache::SizeOf(const std::string& key, const Entry& e) {
  size_t n = kEntryOverhead + 2 * key.size() + e.body.size();  // the key is in the map and the list
  for (const auto& [k, v] : e.headers) n += k.size() + v.size() + 64;
  return n;
}

void ResponseCache::EraseLocked(std::unordered_map<std::string, Slot>::iterator it) {
  bytes_ -= it->second.bytes;
  lru_.erase(it->second.lru);
  slots_.erase(it);
}

std::shared_ptr<const ResponseCache::Entry> ResponseCache::Find(const std::string& key,
                                                                int64_t generation,
                                                                ChangeLog* log) {
  // Every generation a request read is shown to the log before any entry is
  // judged or stored with it (change_log.h, Observe).
  if (log != nullptr) log->Observe(generation);
  std::lock_guard<std::mutex> lock(mu_);
  auto it = slots_.find(key);
  if (it == slots_.end()) {
    ++misses_;
    return nullptr;
  }
  const Entry& e = *it->second.entry;
  const bool current = log != nullptr ? log->Unchanged(e.scope, e.generation, generation)
                                      : e.generation == generation;
  if (!current) {
    // Generations only grow: an older entry that cannot be served now never
    // can be. A newer one stays for the requests that read the newer
    // generation.
    if (e.generation < generation) EraseLocked(it);
    ++misses_;
    return nullptr;
  }
  lru_.splice(lru_.begin(), lru_, it->second.lru);
  ++hits_;
  return it->second.entry;
}

void ResponseCache::Put(const std::string& key, std::shared_ptr<const Entry> entry,
                        ChangeLog* log) {
  assert(entry != nullptr);
  if (log != nullptr) log->Observe(entry->generation);
  size_t bytes = SizeOf(key, *entry);
  if (max_bytes_ == 0 || bytes > max_bytes_ / 8) return;
  std::lock_guard<std::mutex> lock(mu_);
  auto it = slots_.find(key);
  if (it != slots_.end()) {
    if (it->second.entry->generation >= entry->generation) return;  // as new, or newer
    EraseLocked(it);
  }
  while (bytes_ + bytes > max_bytes_ && !lru_.empty()) EraseLocked(slots_.find(lru_.back()));
  lru_.push_front(key);
  slots_.emplace(key, Slot{std::move(entry), lru_.begin(), bytes});
  bytes_ += bytes;
  // Invariant: bytes_ is the sum of the slots' sizes, and within the limit.
  assert(bytes_ <= max_bytes_);
  assert(slots_.size() == lru_.size());
}

ResponseCache::Stats ResponseCache::stats() const {
  std::lock_guard<std::mutex> lock(mu_);
  return Stats{hits_, misses_, slots_.size(), bytes_};
}

}  // namespace cammio
