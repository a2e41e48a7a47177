// The candidate's side of an interview for the tests that drive the server
// (tests/api/takes_test.cc, tests/ops/candidate_cv_test.cc): a Candidate talks
// to the public endpoints only (tus uploads, state, completion under
// /public/job_interviews/<token>), as the candidate's browser does.
// Header-only; failures are doctest REQUIRE/CHECK failures of the calling test.
#pragma once

#include <doctest/doctest.h>

#include <filesystem>
#include <map>
#include <string>

#include "testing/api_helpers.h"

namespace cammio::testing {

inline constexpr char kLinkPrefix[] = "https://cammio.test/public/job_interviews/";
inline constexpr char kOpenEnd[] = "2030-01-01T00:00:00Z";
inline constexpr char kPatchType[] = "application/offset+octet-stream";

inline std::string Base64(const std::string& in) {
  static const char* k = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    uint32_t n = (uint8_t(in[i]) << 16) | (uint8_t(in[i + 1]) << 8) | uint8_t(in[i + 2]);
    for (int s = 18; s >= 0; s -= 6) out += k[(n >> s) & 63];
  }
  if (i + 1 == in.size()) {
    uint32_t n = uint8_t(in[i]) << 16;
    out += std::string() + k[(n >> 18) & 63] + k[(n >> 12) & 63] + "==";
  } else if (i + 2 == in.size()) {
    uint32_t n = (uint8_t(in[i]) << 16) | (uint8_t(in[i + 1]) << 8);
    out += std::string() + k[(n >> 18) & 63] + k[(n >> 12) & 63] + k[(n >> 6) & 63] + "=";
  }
  return out;
}

inline std::string Webm(char seed) {
  return std::string("\x1a\x45\xdf\xa3", 4) + std::string(300, seed);
}
inline const std::string kPdf = "%PDF-1.4\n% the candidate's curriculum vitae\n%%EOF\n";

inline int64_t CountFiles(const std::string& dir) {
  std::error_code ec;
  int64_t n = 0;
  for (auto it = std::filesystem::directory_iterator(dir, ec);
       !ec && it != std::filesystem::directory_iterator(); it.increment(ec)) {
    ++n;
  }
  return n;
}

// One invitation's candidate, talking to the public endpoints only.
class Candidate {
 public:
  Candidate(TestServer& server, Api& api, const std::string& vacancy_extra,
            const std::string& email = "cv@example.test")
      : server_(server) {
    std::string body = "{\"vacancy\": {\"title\": \"Engineer\", \"datetime_start\": \"" +
                       std::string(kStart) + "\", \"datetime_end\": \"" + kOpenEnd +
                       "\", \"questions\": [{\"title\": \"Why us?\"}, {\"title\": \"Why you?\"}]" +
                       (vacancy_extra.empty() ? "" : ", " + vacancy_extra) + "}}";
    vacancy_ = Object(api.Post("/api/vacancies", body), 201, "vacancy");
    Value inv = CreateInvitation(api, Int(vacancy_, "id"), email);
    invitation_id_ = Int(inv, "id");
    token_ = TokenAfter(Str(inv, "url"), kLinkPrefix);
    REQUIRE(!token_.empty());
  }

  std::string base() const { return "/public/job_interviews/" + token_; }
  int64_t invitation_id() const { return invitation_id_; }

  // POST .../uploads; `meta` is the Upload-Metadata pairs as plain text.
  Resp Create(const std::map<std::string, std::string>& meta, size_t length) {
    std::string header;
    for (const auto& [k, v] : meta) header += (header.empty() ? "" : ",") + k + " " + Base64(v);
    auto r = server_.Client()->Post((base() + "/uploads").c_str(),
                                    httplib::Headers{{"Tus-Resumable", "1.0.0"},
                                                     {"Upload-Length", std::to_string(length)},
                                                     {"Upload-Metadata", header}},
                                    "", kPatchType);
    REQUIRE(r);
    return Resp{r->status, r->body, r->headers};
  }

  // A finished upload of `bytes`; returns its id.
  int64_t Upload(const std::map<std::string, std::string>& meta, const std::string& bytes) {
    Resp c = Create(meta, bytes.size());
    INFO("create: " << c);
    REQUIRE(c.status == 201);
    std::string location = c.Header("Location");
    auto r = server_.Client()->Patch(
        location.c_str(), httplib::Headers{{"Tus-Resumable", "1.0.0"}, {"Upload-Offset", "0"}},
        bytes, kPatchType);
    REQUIRE(r);
    INFO("patch: " << r->status << " " << r->body);
    REQUIRE(r->status == 204);
    return std::stoll(location.substr(location.rfind('/') + 1));
  }

