// Presence on live invitations in the API (review item 11): when the
// candidate and the interviewer were first in the room, so an ATS can tell a
// candidate who never came from one who waited for an interviewer who never
// came. Live invitations only (JSON and XML, single, list and the vacancy's
// embedded list); automated answers stay as they were. Through the real
// server.
#include <doctest/doctest.h>

#include "testing/live_client.h"
#include "util/time.h"

namespace cammio::testing {
namespace {

constexpr char kCand[] = "datetime_candidate_joined";
constexpr char kIv[] = "datetime_interviewer_joined";

// The invitation as the single GET, the list and the vacancy's embedded list
// show it.
std::vector<Value> Views(Api& api, const LiveInvitation& li) {
  std::vector<Value> out;
  out.push_back(
      Object(api.Get("/api/invitations/" + std::to_string(li.invitation_id)), 200, "invitation"));
  for (const Value& i : List(api.Get("/api/invitations"), "invitation")) {
    if (Int(i, "id") == li.invitation_id) out.push_back(i);
  }
  Value vacancy =
      Object(api.Get("/api/vacancies/" + std::to_string(li.vacancy_id)), 200, "vacancy");
  for (const Value& w : At(vacancy, "invitations").items()) {
    const Value& i = At(w, "invitation");
    if (Int(i, "id") == li.invitation_id) out.push_back(i);
  }
  REQUIRE(out.size() == 3);
  return out;
}

TEST_CASE("live presence: first join times of candidate and interviewer on live invitations") {
  TestServer server;
  Api api(server);
  LiveInvitation li = MakeLiveInvitation(api);
  const std::string path = "/api/invitations/" + std::to_string(li.invitation_id);
  for (const Value& i : Views(api, li)) {
    CHECK(IsNull(i, kCand));
    CHECK(IsNull(i, kIv));
  }
  {
    XmlDoc x(api.Get(path + ".xml"));
    CHECK(XmlNil(x.root(), kCand));
    CHECK(XmlNil(x.root(), kIv));
  }

  const int64_t came = server.clock().Now();
  {
    EventStreamReader cand(server, li.candidate + "/live/events");
    REQUIRE(cand.status() == 200);
    for (const Value& i : Views(api, li)) {
      CHECK(Str(i, kCand) == FormatUtc(came));
      CHECK(IsNull(i, kIv));  // the candidate waited; no interviewer came (yet)
    }
    server.clock().Advance(300);
  }
  const int64_t iv_came = server.clock().Now();
  {
    EventStreamReader iv(server, li.interviewer + "/live/events");
    REQUIRE(iv.status() == 200);
    server.clock().Advance(60);
  }
  // A later return keeps the first time.
  EventStreamReader cand(server, li.candidate + "/live/events");
  REQUIRE(cand.status() == 200);
  for (const Value& i : Views(api, li)) {
    CHECK(Str(i, kCand) == FormatUtc(came));
    CHECK(Str(i, kIv) == FormatUtc(iv_came));
  }
  XmlDoc x(api.Get(path + ".xml"));
  CHECK(XmlDatetime(x.root(), kCand) == FormatUtc(came));
  CHECK(XmlDatetime(x.root(), kIv) == FormatUtc(iv_came));
}

TEST_CASE("live presence: absent (not null) on automated invitations, JSON and XML") {
  TestServer server;
  Api api(server);
  const int64_t vacancy = CreateVacancy(api);
  Value a = CreateInvitation(api, vacancy, "a@example.test");
  const std::string path = "/api/invitations/" + std::to_string(Int(a, "id"));
  CHECK_FALSE(HasMember(a, kCand));
  CHECK_FALSE(HasMember(Object(api.Get(path), 200, "invitation"), kIv));
  for (const Value& i : List(api.Get("/api/invitations"), "invitation")) {
    CHECK_FALSE(HasMember(i, kCand));
  }
  XmlDoc x(api.Get(path + ".xml"));
  CHECK(x.root()->FirstChildElement(kCand) == nullptr);
  CHECK(x.root()->FirstChildElement(kIv) == nullptr);
}

}  // namespace
}  // namespace cammio::testing
