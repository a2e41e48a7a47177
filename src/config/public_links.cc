#include "config/public_links.h"

#include <charconv>

namespace cammio {
namespace {

constexpr char kRecruiterReviews[] = "/recruiter/reviews/";
constexpr char kVideos[] = "/api/videos/";

}  // namespace

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
  return kRecruiterReviews + std::to_string(interview_id);
}
std::string PublicLinks::VideoPath(int64_t video_id) { return kVideos + std::to_string(video_id); }

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
namespace {

// base + path + id in one allocation (a list writes two of these per row).
std::string WithId(const std::string& base, std::string_view path, int64_t id) {
  char digits[24];
  const auto end = std::to_chars(digits, digits + sizeof digits, id).ptr;
  std::string out;
  out.reserve(base.size() + path.size() + static_cast<size_t>(end - digits));
  out.append(base).append(path).append(digits, end);
  return out;
}

}  // namespace

std::string PublicLinks::RecruiterReview(int64_t interview_id) const {
  return WithId(base_, kRecruiterReviews, interview_id);
}
std::string PublicLinks::Video(int64_t video_id) const { return WithId(base_, kVideos, video_id); }

}  // namespace cammio
