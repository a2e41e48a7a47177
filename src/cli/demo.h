// `cammio demo`: a demo account with a ready story, for presenting cammio on
// an air-gapped machine (tools/run-demo). In the account of the user
// demo@cammio.test ("Demo Recruitment Agency"):
//   - an automated vacancy with three questions, invitations for three
//     candidates: two open (the first one's link is the candidate link to
//     click), one completed into an interview with a review by the demo
//     recruiter (the recruiter page); its recordings carry no video: the
//     demo has no camera;
//   - a live vacancy with an invitation scheduled a week after the first run;
//   - a public automated vacancy with two questions (the public link).
// Idempotent: each object is found by a stable key (a vacancy's
// reference_id, an invitation's vacancy and candidate email) before it is
// created, so a second run creates nothing and answers the same links.
// Only the access token is new on every run (tokens are stored hashed, so an
// earlier one cannot be shown again; earlier ones stay valid until revoked).
//
// Thread-safety: one Store::Write transaction per call; safe beside a
// running server on the same database.
#pragma once

#include <cstdint>
#include <string>

#include "cammio/status.h"
#include "store/store.h"

namespace cammio {

constexpr const char kDemoEmail[] = "demo@cammio.test";

struct DemoStory {
  std::string access_token;          // fresh on every run
  std::string candidate_url;         // the open automated interview to take
  std::string live_url;              // the live candidate's page: its room is open (scheduled now)
  std::string live_interviewer_url;  // the same room as its interviewer
  std::string public_url;            // the public vacancy's application form
  std::string recruiter_url;         // the completed interview with its review
  int64_t interview_id = 0;
};

// Creates what is missing of the story and a token; links under `base_url`
// (the server's public URL, no trailing slash).
Status SeedDemo(Store& store, const std::string& base_url, int64_t now, DemoStory* out);

}  // namespace cammio
