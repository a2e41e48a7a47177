// The three kinds of live interview links and who they name (issue 16):
// the candidate's invitation token, the interviewer's
// mail::InterviewerToken and a guest's mail::GuestToken, each checked in
// constant time against the invitation it names. Used by the room's routes
// (api/live.h) and by the live recordings' uploads (api/uploads.h).
//
// Thread-safety: pure functions over a Db the caller holds.
#pragma once

#include <optional>
#include <string>

#include "api/events.h"
#include "cammio/status.h"
#include "live/room.h"
#include "store/db.h"
#include "store/invitations.h"
#include "store/live_sessions.h"
#include "store/vacancies.h"

namespace cammio {

enum class LiveBase { kCandidate, kInterviewer, kGuest };

struct LiveLink {
  Invitation invitation;
  Vacancy vacancy;
  live::Participant participant;
  std::string interviewer_name;
  std::optional<LiveSession> session;  // nullopt: nobody entered the room yet
};

// Resolves `token` under `base`: NotFound for an unknown link (or a wrong
// token), Gone for a revoked invitation, a deleted guest, a guest the
// interviewer removed from the room (store/live_sessions.h IsGuestRemoved)
// or an ended interview (the details say which), PreconditionFailed when
// the vacancy is not live.
Status LoadLiveLink(Db& db, LiveBase base, const std::string& token, LiveLink* out);
// As LoadLiveLink, but neither an ended interview nor a removed guest is
// refused (the recordings' uploads after the end or the removal).
Status LoadLiveLinkAnyState(Db& db, LiveBase base, const std::string& token, LiveLink* out);

// Inside a write: raises the completion event of session `s` (once).
Status RaiseLiveCompletion(Db& db, Events& events, const LiveSession& s, int64_t now);

}  // namespace cammio
