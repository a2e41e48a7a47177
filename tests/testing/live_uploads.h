// The live recordings' uploads as the tests make them (tests/api/live_*):
// tus creation of a participant's segment (with when it began and the visit
// it was recorded in), its one PATCH, and what the store and the API show of
// the invitation's uploads, recording rows and completion event.
// Header-only; failures are doctest REQUIRE/CHECK failures of the caller.
#pragma once

#include <doctest/doctest.h>

#include <optional>
#include <string>
#include <vector>

#include "testing/live_client.h"

namespace cammio::testing {

// POST <base>/uploads of a live recording (segment) of `length` bytes that
// began recording at `recorded_at` (epoch seconds; 0: not said) during the
// participant's visit `visit` of the room (-1: not said).
inline Resp CreateLiveUpload(const TestServer& server, const std::string& base, size_t length,
                             int64_t recorded_at = 0, int64_t visit = 1) {
  auto cli = server.Client();
  std::string meta = "kind " + Base64("live_recording");
  if (recorded_at > 0) meta += ",recorded_at " + Base64(std::to_string(recorded_at));
  if (visit >= 0) meta += ",visit " + Base64(std::to_string(visit));
  auto r = cli->Post((base + "/uploads").c_str(),
                     httplib::Headers{{"Tus-Resumable", "1.0.0"},
                                      {"Upload-Length", std::to_string(length)},
                                      {"Upload-Metadata", meta}},
                     "", "application/octet-stream");
  REQUIRE(r);
  return Resp{r->status, r->body, r->headers};
}

// PATCH of all of `bytes` at offset 0.
inline Resp PatchAll(const TestServer& server, const std::string& location,
                     const std::string& bytes) {
  auto cli = server.Client();
  auto r = cli->Patch(location.c_str(),
                      httplib::Headers{{"Tus-Resumable", "1.0.0"}, {"Upload-Offset", "0"}}, bytes,
                      kPatchType);
  REQUIRE(r);
  return Resp{r->status, r->body, r->headers};
}

inline int64_t UploadIdOf(const std::string& location) {
  return std::stoll(location.substr(location.rfind('/') + 1));
}

// One integer (or nothing) from `sql` with ?1 = `a` and ?2 = `b`.
inline std::optional<int64_t> QueryInt(TestServer& server, const char* sql, int64_t a,
                                       const std::string& b = "") {
  std::optional<int64_t> out;
  REQUIRE(server.store()
              .Read([&](Db& db) {
                Stmt st = db.Prepare(sql);
                st.Bind(1, a);
                if (!b.empty()) st.Bind(2, b);
                Status s;
                if (st.Step(&s)) out = st.OptInt(0);
                return s;
              })
              .ok());
  return out;
}

// Creates and finishes a segment of `base`'s participant -> its video id.
inline int64_t UploadSegment(TestServer& server, const std::string& base, char seed,
                             int64_t recorded_at = 0, int64_t visit = 1) {
  const std::string bytes = Webm(seed);
  Resp created = CreateLiveUpload(server, base, bytes.size(), recorded_at, visit);
  INFO("create: " << created.status << " " << created.body);
  REQUIRE(created.status == 201);
  REQUIRE(PatchAll(server, created.Header("Location"), bytes).status == 204);
  return QueryInt(server, "SELECT video_id FROM uploads WHERE id = ?1",
                  UploadIdOf(created.Header("Location")))
      .value_or(-1);
}

inline std::optional<int64_t> RecordingVideo(TestServer& server, int64_t invitation_id,
                                             const std::string& participant) {
  return QueryInt(server,
                  "SELECT r.video_id FROM recordings r JOIN interviews i ON i.id = r.interview_id "
                  "WHERE i.invitation_id = ?1 AND r.participant = ?2",
                  invitation_id, participant);
}

// The recordings of the invitation's interview as GET /api/interviews/:id
// shows them (each unwrapped).
inline std::vector<Value> Recordings(Api& api) {
  auto list = List(api.Get("/api/interviews"), "interview");
  REQUIRE(list.size() == 1);
  Value got =
      Object(api.Get("/api/interviews/" + std::to_string(Int(list[0], "id"))), 200, "interview");
  std::vector<Value> out;
  for (const Value& item : At(got, "recordings").items()) out.push_back(Unwrap(item, "recording"));
  return out;
}

inline bool EventRaised(TestServer& server, int64_t invitation_id) {
  return QueryInt(server, "SELECT completed_event_at FROM live_sessions WHERE invitation_id = ?1",
                  invitation_id)
      .has_value();
}

inline int64_t UploadsOf(TestServer& server, int64_t invitation_id) {
  return QueryInt(server, "SELECT COUNT(*) FROM uploads WHERE invitation_id = ?1", invitation_id)
      .value_or(-1);
}

}  // namespace cammio::testing
