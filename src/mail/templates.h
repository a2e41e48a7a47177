// The texts of the emails cammio sends, in the vacancy's language (English,
// Dutch), each as a subject, a plain-text body and an HTML body carrying the
// same words. Values (names, titles, the recruiter's invitation text) are
// inserted as text: HTML-escaped in the HTML body.
//
// All functions are pure and thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace cammio::mail {

enum class Language { kEnglish, kDutch };

// The vacancy's `language` field ("nl", "nl-NL", "NL", "nl_BE", "dutch",
// "nederlands" -> Dutch); anything else, or none, is English.
Language LanguageFor(const std::optional<std::string>& language);

struct Content {
  std::string subject;
  std::string text;
  std::string html;
};

// (1) A candidate's invitation to a vacancy's interview.
struct CandidateInvitationInfo {
  std::string candidate_name;
  std::string vacancy_title;
  std::string recruiter_name;
  std::optional<std::string> invitation_text;  // the vacancy's generic_invitation_text
  bool live = false;
  std::optional<std::string> scheduled;  // ISO 8601 with offset (live interviews)
  std::string link;                      // <public_url>/public/job_interviews/<token>
};
Content CandidateInvitation(Language lang, const CandidateInvitationInfo& info);

// (2) A guest's invitation to join a live interview.
struct GuestInvitationInfo {
  std::string guest_name;
  std::string candidate_name;
  std::string vacancy_title;
  std::string recruiter_name;
  std::optional<std::string> scheduled;
  std::string link;
};
Content GuestInvitation(Language lang, const GuestInvitationInfo& info);

// (2b) The interviewer's invitation to a live interview (the invitation's
// interviewer, else the recruiter who created it).
struct InterviewerInvitationInfo {
  std::string interviewer_name;
  std::string candidate_name;
  std::string vacancy_title;
  std::optional<std::string> scheduled;
  std::string link;  // <public_url>/public/interviewers/<token>
};
Content InterviewerInvitation(Language lang, const InterviewerInvitationInfo& info);

// The calendar event's SUMMARY and DESCRIPTION (mail/icalendar.h) of a live
// interview with `candidate` for `title`; the description carries `link`.
std::string LiveEventSummary(Language lang, const std::string& candidate, const std::string& title);
std::string LiveEventDescription(Language lang, const std::string& link);

// (3) A reviewer's invitation to review an interview.
struct ReviewerInvitationInfo {
  std::string reviewer_name;
  std::string candidate_name;
  std::string vacancy_title;
  std::string recruiter_name;
  std::string link;  // <public_url>/public/reviews/<token>
};
Content ReviewerInvitation(Language lang, const ReviewerInvitationInfo& info);

// (5) A console user's invitation: a one-time link to choose a password.
struct ConsoleInvitationInfo {
  std::string user_name;
  std::string account_name;
  std::string link;  // <public_url>/console/set-password?token=...
  int64_t valid_hours = 72;
};
Content ConsoleInvitation(Language lang, const ConsoleInvitationInfo& info);

// (4) The recruiter told that a candidate completed an interview.
struct InterviewCompletedInfo {
  std::string recruiter_name;
  std::string candidate_name;
  std::string vacancy_title;
  int64_t completed_at = 0;  // Unix seconds
  std::string link;          // <public_url>/recruiter/reviews/<id>
};
Content InterviewCompleted(Language lang, const InterviewCompletedInfo& info);

// "Thursday 29 August 2013 at 00:00 (UTC+02:00)" / "donderdag 29 augustus
// 2013 om 00:00 (UTC+02:00)" for an ISO 8601 datetime, in its own offset.
// Text that does not parse is returned unchanged.
std::string HumanDatetime(Language lang, const std::string& iso);
// The same for an instant, in UTC.
std::string HumanUtc(Language lang, int64_t epoch);

}  // namespace cammio::mail
