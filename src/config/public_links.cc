#include "config/public_links.h"

#include <charconv>
#include <cstring>

namespace cammio {
namespace {

constexpr char kRecruiterReviews[] = "/recruiter/reviews/";
constexpr char kVideos[] = "/api/videos/";
constexpr char kCandidateInterviews[] = "/public/job_interviews/";
constexpr char kPublicVacancies[] = "/public/vacancies/";
constexpr char kReviewerPages[] = "/public/reviews/";
constexpr char kForwardPages[] = "/public/video/v/";
constexpr char kGuestPages[] = "/public/guests/";
constexpr char kInterviewerPages[] = "/public/interviewers/";

// base + path + tail in one allocation (a list writes one or two links per
// row).
std::string Join(std::string_view base, std::string_view path, std::string_view tail) {
  std::string out;
  out.reserve(base.size() + path.size() + tail.size());
  out.append(base).append(path).append(tail);
  return out;
}

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
  return Join("", kCandidateInterviews, token);
}
std::string PublicLinks::PublicVacancyPath(std::string_view token) {
  return Join("", kPublicVacancies, token);
}
std::string PublicLinks::ReviewerPagePath(std::string_view token) {
  return Join("", kReviewerPages, token);
}
std::string PublicLinks::ForwardPagePath(std::string_view token) {
  return Join("", kForwardPages, token);
}
std::string PublicLinks::GuestPagePath(std::string_view guest_token) {
  return Join("", kGuestPages, guest_token);
}
std::string PublicLinks::InterviewerPagePath(std::string_view interviewer_token) {
  return Join("", kInterviewerPages, interviewer_token);
}
std::string PublicLinks::RecruiterReviewPath(int64_t interview_id) {
  return kRecruiterReviews + std::to_string(interview_id);
}
std::string PublicLinks::VideoPath(int64_t video_id) { return kVideos + std::to_string(video_id); }

std::string PublicLinks::CandidateInterview(std::string_view token) const {
  return Join(base_, kCandidateInterviews, token);
}
std::string PublicLinks::PublicVacancy(std::string_view token) const {
  return Join(base_, kPublicVacancies, token);
}
std::string PublicLinks::ReviewerPage(std::string_view token) const {
  return Join(base_, kReviewerPages, token);
}
std::string PublicLinks::ForwardPage(std::string_view token) const {
  return Join(base_, kForwardPages, token);
}
std::string PublicLinks::GuestPage(std::string_view guest_token) const {
  return Join(base_, kGuestPages, guest_token);
}
std::string PublicLinks::InterviewerPage(std::string_view interviewer_token) const {
  return Join(base_, kInterviewerPages, interviewer_token);
}
namespace {

// base + path + id in one allocation.
std::string WithId(const std::string& base, std::string_view path, int64_t id) {
  char digits[24];
  const auto end = std::to_chars(digits, digits + sizeof digits, id).ptr;
  return Join(base, path, std::string_view(digits, static_cast<size_t>(end - digits)));
}

// base + path + tail into buf->text, or buf->spill when it does not fit.
std::string_view JoinTo(std::string_view base, std::string_view path, std::string_view tail,
                        PublicLinks::Buffer* buf) {
  const size_t size = base.size() + path.size() + tail.size();
  if (size > sizeof buf->text) {
    buf->spill = Join(base, path, tail);
    return buf->spill;
  }
  char* p = buf->text;
  std::memcpy(p, base.data(), base.size());
  std::memcpy(p + base.size(), path.data(), path.size());
  std::memcpy(p + base.size() + path.size(), tail.data(), tail.size());
  return std::string_view(buf->text, size);
}

std::string_view WithIdTo(const std::string& base, std::string_view path, int64_t id,
                          PublicLinks::Buffer* buf) {
  char digits[24];
  const auto end = std::to_chars(digits, digits + sizeof digits, id).ptr;
  return JoinTo(base, path, std::string_view(digits, static_cast<size_t>(end - digits)), buf);
}

}  // namespace

std::string PublicLinks::RecruiterReview(int64_t interview_id) const {
  return WithId(base_, kRecruiterReviews, interview_id);
}
std::string PublicLinks::Video(int64_t video_id) const { return WithId(base_, kVideos, video_id); }
std::string_view PublicLinks::CandidateInterview(std::string_view token, Buffer* buf) const {
  return JoinTo(base_, kCandidateInterviews, token, buf);
}
std::string_view PublicLinks::RecruiterReview(int64_t interview_id, Buffer* buf) const {
  return WithIdTo(base_, kRecruiterReviews, interview_id, buf);
}
std::string_view PublicLinks::Video(int64_t video_id, Buffer* buf) const {
  return WithIdTo(base_, kVideos, video_id, buf);
}

}  // namespace cammio
