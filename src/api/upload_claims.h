// UploadClaims: which PATCH request may write to an unfinished tus upload
// (api/uploads.h), so that concurrent, late or stalled PATCHes can never
// corrupt an upload, and a finished upload is never written again.
//
// The newest PATCH whose Upload-Offset matched the stored offset owns the
// upload: taking a claim supersedes every earlier claim on the same upload.
// A superseded claim's further bytes are refused (its request answers 409),
// and it may not record an offset or finish the upload. The owner checks its
// claim and writes each piece, records the offset and finishes the upload
// while holding the upload's lock, so no write of a superseded PATCH can
// slip in between; the check of the stored offset when taking a claim runs
// under the same lock. "Newest wins" rather than "first wins" lets a
// candidate whose connection stalled resume at once on a new connection
// (HEAD, then PATCH at the offset HEAD tells) without waiting for the server
// to time the stalled request out.
//
// In memory, per server: one server process owns a data directory
// (ops/data_lock.h). A slot exists only while some PATCH holds a claim.
//
// Thread-safety: UploadClaims and Claim may be used from any thread; a Claim
// belongs to one request.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <unordered_map>

#include "cammio/status.h"

namespace cammio {

class UploadClaims {
  struct Slot {
    std::mutex mu;
    uint64_t generation = 0;  // guarded by mu: the current claim's number
    int holders = 0;          // guarded by UploadClaims::mu_
  };

 public:
  // One PATCH request's claim on an upload. Released on destruction.
  class Claim {
   public:
    ~Claim();
    Claim(const Claim&) = delete;
    Claim& operator=(const Claim&) = delete;

    // Runs `fn` while holding the upload's lock, if this claim still owns
    // the upload; returns false without running it once a newer claim
    // superseded this one.
    template <class Fn>
    bool RunIfCurrent(Fn&& fn) {
      std::lock_guard<std::mutex> lock(slot_->mu);
      if (slot_->generation != generation_) return false;
      fn();
      return true;
    }

   private:
    friend class UploadClaims;
    Claim(UploadClaims* owner, int64_t id, std::shared_ptr<Slot> slot, uint64_t generation)
        : owner_(owner), id_(id), slot_(std::move(slot)), generation_(generation) {}
    UploadClaims* owner_;
    int64_t id_;
    std::shared_ptr<Slot> slot_;
    uint64_t generation_;
  };

  UploadClaims() = default;
  UploadClaims(const UploadClaims&) = delete;
  UploadClaims& operator=(const UploadClaims&) = delete;

  // Claims upload `id`. `verify` runs under the upload's lock (it reads the
  // stored offset and completion); when it fails nothing changes and its
  // Status is returned. Otherwise every earlier claim on `id` is superseded
  // and the new claim returned. The UploadClaims must outlive the Claim.
  Result<std::unique_ptr<Claim>> Take(int64_t id, const std::function<Status()>& verify);

  // Uploads with a slot (some claim held); for tests.
  size_t slots() const;

 private:
  void Release(int64_t id);

  mutable std::mutex mu_;
  std::unordered_map<int64_t, std::shared_ptr<Slot>> slots_;  // guarded by mu_
};

}  // namespace cammio
