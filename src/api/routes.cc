// The route table: every path the server answers, one row each. The nested
// /api/vacancies/:vacancy_id/... rows use the same handlers as the flat ones;
// the handlers restrict themselves to the vacancy (api/scope.h). Cached(...)
// rows may be answered from the response cache (api/response_cache.h); the
// vacancy list is not (?active=true reads the clock), nor anything that
// writes (forward_url) or streams a file (videos).
#include "api/candidate.h"
#include "api/health.h"
#include "api/interviews.h"
#include "api/invitations.h"
#include "api/meta.h"
#include "api/notifications.h"
#include "api/uploads.h"
#include "api/vacancies.h"
#include "api/videos.h"
#include "ops/metrics_handler.h"
#include "web/pages.h"

namespace cammio {

#define V "/api/vacancies/:vacancy_id"

const Router& ApiRouter() {
  static const Router router({
      {"GET", "/healthz", HealthHandler, false},
      {"GET", "/metrics", ops::MetricsHandler, false},  // access: ops/metrics_handler.h
      {"GET", "/api/openapi.json", OpenApiHandler, false},

      {"GET", "/api/vacancies", ListVacanciesHandler},
      {"POST", "/api/vacancies", CreateVacancyHandler},
      Cached({"GET", "/api/vacancies/:id", GetVacancyHandler}),
      {"PUT", "/api/vacancies/:id", UpdateVacancyHandler},
      {"DELETE", "/api/vacancies/:id", DeleteVacancyHandler},

      Cached({"GET", "/api/invitations", ListInvitationsHandler}),
      {"POST", "/api/invitations", CreateInvitationHandler},
      Cached({"GET", "/api/invitations/:id", GetInvitationHandler}),
      {"PUT", "/api/invitations/:id", UpdateInvitationHandler},
      {"DELETE", "/api/invitations/:id", DeleteInvitationHandler},
      Cached({"GET", "/api/invitations/:invitation_id/guests", ListGuestsHandler}),
      {"POST", "/api/invitations/:invitation_id/guests", CreateGuestHandler},
      Cached({"GET", "/api/invitations/:invitation_id/guests/:id", GetGuestHandler}),
      {"PUT", "/api/invitations/:invitation_id/guests/:id", UpdateGuestHandler},
      {"DELETE", "/api/invitations/:invitation_id/guests/:id", DeleteGuestHandler},

      Cached({"GET", "/api/interviews", ListInterviewsHandler}),
      Cached({"GET", "/api/interviews/:id", GetInterviewHandler}),
      Cached({"GET", "/api/interviews/:interview_id/reviewers", ListReviewersHandler}),
      {"POST", "/api/interviews/:interview_id/reviewers", CreateReviewerHandler},
      Cached({"GET", "/api/interviews/:interview_id/reviewers/:id", GetReviewerHandler}),
      {"PUT", "/api/interviews/:interview_id/reviewers/:id", UpdateReviewerHandler},
      {"DELETE", "/api/interviews/:interview_id/reviewers/:id", DeleteReviewerHandler},
      Cached({"GET", "/api/interviews/:interview_id/reviews", ListReviewsHandler}),
      {"POST", "/api/interviews/:interview_id/reviews", CreateReviewHandler},
      Cached({"GET", "/api/interviews/:interview_id/reviews/:id", GetReviewHandler}),
      {"DELETE", "/api/interviews/:interview_id/reviews/:id", DeleteReviewHandler},
      {"GET", "/api/interviews/:interview_id/forward_url", ForwardUrlHandler},

      Cached({"GET", V "/invitations", ListInvitationsHandler}),
      {"POST", V "/invitations", CreateInvitationHandler},
      Cached({"GET", V "/invitations/:id", GetInvitationHandler}),
      {"PUT", V "/invitations/:id", UpdateInvitationHandler},
      {"DELETE", V "/invitations/:id", DeleteInvitationHandler},
      Cached({"GET", V "/invitations/:invitation_id/guests", ListGuestsHandler}),
      {"POST", V "/invitations/:invitation_id/guests", CreateGuestHandler},
      Cached({"GET", V "/invitations/:invitation_id/guests/:id", GetGuestHandler}),
      {"PUT", V "/invitations/:invitation_id/guests/:id", UpdateGuestHandler},
      {"DELETE", V "/invitations/:invitation_id/guests/:id", DeleteGuestHandler},
      Cached({"GET", V "/interviews", ListInterviewsHandler}),
      Cached({"GET", V "/interviews/:id", GetInterviewHandler}),
      Cached({"GET", V "/interviews/:interview_id/reviews", ListReviewsHandler}),
      {"POST", V "/interviews/:interview_id/reviews", CreateReviewHandler},
      Cached({"GET", V "/interviews/:interview_id/reviews/:id", GetReviewHandler}),
      {"DELETE", V "/interviews/:interview_id/reviews/:id", DeleteReviewHandler},
      Cached({"GET", V "/interviews/:interview_id/reviewers", ListReviewersHandler}),
      {"POST", V "/interviews/:interview_id/reviewers", CreateReviewerHandler},
      Cached({"GET", V "/interviews/:interview_id/reviewers/:id", GetReviewerHandler}),
      {"PUT", V "/interviews/:interview_id/reviewers/:id", UpdateReviewerHandler},
      {"DELETE", V "/interviews/:interview_id/reviewers/:id", DeleteReviewerHandler},
      {"GET", V "/interviews/:interview_id/forward_url", ForwardUrlHandler},

      {"GET", "/api/videos/:video_id", GetVideoHandler},

      {"GET", "/api/settings/notifications", GetNotificationSettingsHandler},
      {"PUT", "/api/settings/notifications", PutNotificationSettingsHandler},
      {"POST", "/api/settings/notifications/test", TestNotificationSettingsHandler},
      {"GET", "/api/notifications", ListNotificationsHandler},
      {"GET", "/api/notifications/:id", GetNotificationHandler},
      {"POST", "/api/notifications/:id/redeliver", RedeliverNotificationHandler},

      // Web pages (src/web): HTML, scripts, styles; see web/pages.h.
      {"GET", "/public/assets/cammio.css", web::AssetHandler, false},
      {"GET", "/public/assets/common.js", web::AssetHandler, false},
      {"GET", "/public/assets/uploads.js", web::AssetHandler, false},
      {"GET", "/public/assets/candidate.js", web::AssetHandler, false},
      {"GET", "/public/job_interviews/{token}", web::CandidatePageHandler, false},
      {"GET", "/public/job_interviews/{token}/questions/:question_id/video",
       web::QuestionVideoHandler, false},
      {"GET", "/public/vacancies/{token}", web::PublicVacancyPageHandler, false},
      {"POST", "/public/vacancies/{token}", web::PublicVacancyApplyHandler, false},
      {"GET", "/public/video/v/{token}", web::ForwardPageHandler, false},
      {"GET", "/public/video/v/{token}/media/:video_id", web::ForwardMediaHandler, false},
      {"GET", "/public/reviews/{token}", web::ReviewerPageHandler, false},
      {"POST", "/public/reviews/{token}", web::ReviewerSubmitHandler, false},
      {"GET", "/public/reviews/{token}/media/:video_id", web::ReviewerMediaHandler, false},
      {"GET", "/public/guests/{token:guest}", web::GuestPageHandler, false},
      {"GET", "/recruiter/reviews/:id", web::RecruiterPageHandler},
      {"POST", "/recruiter/reviews/:id", web::RecruiterReviewHandler},
      {"GET", "/recruiter/reviews/:id/media/:video_id", web::RecruiterMediaHandler},

      // The candidate pages' JSON, authorised by the link token.
      {"GET", "/public/job_interviews/{token}/state", CandidateStateHandler, false},
      {"POST", "/public/job_interviews/{token}/complete", CandidateCompleteHandler, false},
      // Candidate pages' resumable uploads (tus), authorised by the link token.
      {"OPTIONS", "/public/job_interviews/{token}/uploads", UploadOptionsHandler, false},
      {"POST", "/public/job_interviews/{token}/uploads", CreateUploadHandler, false},
      {"GET", "/public/job_interviews/{token}/uploads/:upload_id", UploadStatusHandler, false},
      {"PATCH", "/public/job_interviews/{token}/uploads/:upload_id", UploadChunkHandler, false,
       true},
  });
  return router;
}

#undef V

}  // namespace cammio
