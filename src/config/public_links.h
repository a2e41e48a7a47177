// PublicLinks: the one place that builds the links cammio hands out (API
// answers, emails, ATS notifications, candidate pages) from the configured
// `public_url`, and the same-origin paths of the same pages.
//
//   CandidateInterview  /public/job_interviews/<token>
//   PublicVacancy       /public/vacancies/<token>
//   ReviewerPage        /public/reviews/<token>
//   ForwardPage         /public/video/v/<token>
//   GuestPage           /public/guests/<guest token>
//   InterviewerPage     /public/interviewers/<interviewer token>
//   RecruiterReview     /recruiter/reviews/<interview id>
//   Video               /api/videos/<video id>
//
// Each link is base() + the path; each `*Path` static gives the path alone
// (a same-origin Location or href). tests/cli/routes_test.cc checks that the
// router answers every path shape.
//
// Thread-safety: immutable after construction; safe to share.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace cammio {

// The host of "scheme://[userinfo@]host[:port][/...]": no userinfo, no port,
// IPv6 without its brackets ("::1"). Without "://" the text is taken as
// starting at the host. "" when there is none.
std::string UrlHost(std::string_view url);

class PublicLinks {
 public:
  // No base: links are same-origin paths.
  PublicLinks() = default;
  // `public_url` as configured; "" means https://localhost:<https_port>.
  // Trailing '/' are dropped (here only).
  explicit PublicLinks(std::string_view public_url, int https_port = 8443);

  // "https://host:8443" (no trailing '/'), or "".
  const std::string& base() const { return base_; }
  // The host of base() (Message-IDs, certificate names): UrlHost.
  std::string host() const { return UrlHost(base_); }
  // True when base() is an https:// URL (HSTS also on a plain listener
  // behind a TLS proxy).
  bool https() const { return base_.rfind("https://", 0) == 0; }

  std::string CandidateInterview(std::string_view token) const;
  std::string PublicVacancy(std::string_view token) const;
  std::string ReviewerPage(std::string_view token) const;
  std::string ForwardPage(std::string_view token) const;
  std::string GuestPage(std::string_view guest_token) const;
  std::string InterviewerPage(std::string_view interviewer_token) const;
  std::string RecruiterReview(int64_t interview_id) const;
  std::string Video(int64_t video_id) const;

  // The links of the documents' rows written into `buf` instead of a new
  // string (a page of interviews writes two per row): the same text as
  // CandidateInterview / RecruiterReview / Video, valid while `buf` lives
  // and until it is used again.
  struct Buffer {
    char text[160];
    std::string spill;  // the link when it is too long for text
  };
  std::string_view CandidateInterview(std::string_view token, Buffer* buf) const;
  std::string_view RecruiterReview(int64_t interview_id, Buffer* buf) const;
  std::string_view Video(int64_t video_id, Buffer* buf) const;

  static std::string CandidateInterviewPath(std::string_view token);
  static std::string PublicVacancyPath(std::string_view token);
  static std::string ReviewerPagePath(std::string_view token);
  static std::string ForwardPagePath(std::string_view token);
  static std::string GuestPagePath(std::string_view guest_token);
  static std::string InterviewerPagePath(std::string_view interviewer_token);
  static std::string RecruiterReviewPath(int64_t interview_id);
  static std::string VideoPath(int64_t video_id);

 private:
  std::string base_;
};

}  // namespace cammio
