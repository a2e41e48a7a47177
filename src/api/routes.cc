// The API's route table: the resources under /api, /healthz, and the JSON
// and uploads of the candidate pages (the pages' rows are web/routes.cc's,
// /metrics is ops/routes.cc's; cli/server_router.cc joins them). The nested
// /api/vacancies/:vacancy_id/... rows use the same handlers as the flat ones;
// the handlers restrict themselves to the vacancy (api/scope.h). Cached(...)
// rows may be answered from the response cache (api/response_cache.h); the
// vacancy list is not (?active=true reads the clock), nor anything that
// writes (forward_url) or streams a file (videos).
#include "api/routes.h"
#include "api/account_uploads.h"
#include "api/candidate.h"
#include "api/health.h"
#include "api/interviews.h"
#include "api/invitations.h"
#include "api/live.h"
#include "api/meta.h"
#include "api/notifications.h"
#include "api/uploads.h"
#include "api/vacancies.h"
#include "api/vacancy_videos.h"
#include "api/videos.h"

namespace cammio {

#define V "/api/vacancies/:vacancy_id"

const std::vector<Route>& ApiRoutes() {
  static const std::vector<Route> rows({
      {"GET", "/healthz", HealthHandler, false},
      {"GET", "/api/openapi.json", OpenApiHandler, false},

      {"GET", "/api/vacancies", ListVacanciesHandler},
      {"POST", "/api/vacancies", CreateVacancyHandler},
      Cached({"GET", "/api/vacancies/:id", GetVacancyHandler}),
      {"PUT", "/api/vacancies/:id", UpdateVacancyHandler},
      {"DELETE", "/api/vacancies/:id", DeleteVacancyHandler},
      // The videos candidates see (api/vacancy_videos.h).
      {"PUT", V "/video", PutVacancyVideoHandler},
      {"DELETE", V "/video", DeleteVacancyVideoHandler},
      {"PUT", V "/questions/:question_id/video", PutQuestionVideoHandler},
      {"DELETE", V "/questions/:question_id/video", DeleteQuestionVideoHandler},

      Cached({"GET", "/api/invitations", ListInvitationsHandler}),
      {"POST", "/api/invitations", CreateInvitationHandler},
      Cached({"GET", "/api/invitations/:id", GetInvitationHandler}),
      {"PUT", "/api/invitations/:id", UpdateInvitationHandler},
      {"DELETE", "/api/invitations/:id", DeleteInvitationHandler},
      {"POST", "/api/invitations/:id/resend", ResendInvitationHandler},
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
      // Many at once, all or nothing (api/invitations.h).
      {"POST", V "/invitations/import", ImportInvitationsHandler},
      Cached({"GET", V "/invitations/:id", GetInvitationHandler}),
      {"PUT", V "/invitations/:id", UpdateInvitationHandler},
      {"DELETE", V "/invitations/:id", DeleteInvitationHandler},
      {"POST", V "/invitations/:id/resend", ResendInvitationHandler},
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
      // Recruiters' uploads of those videos (tus, api/account_uploads.h).
      {"OPTIONS", "/api/uploads", UploadOptionsHandler},
      {"POST", "/api/uploads", CreateAccountUploadHandler},
      {"GET", "/api/uploads/:id", AccountUploadStatusHandler},
      {"PATCH", "/api/uploads/:id", AccountUploadChunkHandler, true, true},

      {"GET", "/api/settings/notifications", GetNotificationSettingsHandler},
      {"PUT", "/api/settings/notifications", PutNotificationSettingsHandler},
      {"POST", "/api/settings/notifications/test", TestNotificationSettingsHandler},
      {"GET", "/api/notifications", ListNotificationsHandler},
      {"GET", "/api/notifications/:id", GetNotificationHandler},
      {"POST", "/api/notifications/:id/redeliver", RedeliverNotificationHandler},

      // The candidate pages' JSON, authorised by the link token.
      {"GET", "/public/job_interviews/{token}/state", CandidateStateHandler, false},
      {"POST", "/public/job_interviews/{token}/complete", CandidateCompleteHandler, false},
      // Candidate pages' resumable uploads (tus), authorised by the link token.
      {"OPTIONS", "/public/job_interviews/{token}/uploads", UploadOptionsHandler, false},
      {"POST", "/public/job_interviews/{token}/uploads", CreateUploadHandler, false},
      {"GET", "/public/job_interviews/{token}/uploads/:upload_id", UploadStatusHandler, false},
      {"PATCH", "/public/job_interviews/{token}/uploads/:upload_id", UploadChunkHandler, false,
       true},

      // Live interviews' rooms (api/live.h), under the three link bases.
      {"GET", "/public/job_interviews/{token}/live", CandidateLiveHandler, false},
      {"GET", "/public/job_interviews/{token}/live/events", CandidateLiveEventsHandler, false},
      {"POST", "/public/job_interviews/{token}/live/messages", CandidateLiveMessagesHandler, false},
      {"GET", "/public/interviewers/{token:guest}/live", InterviewerLiveHandler, false},
      {"GET", "/public/interviewers/{token:guest}/live/events", InterviewerLiveEventsHandler,
       false},
      {"POST", "/public/interviewers/{token:guest}/live/messages", InterviewerLiveMessagesHandler,
       false},
      {"GET", "/public/guests/{token:guest}/live", GuestLiveHandler, false},
      {"GET", "/public/guests/{token:guest}/live/events", GuestLiveEventsHandler, false},
      {"POST", "/public/guests/{token:guest}/live/messages", GuestLiveMessagesHandler, false},
      // Their recordings' uploads (tus, api/uploads.h).
      {"OPTIONS", "/public/interviewers/{token:guest}/uploads", UploadOptionsHandler, false},
      {"POST", "/public/interviewers/{token:guest}/uploads", InterviewerCreateUploadHandler, false},
      {"GET", "/public/interviewers/{token:guest}/uploads/:upload_id",
       InterviewerUploadStatusHandler, false},
      {"PATCH", "/public/interviewers/{token:guest}/uploads/:upload_id",
       InterviewerUploadChunkHandler, false, true},
      {"OPTIONS", "/public/guests/{token:guest}/uploads", UploadOptionsHandler, false},
      {"POST", "/public/guests/{token:guest}/uploads", GuestCreateUploadHandler, false},
      {"GET", "/public/guests/{token:guest}/uploads/:upload_id", GuestUploadStatusHandler, false},
      {"PATCH", "/public/guests/{token:guest}/uploads/:upload_id", GuestUploadChunkHandler, false,
       true},
  });
  return rows;
}

#undef V

}  // namespace cammio