  // One PATCH with all of `bytes` from offset 0 to the upload at `location`.
  Resp Send(const std::string& location, const std::string& bytes) {
    auto r = server_.Client()->Patch(
        location.c_str(), httplib::Headers{{"Tus-Resumable", "1.0.0"}, {"Upload-Offset", "0"}},
        bytes, kPatchType);
    REQUIRE(r);
    return Resp{r->status, r->body, r->headers};
  }

  // A recording upload of `question` created (201) but not sent; its Location.
  std::string CreateTake(int question) {
    Resp c = Create({{"kind", "recording"}, {"question", std::to_string(question)}}, 304);
    INFO("create: " << c);
    REQUIRE(c.status == 201);
    return c.Header("Location");
  }

  static int64_t IdOf(const std::string& location) {
    return std::stoll(location.substr(location.rfind('/') + 1));
  }

  int64_t Take(int question, char seed) {
    return Upload({{"kind", "recording"}, {"question", std::to_string(question)}}, Webm(seed));
  }

  Value State() {
    auto r = server_.Client()->Get((base() + "/state").c_str());
    REQUIRE(r);
    REQUIRE(r->status == 200);
    return At(Json(r->body), "interview");
  }

  // question index -> takes_left (-1 for null).
  std::map<int64_t, int64_t> TakesLeft() {
    std::map<int64_t, int64_t> out;
    const Value state = State();
    for (const Value& q : At(state, "questions").items()) {
      out[Int(q, "index")] = IsNull(q, "takes_left") ? -1 : Int(q, "takes_left");
    }
    return out;
  }

  int64_t QuestionId(int index) {
    for (const Value& q : At(vacancy_, "questions").items()) {
      const Value& inner = q.Find("question") ? At(q, "question") : q;
      if (Int(inner, "index") == index) return Int(inner, "id");
    }
    FAIL("no question " << index);
    return 0;
  }

  Resp Complete(const std::string& body) {
    auto r = server_.Client()->Post((base() + "/complete").c_str(), body, "application/json");
    REQUIRE(r);
    return Resp{r->status, r->body, r->headers};
  }

  std::string Answers(int64_t take1, int64_t take2, const std::string& extra = "") {
    return "{\"recordings\": [{\"question_id\": " + std::to_string(QuestionId(1)) +
           ", \"upload_id\": " + std::to_string(take1) +
           "}, {\"question_id\": " + std::to_string(QuestionId(2)) +
           ", \"upload_id\": " + std::to_string(take2) + "}]" + extra + "}";
  }

 private:
  TestServer& server_;
  Value vacancy_;
  int64_t invitation_id_ = 0;
  std::string token_;
};

inline int64_t Uploads(TestServer& server, int64_t invitation_id) {
  return CountRows(server, "SELECT COUNT(*) FROM uploads WHERE invitation_id = " +
                               std::to_string(invitation_id));
}

// The candidate flow of a vacancy that asks for a CV, up to the interview.
struct CvInterview {
  int64_t interview = 0;
  std::string cv_url;
};

inline CvInterview CompleteWithCv(TestServer& server, Api& api, Candidate& c) {
  int64_t a = c.Take(1, 'a');
  int64_t b = c.Take(2, 'b');
  CheckError(c.Complete(c.Answers(a, b)), 412, "cv_upload_id");
  int64_t replaced = c.Upload({{"kind", "cv"}}, "%PDF-1.4 an older version");
  int64_t cv = c.Upload({{"kind", "cv"}}, kPdf);
  CheckError(c.Complete(c.Answers(a, b, ", \"cv_upload_id\": " + std::to_string(replaced))), 412,
             "newest CV");
  Resp done = c.Complete(c.Answers(a, b, ", \"cv_upload_id\": " + std::to_string(cv)));
  CvInterview out;
  out.interview = Int(Object(done, 200, "completion"), "interview_id");
  Value w = Object(api.Get("/api/interviews/" + std::to_string(out.interview)), 200, "interview");
  out.cv_url = Str(w, "cv_url");
  (void)server;
  return out;
}

}  // namespace cammio::testing
