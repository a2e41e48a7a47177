// Pieces shared by the pages that show a completed interview (forward link,
// reviewer link, recruiter page): loading what they show, the recordings as
// <video> elements whose sources are the page's own media URLs, the rating
// form, form-body parsing and display dates.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "api/call.h"
#include "store/interviews.h"
#include "store/vacancies.h"

namespace cammio::web {

// What an interview page shows; read in one snapshot.
struct InterviewView {
  Interview interview;
  std::vector<Recording> recordings;
  std::vector<Review> reviews;
  std::vector<Reviewer> reviewers;
  std::optional<int64_t> cv_video_id;  // the CV the candidate handed in
  std::string lang;
};

// Loads interview `id` of `account_id` and picks the page language from its
// vacancy (and `accept_language`).
Status LoadInterviewView(Db& db, int64_t account_id, int64_t interview_id,
                         const std::string& accept_language, InterviewView* out);

// "2024-05-01 14:03 UTC".
std::string DisplayTime(int64_t epoch);

// A live interview's datetime_scheduled (ISO 8601 with offset) in words of
// `lang`, in its own offset: "Monday 6 May 2030 at 14:30 (UTC+02:00)",
// "maandag 6 mei 2030 om 14:30 (UTC+02:00)"; text "schedule_unknown" when
// there is none.
std::string DisplaySchedule(const std::string& lang, const std::optional<std::string>& iso);

// The recordings as a list of <figure><video>, then a link to the CV when
// there is one; `media_url(video_id)` gives each source (and poster) URL.
std::string RecordingsHtml(const InterviewView& v,
                           const std::function<std::string(int64_t)>& media_url);

// A form posting rating (1..5 radios) and remarks to `action`; `error` (plain
// text) is shown and announced when not empty; `csrf` (when not empty) goes
// in a hidden field `csrf` (a console session's token, api/session_auth.h).
std::string RatingFormHtml(const std::string& lang, const std::string& action,
                           const std::string& heading, const std::string& error,
                           const std::string& csrf = "");

// Parses an application/x-www-form-urlencoded body.
std::map<std::string, std::string> ParseForm(const std::string& body);

// Reads rating (1..5) and remarks from a rating form; false when the rating
// is missing or out of range.
bool ReadRatingForm(const std::map<std::string, std::string>& form, int64_t* rating,
                    std::optional<std::string>* remarks);

// Streams media file `video_id` of `account_id` (Range-capable).
Status ReplyMedia(Call& call, int64_t account_id, int64_t video_id);

}  // namespace cammio::web
