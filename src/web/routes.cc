// The web pages' rows: HTML, scripts, styles (handlers: web/pages.h). The
// candidate pages' JSON and uploads are the API's rows (api/routes.cc).
#include "web/routes.h"

#include "web/pages.h"

namespace cammio::web {

const std::vector<Route>& PageRoutes() {
  static const std::vector<Route> rows({
      {"GET", "/public/assets/cammio.css", AssetHandler, false},
      {"GET", "/public/assets/common.js", AssetHandler, false},
      {"GET", "/public/assets/uploads.js", AssetHandler, false},
      {"GET", "/public/assets/candidate.js", AssetHandler, false},
      {"GET", "/public/assets/live.js", AssetHandler, false},
      {"GET", "/public/assets/live.css", AssetHandler, false},
      {"GET", "/public/job_interviews/{token}", CandidatePageHandler, false},
      {"GET", "/public/job_interviews/{token}/questions/:question_id/video", QuestionVideoHandler,
       false},
      {"GET", "/public/job_interviews/{token}/video", IntroVideoHandler, false},
      {"GET", "/public/vacancies/{token}", PublicVacancyPageHandler, false},
      {"POST", "/public/vacancies/{token}", PublicVacancyApplyHandler, false},
      {"GET", "/public/video/v/{token}", ForwardPageHandler, false},
      {"GET", "/public/video/v/{token}/media/:video_id", ForwardMediaHandler, false},
      {"GET", "/public/reviews/{token}", ReviewerPageHandler, false},
      {"POST", "/public/reviews/{token}", ReviewerSubmitHandler, false},
      {"GET", "/public/reviews/{token}/media/:video_id", ReviewerMediaHandler, false},
      {"GET", "/public/guests/{token:guest}", GuestPageHandler, false},
      {"GET", "/public/interviewers/{token:guest}", InterviewerPageHandler, false},
      {"GET", "/recruiter/reviews/:id", RecruiterPageHandler},
      {"POST", "/recruiter/reviews/:id", RecruiterReviewHandler},
      {"GET", "/recruiter/reviews/:id/media/:video_id", RecruiterMediaHandler},
  });
  return rows;
}

}  // namespace cammio::web
