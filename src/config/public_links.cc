#include "config/public_links.h"

namespace cammio {

std::string UrlHost(std::string_view url) {
  size_t scheme = url.find("://");
  if (scheme != std::string_view::npos) url.remove_prefix(scheme + 3);
  url = url.substr(0, url.find_first_of("/?#"));
  size_t at = url.rfind('@');
  if (at != std::string_view::npos) url.remove_prefix(at + 1);
  if (!url.empty() && url.front() == '[') {
    size_t close = url.find(']');
    return close == std::string_view::npos ? std::string() : std::string(url.substr(1, close - 1));
  }
  return std::string(url.substr(0, url.find(':')));
}

PublicLinks::PublicLinks(std::string_view public_url, int https_port)
    : base_(public_url.empty() ? "https://localhost:" + std::to_string(https_port)
                               : std::string(public_url)) {
  while (!base_.empty() && base_.back() == '/') base_.pop_back();
}

std::string PublicLinks::CandidateInterviewPath(std::string_view token) {
  return "/public/job_interviews/" + std::string(token);
}
std::string PublicLinks::PublicVacancyPath(std::string_view token) {
  return "/public/vacancies/" + std::string(token);
}
std::string PublicLinks::ReviewerPagePath(std::string_view token) {
  return "/public/reviews/" + std::string(token);
}
std::string PublicLinks::ForwardPagePath(std::string_view token) {
  return "/public/video/v/" + std::string(token);
}
std::string PublicLinks::GuestPagePath(std::string_view guest_token) {
  return "/public/guests/" + std::string(guest_token);
}
std::string PublicLinks::InterviewerPagePath(std::string_view interviewer_token) {
  return "/public/interviewers/" + std::string(interviewer_token);
}
std::string PublicLinks::RecruiterReviewPath(int64_t interview_id) {
  return "/recruiter/reviews/" + std::to_string(interview_id);
}
std::string PublicLinks::VideoPath(int64_t video_id) {
  return "/api/videos/" + std::to_string(video_id);
}

std::string PublicLinks::CandidateInterview(std::string_view token) const {
  return base_ + CandidateInterviewPath(token);
}
std::string PublicLinks::PublicVacancy(std::string_view token) const {
  return base_ + PublicVacancyPath(token);
}
std::string PublicLinks::ReviewerPage(std::string_view token) const {
  return base_ + ReviewerPagePath(token);
}
std::string PublicLinks::ForwardPage(std::string_view token) const {
  return base_ + ForwardPagePath(token);
}
std::string PublicLinks::GuestPage(std::string_view guest_token) const {
  return base_ + GuestPagePath(guest_token);
}
std::string PublicLinks::InterviewerPage(std::string_view interviewer_token) const {
  return base_ + InterviewerPagePath(interviewer_token);
}
std::string PublicLinks::RecruiterReview(int64_t interview_id) const {
  return base_ + RecruiterReviewPath(interview_id);
}
std::string PublicLinks::Video(int64_t video_id) const { return base_ + VideoPath(video_id); }

}  // namespace cammio
