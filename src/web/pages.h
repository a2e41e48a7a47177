// The web pages' handlers (their routes: web/routes.cc). Every
// handler has the API's shape `Status H(Call&)`: it answers a page through
// web/html.h, or returns an error Status that the pipeline renders as an HTML
// page for browsers (web::ReplyErrorPage, through web/error_page.h) and as JSON otherwise.
//
//  GET  /public/assets/<name>                         embedded styles and scripts
//  GET  /public/job_interviews/{token}                candidate: the automated interview
//  GET  /public/job_interviews/{token}/questions/:question_id/video
//  GET  /public/vacancies/{token}                     public vacancy: name + email form
//  POST /public/vacancies/{token}                     -> invitation, 303 to its page
//  GET  /public/video/v/{token}                       forward link (uses one of 3 opens)
//  GET  /public/video/v/{token}/media/:video_id?access=...   (Range)
//  GET  /public/reviews/{token}                       reviewer's personal link
//  POST /public/reviews/{token}                       rating + remarks -> review
//  GET  /public/reviews/{token}/media/:video_id       (Range)
//  GET  /public/guests/{token:guest}                  a live interview's guest (mail::GuestToken)
//  GET  /public/interviewers/{token:guest}            its interviewer (mail::InterviewerToken)
//       (the candidate's, the guest's and the interviewer's pages of a live
//       interview are the lobby and room, web/live_pages.h)
//  GET  /recruiter/reviews/:id                        recruiter review page (Basic)
//  POST /recruiter/reviews/:id                        add a review as the user
//  GET  /recruiter/reviews/:id/media/:video_id        (Range)
//
// Pages speak the vacancy's language where a translation exists (web/i18n.h).
#pragma once

#include "api/call.h"

namespace cammio::web {

Status AssetHandler(Call& call);

Status CandidatePageHandler(Call& call);
Status QuestionVideoHandler(Call& call);
// GET /public/job_interviews/{token}/video: the vacancy's intro video
// (schema/018), under the open link as the question videos; 404 when the
// vacancy has none.
Status IntroVideoHandler(Call& call);
Status PublicVacancyPageHandler(Call& call);
Status PublicVacancyApplyHandler(Call& call);

Status ForwardPageHandler(Call& call);
Status ForwardMediaHandler(Call& call);
Status ReviewerPageHandler(Call& call);
Status ReviewerSubmitHandler(Call& call);
Status ReviewerMediaHandler(Call& call);
Status GuestPageHandler(Call& call);
Status InterviewerPageHandler(Call& call);

Status RecruiterPageHandler(Call& call);
Status RecruiterReviewHandler(Call& call);
Status RecruiterMediaHandler(Call& call);

}  // namespace cammio::web
