// Live interviews (issue 16): the server side of the room. Under each link
// base B -- the candidate's /public/job_interviews/{token}, the
// interviewer's /public/interviewers/{token:guest} and a guest's
// /public/guests/{token:guest} --
//   GET  B/live           the room as this participant sees it (JSON)
//   GET  B/live/events    server-sent events; opening it joins the room
//   POST B/live/messages  one message: signal, chat, state, leave, end, remove
// docs/decisions.md "Live interviews" describes the frames and refusals.
// The rooms themselves are live::Registry (src/live/); LiveRooms adds the
// transport, the settings, and what the room leaves behind in the store
// (store/live_sessions.h): the start, who was present, and at the end, in
// one write, the interview with one recording row per participant.
//
// Thread-safety: LiveRooms is shared by every request thread, the event
// streams' thread and its own ticker thread; every method is thread-safe.
#pragma once

#include <httplib.h>

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "cammio/status.h"
#include "live/rate.h"
#include "live/registry.h"
#include "store/db.h"

namespace cammio {

class Call;
class Clock;
class Events;
class Store;

struct LiveSettings {
  int64_t lobby_minutes = 15;            // the lobby opens this long before datetime_scheduled
  int64_t empty_grace_s = 60;            // an empty room ends after this (once both met)
  int64_t upload_wait_s = 600;           // recordings are awaited this long after the end
  std::vector<std::string> ice_servers;  // stun:/turn:/turns: URLs; none = host candidates
  std::string turn_secret;               // coturn use-auth-secret; "" = no TURN credentials
  int64_t turn_credential_ttl_s = 3600;
  std::string ice_transport_policy = "all";  // all | relay
};

// The transport's event streams as the rooms use them: Send/Close (Outbox)
// and Open, which answers a request as a stream and returns its id (0 when
// no more streams may be open; `res` is then a 503). `closed` runs once when
// the stream ends, on the transport's thread.
class LiveTransport : public live::Outbox {
 public:
  virtual uint64_t Open(httplib::Response& res, std::string first,
                        std::function<void(uint64_t)> closed) = 0;
};

class LiveRooms {
 public:
  // `store`, `clock`, `events` and `transport` outlive this.
  LiveRooms(Store& store, const Clock& clock, Events& events, LiveTransport& transport,
            LiveSettings settings);
  ~LiveRooms();  // stops the ticker
  LiveRooms(const LiveRooms&) = delete;
  LiveRooms& operator=(const LiveRooms&) = delete;

  // Recover(), then starts the ticker thread: each second the empty-room
  // grace, the ends to retry and the completion events that are due (read
  // from the store, so those pending at a restart are raised too).
  void Start();
  // Rebuilds the rooms under way at a restart (started, not ended, the
  // invitation open) empty since now, so the empty-room grace ends them and
  // writes their interviews when nobody comes back. Errors are logged.
  void Recover();
  void Stop();
  // One tick now (tests call it instead of waiting for the thread): first
  // CloseGoneRooms, then the registry's tick and the due completions.
  void Tick();
  // Closes the rooms in memory whose invitation was revoked or deleted in
  // the store meanwhile (live::Registry::Close, reason "revoked" or
  // "deleted"): by another process (`cammio candidate erase`), by data
  // retention, or by a request that raced a join. The API's own revoke
  // closes its room at once. Errors are logged; the next tick tries again.
  void CloseGoneRooms(int64_t now);

  live::Registry& registry() { return registry_; }
  // Each participant's budget of POST B/live/messages (live::kDefaultRateLimits),
  // keyed "<invitation id>/<participant id>", timed by clock().NowMillis().
  live::SenderBudgets& budgets() { return budgets_; }
  LiveTransport& transport() { return transport_; }
  const LiveSettings& settings() const { return settings_; }
  const Clock& clock() const { return clock_; }

  // Persists what a registry call changed: a first presence, the start, and
  // at the end, in one write with the start and everyone present that the
  // change carries, the interview (api/live_end.cc). An end's outcome is
  // reported to the registry (Registry::EndSaved), so a failed one is
  // retried by the next Tick. Errors are logged and returned.
  Status Persist(const live::Change& change, int64_t now);

 private:
  void Loop();
  void RaiseDueCompletions(int64_t now);

  Store& store_;
  const Clock& clock_;
  Events& events_;
  LiveTransport& transport_;
  const LiveSettings settings_;
  live::Registry registry_;
  live::SenderBudgets budgets_;
  std::mutex mu_;
  std::condition_variable wake_;
  bool stop_ = false;
  std::thread thread_;
};

// The handlers; `B` is one of the three link bases (the route tells which).
Status CandidateLiveHandler(Call& call);
Status CandidateLiveEventsHandler(Call& call);
Status CandidateLiveMessagesHandler(Call& call);
Status InterviewerLiveHandler(Call& call);
Status InterviewerLiveEventsHandler(Call& call);
Status InterviewerLiveMessagesHandler(Call& call);
Status GuestLiveHandler(Call& call);
Status GuestLiveEventsHandler(Call& call);
Status GuestLiveMessagesHandler(Call& call);

// TURN REST API credentials for `participant`, valid until `expires`:
// username "<expires>:<participant>", credential
// base64(HMAC-SHA1(secret, username)). Pure.
std::pair<std::string, std::string> TurnCredentials(const std::string& secret, int64_t expires,
                                                    const std::string& participant);

}  // namespace cammio
