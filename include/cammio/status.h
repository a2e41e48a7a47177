// Status: the outcome of an operation that can fail, flowing upward to the
// single place (api/errors) that maps it to an HTTP status and an error
// body. Modelled on leveldb::Status.
//
// A Status is either ok() or carries a Code and a `details` text meant for the
// API client (it names the field or rule that failed). Internal failures
// (Code::kInternal, kIoError) keep their details for the log only; the error
// renderer never sends them to a client.
//
// Thread-safety: a Status is a value; distinct objects may be used from
// different threads, one object is not synchronised.
#pragma once

#include <optional>
#include <string>
#include <utility>

namespace cammio {

class Status {
 public:
  enum class Code {
    kOk = 0,
    kInvalidArgument,      // 400: malformed body or parameter.
    kUnauthenticated,      // 403: missing or wrong credentials (the seed's table).
    kDisabled,             // 401: the account's API access is disabled.
    kNotFound,             // 404: unknown path, or id not in the caller's account.
    kMethodNotAllowed,     // 405: known path, other method.
    kConflict,             // 409: e.g. an Idempotency-Key reused with another body.
    kGone,                 // 410: a link that was used up or expired.
    kPreconditionFailed,   // 412: validation or rule failure.
    kPayloadTooLarge,      // 413: body over the configured limit.
    kTooManyRequests,      // 429: too many failed authentications.
    kInternal,             // 500: a bug or unexpected state.
    kIoError,              // 500: storage failure.
    kInsufficientStorage,  // 507: disk full.
    kUnavailable,          // 503: read-only storage, shutting down.
  };

  Status() = default;  // OK.

  static Status OK() { return Status(); }
  static Status InvalidArgument(std::string d) { return {Code::kInvalidArgument, std::move(d)}; }
  static Status Unauthenticated(std::string d) { return {Code::kUnauthenticated, std::move(d)}; }
  static Status Disabled(std::string d) { return {Code::kDisabled, std::move(d)}; }
  static Status NotFound(std::string d) { return {Code::kNotFound, std::move(d)}; }
  static Status MethodNotAllowed(std::string d) { return {Code::kMethodNotAllowed, std::move(d)}; }
  static Status Conflict(std::string d) { return {Code::kConflict, std::move(d)}; }
  static Status Gone(std::string d) { return {Code::kGone, std::move(d)}; }
  static Status PreconditionFailed(std::string d) {
    return {Code::kPreconditionFailed, std::move(d)};
  }
  static Status PayloadTooLarge(std::string d) { return {Code::kPayloadTooLarge, std::move(d)}; }
  static Status TooManyRequests(std::string d) { return {Code::kTooManyRequests, std::move(d)}; }
  static Status Internal(std::string d) { return {Code::kInternal, std::move(d)}; }
  static Status IoError(std::string d) { return {Code::kIoError, std::move(d)}; }
  static Status InsufficientStorage(std::string d) {
    return {Code::kInsufficientStorage, std::move(d)};
  }
  static Status Unavailable(std::string d) { return {Code::kUnavailable, std::move(d)}; }

  bool ok() const { return code_ == Code::kOk; }
  Code code() const { return code_; }
  bool IsNotFound() const { return code_ == Code::kNotFound; }
  // Text for the client (or, for internal codes, for the log).
  const std::string& details() const { return details_; }
  // "NotFound: vacancy 12", for logs and test failure messages.
  std::string ToString() const;

 private:
  Status(Code code, std::string details) : code_(code), details_(std::move(details)) {}
  Code code_ = Code::kOk;
  std::string details_;
};

// StatusOr-lite: a value or the Status explaining why there is none.
template <typename T>
class Result {
 public:
  Result(T value) : value_(std::move(value)) {}          // NOLINT: implicit by design.
  Result(Status status) : status_(std::move(status)) {}  // NOLINT: must not be OK.
  bool ok() const { return status_.ok(); }
  const Status& status() const { return status_; }
  // Only when ok().
  T& value() { return *value_; }
  const T& value() const { return *value_; }
  T* operator->() { return &*value_; }
  const T* operator->() const { return &*value_; }
  T& operator*() { return *value_; }
  const T& operator*() const { return *value_; }

 private:
  Status status_;
  std::optional<T> value_;
};

}  // namespace cammio
