// IdleParking: keep-alive connections that wait for their next request,
// held on one epoll set instead of a blocked thread each.
//
// A parked connection is identified by its socket and a resume function.
// Exactly one of these happens to it, and Poll() or Close() hands its
// resume function to the caller (who runs it on a worker, never under a
// lock of this class):
//   * the socket becomes readable or hangs up     -> resume(true)
//   * its deadline (the keep-alive timeout) passes -> resume(false)
//   * Close() is called                            -> resume(false)
//   * ParkOrShed() needs its place                 -> resume(false)
// The caller keeps ownership of the socket; a resume function closes it or
// parks it again. The socket must stay open while it is parked.
//
// This class has no thread of its own: the worker pool's idle workers call
// Poll() (one blocking, any number with a zero timeout), so a connection
// that wakes up is served by the thread that saw it, without a hand-off.
//
// Thread-safety: every member may be called from any thread, Poll() by
// several at once (EPOLLONESHOT gives each event to one caller).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <utility>
#include <vector>

namespace cammio::http {

class IdleParking {
 public:
  using Clock = std::chrono::steady_clock;
  using Resume = std::function<void(bool readable)>;
  // Connections that are due, with the argument for their resume function.
  using Due = std::vector<std::pair<Resume, bool>>;
  // What a parked connection waits for: a next request with no byte of it
  // yet (kIdle), or the rest of a TLS handshake or request head (kBusy).
  enum class Kind { kIdle, kBusy };

  // At most `capacity` connections parked at once (each holds its TLS
  // session's buffers, ~33 KiB); 0 = none.
  explicit IdleParking(size_t capacity);
  ~IdleParking();
  IdleParking(const IdleParking&) = delete;
  IdleParking& operator=(const IdleParking&) = delete;

  // Watches `fd` for input until `deadline`. False (and `resume` dropped)
  // after Close(), when `capacity` connections are parked already, or when
  // the socket cannot be watched (epoll error).
  bool Park(int fd, Clock::time_point deadline, Resume resume);
  // Like Park(), but when `capacity` connections are parked already it
  // makes room first: the connection parked longest ago among the kIdle
  // ones, or if there is none among the kBusy ones, is taken out and
  // appended to `shed` with readable = false. False only after Close(), on
  // an epoll error, or with capacity 0.
  bool ParkOrShed(int fd, Clock::time_point deadline, Resume resume, Kind kind, Due* shed);
  // Waits until `until`, a parked socket is readable, or Interrupt(),
  // whichever is first (`until` <= now, e.g. time_point{}: no wait), then
  // appends every
  // connection that is readable or past its deadline to `due`.
  void Poll(Clock::time_point until, Due* due);
  // Makes a Poll() in progress (or the next one) return at once.
  void Interrupt();
  // Refuses later Park()s and appends every parked connection to `due`
  // with readable = false.
  void Close(Due* due);

  // The earliest deadline of a parked connection (max() when none).
  Clock::time_point NextDeadline() const;
  size_t parked() const;

 private:
  struct Entry {
    int fd;
    Clock::time_point deadline;
    Resume resume;
    Kind kind;
  };

  // Under mu_: adds the entry (capacity already checked).
  bool AddLocked(int fd, Clock::time_point deadline, Resume resume, Kind kind);

  // Under mu_: removes `id` and returns its resume function (empty if gone).
  Resume TakeLocked(uint64_t id);

  const size_t capacity_;
  int epoll_fd_ = -1;
  int wake_fd_ = -1;  // eventfd in the set, for Interrupt()
  mutable std::mutex mu_;
  uint64_t next_id_ = 1;  // 0 marks wake_fd_'s events
  std::map<uint64_t, Entry> entries_;
  std::set<std::pair<Clock::time_point, uint64_t>> deadlines_;
  std::set<uint64_t> by_kind_[2];  // ids by Kind, oldest (smallest) first
  bool closed_ = false;
};

}  // namespace cammio::http
