// The page behind each personal link of a live interview (docs/web.md "The
// live room"): the candidate's /public/job_interviews/<token>, the
// interviewer's /public/interviewers/<token> and a guest's
// /public/guests/<token>. When the room can be entered it is the lobby and
// room page (assets/live.js, live.css), which talks to the signalling API
// under the same link; otherwise a page that says why, in the vacancy's
// language, and changes nothing: before the lobby opens (200, says when),
// after the end (410; it still runs live.js so an unfinished upload of this
// browser continues), a guest removed from the room by the interviewer
// (410, as after the end), a withdrawn invitation (410).
//
// Thread-safety: pure functions of their arguments and the Call.
#pragma once

#include <string>

#include "api/call.h"
#include "store/invitations.h"
#include "store/vacancies.h"

namespace cammio::web {

// Minutes before datetime_scheduled that the lobby opens when the server
// runs no rooms (the setting live_lobby_minutes otherwise).
inline constexpr int64_t kLobbyMinutes = 15;

// Who opened the page, as read and verified by the link's handler.
struct LiveLink {
  std::string base;              // the link's path (the signalling API is under it)
  std::string role;              // candidate | interviewer | guest
  std::string name;              // the participant's name
  std::string interviewer_name;  // who interviews: the invitation's, else the recruiter
  const Invitation* invitation = nullptr;
  const Vacancy* vacancy = nullptr;
  int64_t lobby_minutes = kLobbyMinutes;  // set by ReplyLivePage
  bool removed = false;                   // a guest the interviewer removed from the room
};

// Who interviews on `inv`: its interviewer_name, else `inviter` (the user who
// created it), else the vacancy's recruiter.
std::string InterviewerName(const Invitation& inv, const Vacancy& v, const std::string& inviter);

// Answers the room page for `link` in `lang`, or the page that says why the
// room cannot be entered now (the lobby time and the end as the rooms see
// them: live_lobby_minutes, the live session's end). Fails only when the
// store cannot be read.
Status ReplyLivePage(Call& call, LiveLink link, const std::string& lang);

}  // namespace cammio::web
