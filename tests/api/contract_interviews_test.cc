// Contract tests for /api/interviews (flat and nested under
// /api/vacancies/:vacancy_id), reviewers, reviews, forward_url and
// /api/videos, against the real server over TLS. Interviews come into being
// only through CompleteInvitation (the candidate flow), which the tests call
// directly on the server's store.
#include <doctest/doctest.h>

#include <set>
#include <string>
#include <vector>

#include "store/accounts.h"
#include "testing/api_helpers.h"

namespace cammio {
namespace {

using namespace cammio::testing;

// POST /api/interviews/:interview_id/reviewers request example; the seed's
// `"name" "Robert de Niro"` lacks its ':', fixed here and nothing else.
constexpr char kSeedReviewer[] = R"({
  "reviewer" : {
    "name" : "Robert de Niro",
    "phone" : "1234567890",
    "email" : "robert@cammio.com"
  }
})";

constexpr char kSeedReviewerXml[] = R"(<?xml version="1.0" encoding="UTF-8"?>
<reviewer>
  <name>Robert de Niro</name>
  <phone>1234567890</phone>
  <email>robert@cammio.com</email>
</reviewer>
)";

// POST /api/interviews/:interview_id/reviews request example, verbatim.
constexpr char kSeedReview[] = R"({
  "review" : {
    "rating" : 1,
    "remarks" : "Strong candidate!"
  }
})";

constexpr char kSeedReviewXml[] = R"(<?xml version="1.0" encoding="UTF-8"?>
<review>
  <rating type="integer">1</rating>
  <remarks>Strong candidate!</remarks>
</review>
)";

constexpr char kRecruiterName[] = "Test Agency Recruiter";

std::string S(int64_t id) { return std::to_string(id); }

Recording Rec(int64_t index, const std::string& title, std::optional<int64_t> video,
              std::optional<int64_t> thumb) {
  Recording r;
  r.index = index;
  r.title = title;
  r.required = true;
  r.video_id = video;
  r.thumbnail_id = thumb;
  return r;
}

// The seed's interview: an automated vacancy "VP of development" with two
// questions, John Lennon invited and completing in 45 seconds with two
// recordings that have videos and thumbnails.
struct SeedInterview {
  int64_t vacancy_id = 0, invitation_id = 0, candidate_id = 0, interview_id = 0;
  int64_t video1 = 0, video2 = 0, thumb = 0;
  int64_t started_at = 0, ended_at = 0;
};

SeedInterview MakeSeedInterview(TestServer& server, Api& api, int64_t vacancy_id = 0,
                                const std::string& email = "john@cammio.com") {
  SeedInterview s;
  s.vacancy_id = vacancy_id ? vacancy_id : CreateAutomatedWithQuestions(api);
  Value inv = CreateInvitation(api, s.vacancy_id, email);
  s.invitation_id = Int(inv, "id");
  s.candidate_id = Int(inv, "candidate_id");
  int64_t account = server.creds().account_id;
  s.video1 = AddMediaFile(server, account, "v" + S(s.invitation_id) + "-1.webm", "recording",
                          "video/webm", "video one");
  s.video2 = AddMediaFile(server, account, "v" + S(s.invitation_id) + "-2.webm", "recording",
                          "video/webm", "video two");
  s.thumb = AddMediaFile(server, account, "t" + S(s.invitation_id) + ".jpg", "thumbnail",
                         "image/jpeg", "jpeg bytes");
  s.ended_at = server.clock().Now();
  s.started_at = s.ended_at - 45;
  s.interview_id = Complete(server, s.invitation_id, s.started_at, s.ended_at,
                            {Rec(1, "Why do you apply for this job?", s.video1, s.thumb),
                             Rec(2, "What is your motivation?", s.video2, s.thumb)});
  return s;
}

// The fields of the seed's GET /api/interviews example.
void CheckSeedInterview(const Value& w, const SeedInterview& s) {
  CHECK(Str(w, "candidate_email") == "john@cammio.com");
  CHECK(Str(w, "candidate_gender") == "male");
  CHECK(Int(w, "candidate_id") == s.candidate_id);
  CHECK(Str(w, "candidate_name") == "John Lennon");
  CHECK(Str(w, "candidate_phone") == "123");
  CHECK(Str(w, "datetime_end") == FormatUtc(s.ended_at));
  CHECK(Str(w, "datetime_scheduled") == "2013-08-05T02:00:00+02:00");
  CHECK(Str(w, "datetime_start") == FormatUtc(s.started_at));
  CHECK(IsNull(w, "datetime_synchronized"));
  CHECK(Int(w, "duration_in_minutes") == 1);
  CHECK(Int(w, "id") == s.interview_id);
  CHECK(Str(w, "kind") == "automated");
  CHECK(Int(w, "num_of_questions") == 2);
  CHECK(Int(w, "num_of_recordings") == 2);
  CHECK(Int(w, "num_of_review_invitations") >= 0);
  CHECK(Int(w, "num_of_reviews") >= 0);
  CHECK(Str(w, "scope") == "private");
  CHECK(Str(w, "thumbnail") == std::string(kPublicUrl) + "/api/videos/" + S(s.thumb));
  CHECK(Str(w, "title") == "VP of development");
  std::string url = Str(w, "url");
  CHECK(url.rfind(kPublicUrl, 0) == 0);
  CHECK(url.size() > S(s.interview_id).size());
  CHECK(url.substr(url.size() - S(s.interview_id).size()) == S(s.interview_id));
  CHECK(Int(w, "vacancy_id") == s.vacancy_id);
}

// A second user in the server's main account.
Credentials SecondUser(TestServer& server) {
  Credentials c;
  c.account_id = server.creds().account_id;
  c.email = "second@agency.test";
  Status st = server.store().Write([&](Db& db) {
    auto u = CreateUser(db, c.account_id, c.email, "Second Recruiter", std::nullopt,
                        server.clock().Now());
    if (!u.ok()) return u.status();
    c.user_id = u->id;
    auto t = CreateToken(db, u->id, server.clock().Now(), nullptr);
    if (!t.ok()) return t.status();
    c.token = *t;
    return Status::OK();
  });
  REQUIRE(st.ok());
  return c;
}

TEST_CASE("contract: GET /api/interviews and /api/interviews/:id have the seed's shapes") {
  TestServer server;
  Api api(server);
  SeedInterview s = MakeSeedInterview(server, api);

  Resp r = api.Get("/api/interviews");
  std::vector<Value> list = List(r, "interview");
  CHECK(TotalCount(r) == 1);
  REQUIRE(list.size() == 1);
  CheckSeedInterview(list[0], s);
  CHECK(Int(list[0], "num_of_review_invitations") == 0);
  CHECK(Int(list[0], "num_of_reviews") == 0);

  Value w = Object(api.Get("/api/interviews/" + S(s.interview_id)), 200, "interview");
  CheckSeedInterview(w, s);
  CHECK(At(w, "reviewers").is_array());
  CHECK(At(w, "reviewers").items().empty());
  CHECK(At(w, "reviews").is_array());
  CHECK(At(w, "reviews").items().empty());
  const Value& recs = At(w, "recordings");
  REQUIRE(recs.is_array());
  REQUIRE(recs.size() == 2);
  const char* titles[] = {"Why do you apply for this job?", "What is your motivation?"};
  int64_t videos[] = {s.video1, s.video2};
  for (size_t k = 0; k < 2; ++k) {
    Value rec = Unwrap(recs.items()[k], "recording");
    CHECK(Str(rec, "title") == titles[k]);
    CHECK(Int(rec, "index") == static_cast<int64_t>(k + 1));
    CHECK(Int(rec, "required") == 1);
    CHECK(Int(rec, "video_id") == videos[k]);
    CHECK(Str(rec, "thumbnail") == std::string(kPublicUrl) + "/api/videos/" + S(s.thumb));
    CHECK(Str(rec, "video_url") == std::string(kPublicUrl) + "/api/videos/" + S(videos[k]));
  }

  // XML: <interviews type="array">, nested <recordings type="array">, nil.
  XmlDoc xl(api.Get("/api/interviews.xml"));
  CHECK(xl.root_name() == "interviews");
  CHECK(Attr(xl.root(), "type") == "array");
  auto items = Children(xl.root());
  REQUIRE(items.size() == 1);
  CHECK(std::string(items[0]->Name()) == "interview");
  XmlDoc accept(api.Get("/api/interviews", {{"Accept", "application/xml"}}));
  CHECK(accept.root_name() == "interviews");
  CHECK(Children(accept.root()).size() == 1);
  XmlDoc x(api.Get("/api/interviews/" + S(s.interview_id) + ".xml"));
  CHECK(x.root_name() == "interview");
  CHECK(XmlInt(x.root(), "id") == s.interview_id);
  CHECK(XmlInt(x.root(), "duration_in_minutes") == 1);
  CHECK(XmlDatetime(x.root(), "datetime_end") == FormatUtc(s.ended_at));
  CHECK(XmlDatetime(x.root(), "datetime_scheduled") == "2013-08-05T02:00:00+02:00");
  CHECK(XmlNil(x.root(), "datetime_synchronized"));
  CHECK(XmlStr(x.root(), "candidate_phone") == "123");
  CHECK(XmlArray(x.root(), "reviewers", "reviewer").empty());
  CHECK(XmlArray(x.root(), "reviews", "review").empty());
  auto xrecs = XmlArray(x.root(), "recordings", "recording");
  REQUIRE(xrecs.size() == 2);
  CHECK(XmlInt(xrecs[1], "index") == 2);
  CHECK(XmlInt(xrecs[1], "video_id") == s.video2);
  CHECK(XmlInt(xrecs[1], "required") == 1);

  // Interviews are never created or deleted through the API.
  Resp post = api.Post("/api/interviews", "{\"interview\": {}}");
  ErrorDetails(post, 405);
  CHECK(post.Header("Allow") == "GET");
  Resp del = api.Delete("/api/interviews/" + S(s.interview_id));
  ErrorDetails(del, 405);
  CHECK(del.Header("Allow") == "GET");
  CHECK(TotalCount(api.Get("/api/interviews")) == 1);
}

TEST_CASE("contract: duration_in_minutes and recordings without media") {
  TestServer server;
  Api api(server);
  int64_t v = CreateVacancy(api);
  int64_t now = server.clock().Now();
  int64_t a = Complete(server, CreateInvitationId(api, v, "a@cammio.com"), now - 120, now);
  int64_t b = Complete(server, CreateInvitationId(api, v, "b@cammio.com"), now, now,
                       {Rec(1, "No video", std::nullopt, std::nullopt)});
  Value wa = Object(api.Get("/api/interviews/" + S(a)), 200, "interview");
  CHECK(Int(wa, "duration_in_minutes") == 2);
  CHECK(IsNull(wa, "thumbnail"));
  CHECK(At(wa, "recordings").items().empty());
  Value wb = Object(api.Get("/api/interviews/" + S(b)), 200, "interview");
  CHECK(Int(wb, "duration_in_minutes") == 0);
  CHECK(Int(wb, "num_of_questions") == 0);
  REQUIRE(At(wb, "recordings").size() == 1);
  Value rec = Unwrap(At(wb, "recordings").items()[0], "recording");
  CHECK(IsNull(rec, "video_id"));
  CHECK(IsNull(rec, "thumbnail"));
  // decisions.md: rounds up.
  int64_t c = Complete(server, CreateInvitationId(api, v, "c@cammio.com"), now - 121, now);
  CHECK(Int(Object(api.Get("/api/interviews/" + S(c)), 200, "interview"), "duration_in_minutes") ==
        3);
  XmlDoc x(api.Get("/api/interviews/" + S(b) + ".xml"));
  auto xrec = XmlArray(x.root(), "recordings", "recording");
  REQUIRE(xrec.size() == 1);
  CHECK(XmlNil(xrec[0], "video_id"));
  CHECK(XmlNil(x.root(), "thumbnail"));
}

TEST_CASE("contract: GET /api/interviews from/to filter on completion time; limit/offset") {
  TestServer server;
  Api api(server);
  int64_t v = CreateVacancy(api);
  int64_t other = CreateVacancy(api);
  int64_t i1 = CreateInvitationId(api, v, "one@cammio.com");
  int64_t i2 = CreateInvitationId(api, v, "two@cammio.com");
  int64_t i3 = CreateInvitationId(api, other, "three@cammio.com");
  const int64_t day14 = 1700000000;  // 2023-11-14T22:13:20Z
  const int64_t day15 = day14 + 86400, day16 = day14 + 2 * 86400;
  // Completed out of id order, so that the filter cannot be on ids.
  server.clock().Set(day16);
  int64_t w16 = Complete(server, i1, day16 - 300, day16);
  server.clock().Set(day14);
  int64_t w14 = Complete(server, i2, day14 - 300, day14);
  server.clock().Set(day15);
  int64_t w15 = Complete(server, i3, day15 - 300, day15);

  auto ids = [&](const std::string& path) { return Ids(List(api.Get(path), "interview")); };
  CHECK(ids("/api/interviews") == std::vector<int64_t>{w16, w14, w15});
  CHECK(ids("/api/interviews?from=2023-11-15&to=2023-11-15") == std::vector<int64_t>{w15});
  CHECK(ids("/api/interviews?from=2023-11-15") == std::vector<int64_t>{w16, w15});
  CHECK(ids("/api/interviews?to=2023-11-14") == std::vector<int64_t>{w14});
  CHECK(ids("/api/interviews?to=2023-11-13").empty());
  CHECK(ids("/api/interviews?from=2023-11-14T22:13:21Z&to=2023-11-16T22:13:20Z") ==
        std::vector<int64_t>{w16, w15});
  // "New interviews over the past 24 hours", as an integrator polls.
  CHECK(ids("/api/interviews?from=" + FormatUtc(day16 - 86400 + 1)) == std::vector<int64_t>{w16});
  // Nested: restricted to the vacancy.
  CHECK(ids("/api/vacancies/" + S(v) + "/interviews?from=2023-11-15") == std::vector<int64_t>{w16});
  CHECK(ids("/api/vacancies/" + S(other) + "/interviews") == std::vector<int64_t>{w15});

  Resp page = api.Get("/api/interviews?limit=1&offset=1");
  CHECK(Ids(List(page, "interview")) == std::vector<int64_t>{w14});
  CHECK(TotalCount(page) == 3);
  page = api.Get("/api/interviews?from=2023-11-15&limit=1");
  CHECK(Ids(List(page, "interview")) == std::vector<int64_t>{w16});
  CHECK(TotalCount(page) == 2);
  page = api.Get("/api/interviews?limit=0");
  CHECK(List(page, "interview").empty());
  CHECK(TotalCount(page) == 3);
  page = api.Get("/api/interviews?offset=5");
  CHECK(List(page, "interview").empty());
  CHECK(TotalCount(page) == 3);
  XmlDoc x(api.Get("/api/interviews.xml?from=2023-11-15&to=2023-11-15"));
  auto items = Children(x.root());
  REQUIRE(items.size() == 1);
  CHECK(XmlInt(items[0], "id") == w15);

  CheckError(api.Get("/api/interviews?from=2023-11-16&to=2023-11-15"), 400, "from");
  CheckError(api.Get("/api/interviews?from=15-11-2023"), 400, "from");
  CheckError(api.Get("/api/interviews?limit=99999999999999999999"), 400, "limit");
  CheckError(api.Get("/api/interviews?offset=-1"), 400, "offset");
  CheckError(api.Get("/api/interviews?limit=1e3"), 400, "limit");
  CheckError(api.Get("/api/interviews?since=2023-11-15"), 400, "since");
  CheckError(api.Get("/api/interviews?templates=true"), 400, "templates");
  ErrorDetails(api.Get("/api/interviews/9223372036854775808"), 404);
}

TEST_CASE("contract: GET /api/interviews?updated_since") {
  TestServer server;
  Api api(server);
  int64_t v = CreateVacancy(api);
  int64_t t0 = server.clock().Now();
  int64_t a = Complete(server, CreateInvitationId(api, v, "a@cammio.com"), t0 - 10, t0);
  server.clock().Set(t0 + 100);
  int64_t b = Complete(server, CreateInvitationId(api, v, "b@cammio.com"), t0 + 90, t0 + 100);
  auto ids = [&](int64_t since) {
    return Ids(List(api.Get("/api/interviews?updated_since=" + FormatUtc(since)), "interview"));
  };
  CHECK(ids(t0) == std::vector<int64_t>{a, b});
  CHECK(ids(t0 + 1) == std::vector<int64_t>{b});
  // A review makes the interview updated.
  server.clock().Set(t0 + 200);
  CHECK(api.Post("/api/interviews/" + S(a) + "/reviews", kSeedReview).status == 201);
  CHECK(ids(t0 + 150) == std::vector<int64_t>{a});
  server.clock().Set(t0 + 300);
  CHECK(api.Post("/api/interviews/" + S(b) + "/reviewers", kSeedReviewer).status == 201);
  CHECK(ids(t0 + 250) == std::vector<int64_t>{b});
  CheckError(api.Get("/api/interviews?updated_since=2023-11-14T25:00:00Z"), 400, "updated_since");
}

TEST_CASE("contract: reviewers: the seed's example, list, get, put, delete, counters") {
  TestServer server;
  Api api(server);
  SeedInterview s = MakeSeedInterview(server, api);
  std::string base = "/api/interviews/" + S(s.interview_id) + "/reviewers";

  Value r1 = Object(api.Post(base, kSeedReviewer), 201, "reviewer");
  CHECK(Int(r1, "id") > 0);
  CHECK(Str(r1, "name") == "Robert de Niro");
  CHECK(Str(r1, "email") == "robert@cammio.com");
  XmlDoc x(api.PostXml(base + ".xml", kSeedReviewerXml), 201);
  CHECK(x.root_name() == "reviewer");
  int64_t r2 = XmlInt(x.root(), "id");
  CHECK(XmlStr(x.root(), "name") == "Robert de Niro");
  CHECK(XmlStr(x.root(), "email") == "robert@cammio.com");

  Resp list = api.Get(base);
  std::vector<Value> reviewers = List(list, "reviewer");
  CHECK(Ids(reviewers) == std::vector<int64_t>{Int(r1, "id"), r2});
  CHECK(TotalCount(list) == 2);
  for (const Value& r : reviewers) {  // the seed's list fields
    CHECK(Str(r, "email") == "robert@cammio.com");
    CHECK(Str(r, "name") == "Robert de Niro");
  }
  CHECK(Ids(List(api.Get(base + "?limit=1&offset=1"), "reviewer")) == std::vector<int64_t>{r2});
  // These lists take limit and offset only.
  CheckError(api.Get(base + "?from=2013-01-01"), 400, "from");
  CheckError(api.Get(base + "?limit=-2"), 400, "limit");
  XmlDoc xl(api.Get(base + ".xml"));
  CHECK(xl.root_name() == "reviewers");
  CHECK(Attr(xl.root(), "type") == "array");

  Value got = Object(api.Get(base + "/" + S(r2)), 200, "reviewer");
  CHECK(Int(got, "id") == r2);
  CHECK(Str(got, "name") == "Robert de Niro");

  // The interview counts and embeds them.
  Value w = Object(api.Get("/api/interviews/" + S(s.interview_id)), 200, "interview");
  CHECK(Int(w, "num_of_review_invitations") == 2);
  REQUIRE(At(w, "reviewers").size() == 2);
  Value embedded = Unwrap(At(w, "reviewers").items()[0], "reviewer");
  CHECK(Str(embedded, "email") == "robert@cammio.com");
  CHECK(Int(embedded, "id") == Int(r1, "id"));
  CHECK(Str(embedded, "name") == "Robert de Niro");
  CHECK(Int(List(api.Get("/api/interviews"), "interview")[0], "num_of_review_invitations") == 2);

  // PUT.
  Value put = Object(api.Put(base + "/" + S(r2),
                             "{\"reviewer\": {\"name\": \"Al Pacino\", "
                             "\"email\": \"al@cammio.com\"}}"),
                     200, "reviewer");
  CHECK(Str(put, "name") == "Al Pacino");
  CHECK(Str(put, "email") == "al@cammio.com");
  CHECK(Str(Object(api.Get(base + "/" + S(r2)), 200, "reviewer"), "email") == "al@cammio.com");
  CheckError(api.Put(base + "/" + S(r2), "{\"reviewer\": {\"email\": \"al\"}}"), 412, "email");
  CheckError(api.Put(base + "/" + S(r2), "{\"reviewer\": {\"name\": 7}}"), 400, "name");
  CHECK(Str(Object(api.Get(base + "/" + S(r2)), 200, "reviewer"), "name") == "Al Pacino");

  // Validation on create.
  CheckError(api.Post(base, "{\"reviewer\": {\"name\": \"N\", \"email\": \"bad\"}}"), 412, "email");
  CheckError(api.Post(base, "{\"reviewer\": {\"email\": \"n@cammio.com\"}}"), 412, "name");
  CheckError(api.Post(base, "{\"reviewer\": {\"name\": \"N\"}}"), 412, "email");
  CheckError(api.Post(base, "{\"reviewer\": {\"name\": [\"N\"], \"email\": \"n@cammio.com\"}}"),
             400, "name");
  CheckError(api.Post(base, "{\"review\": {\"name\": \"N\", \"email\": \"n@cammio.com\"}}"), 400,
             "reviewer");
  CheckError(api.Post(base, ""), 400, "empty");
  CHECK(TotalCount(api.Get(base)) == 2);

  // DELETE.
  Value del = Doc(api.Delete(base + "/" + S(Int(r1, "id"))), 200);
  CHECK(del.size() == 1);
  CHECK(Str(del, "result") == "REVIEWER_DELETED");
  XmlDoc xd(api.Delete(base + "/" + S(r2) + ".xml"));
  CHECK(xd.root_name() == "result");
  CHECK(Text(xd.root()) == "REVIEWER_DELETED");
  ErrorDetails(api.Get(base + "/" + S(r2)), 404);
  ErrorDetails(api.Delete(base + "/" + S(r2)), 404);
  ErrorDetails(api.Put(base + "/" + S(r2), kSeedReviewer), 404);
  CHECK(List(api.Get(base), "reviewer").empty());
  CHECK(Int(Object(api.Get("/api/interviews/" + S(s.interview_id)), 200, "interview"),
            "num_of_review_invitations") == 0);
}

TEST_CASE("contract: reviews: the seed's example, rating 1..5, reviewer_name is the caller") {
  TestServer server;
  Api api(server);
  SeedInterview s = MakeSeedInterview(server, api);
  std::string base = "/api/interviews/" + S(s.interview_id) + "/reviews";

  Value r1 = Object(api.Post(base, kSeedReview), 201, "review");
  CHECK(r1.size() == 4);
  CHECK(Int(r1, "id") > 0);
  CHECK(Int(r1, "rating") == 1);
  CHECK(Str(r1, "remarks") == "Strong candidate!");
  CHECK(Str(r1, "reviewer_name") == kRecruiterName);

  // XML: leaves are text, so "1" is a rating.
  XmlDoc x(api.PostXml(base + ".xml", kSeedReviewXml), 201);
  CHECK(x.root_name() == "review");
  CHECK(XmlInt(x.root(), "rating") == 1);
  CHECK(XmlStr(x.root(), "reviewer_name") == kRecruiterName);
  XmlDoc x5(api.PostXml(base + ".xml", "<review><rating>5</rating></review>"), 201);
  CHECK(XmlInt(x5.root(), "rating") == 5);
  CHECK(XmlNil(x5.root(), "remarks"));

  // Another user of the same account reviews under their own name.
  Api second(server, SecondUser(server));
  Value r4 = Object(second.Post(base,
                                "{\"review\": {\"rating\": 2, \"remarks\": "
                                "\"Not the best candidate, however\"}}"),
                    201, "review");
  CHECK(Str(r4, "reviewer_name") == "Second Recruiter");

  // Ratings outside 1..5 and wrong types.
  CheckError(api.Post(base, "{\"review\": {\"rating\": 0}}"), 412, "rating");
  CheckError(api.Post(base, "{\"review\": {\"rating\": 6}}"), 412, "rating");
  CheckError(api.Post(base, "{\"review\": {\"rating\": -1}}"), 412, "rating");
  CheckError(api.Post(base, "{\"review\": {\"rating\": \"5\"}}"), 400, "rating");
  CheckError(api.Post(base, "{\"review\": {\"rating\": 4.5}}"), 400, "rating");
  CheckError(api.Post(base, "{\"review\": {\"rating\": true}}"), 400, "rating");
  CheckError(api.Post(base, "{\"review\": {\"rating\": 99999999999999999999}}"), 400, "rating");
  CheckError(api.Post(base, "{\"review\": {\"remarks\": \"no rating\"}}"), 412, "rating");
  CheckError(api.Post(base, "{\"review\": {\"rating\": null}}"), 412, "rating");
  CheckError(api.Post(base, "{\"review\": {\"rating\": 3, \"remarks\": 3}}"), 400, "remarks");
  CHECK(Contains(
      XmlErrorDetails(api.PostXml(base + ".xml", "<review><rating>6</rating></review>"), 412),
      "rating"));
  CHECK(Contains(
      XmlErrorDetails(api.PostXml(base + ".xml", "<review><rating>five</rating></review>"), 400),
      "rating"));

  Resp list = api.Get(base);
  std::vector<Value> reviews = List(list, "review");
  CHECK(TotalCount(list) == 4);
  Resp page = api.Get(base + "?limit=2&offset=3");
  CHECK(List(page, "review").size() == 1);
  CHECK(TotalCount(page) == 4);
  CheckError(api.Get(base + "?updated_since=2013-01-01"), 400, "updated_since");
  CheckError(api.Get(base + "?offset=x"), 400, "offset");
  REQUIRE(reviews.size() == 4);
  CHECK(Int(reviews[0], "id") == Int(r1, "id"));
  for (const Value& r : reviews) {  // the seed's list fields
    CHECK(Int(r, "rating") >= 1);
    CHECK(At(r, "remarks").type() != Value::Type::kInt);
    CHECK(!Str(r, "reviewer_name").empty());
  }
  Value got = Object(api.Get(base + "/" + S(Int(r4, "id"))), 200, "review");
  CHECK(Int(got, "rating") == 2);
  CHECK(Str(got, "remarks") == "Not the best candidate, however");
  CHECK(Str(got, "reviewer_name") == "Second Recruiter");

  Value w = Object(api.Get("/api/interviews/" + S(s.interview_id)), 200, "interview");
  CHECK(Int(w, "num_of_reviews") == 4);
  REQUIRE(At(w, "reviews").size() == 4);
  Value embedded = Unwrap(At(w, "reviews").items()[0], "review");
  CHECK(Int(embedded, "id") == Int(r1, "id"));
  CHECK(Str(embedded, "reviewer_name") == kRecruiterName);
  CHECK(Int(embedded, "rating") == 1);
  CHECK(Str(embedded, "remarks") == "Strong candidate!");

  // Reviews are not updated through the API.
  Resp put = api.Put(base + "/" + S(Int(r1, "id")), kSeedReview);
  ErrorDetails(put, 405);
  CHECK(Contains(put.Header("Allow"), "DELETE"));

  Value del = Doc(api.Delete(base + "/" + S(Int(r1, "id"))), 200);
  CHECK(del.size() == 1);
  CHECK(Str(del, "result") == "REVIEW_DELETED");
  XmlDoc xd(api.Delete(base + "/" + S(Int(r4, "id")) + ".xml"));
  CHECK(xd.root_name() == "result");
  CHECK(Text(xd.root()) == "REVIEW_DELETED");
  ErrorDetails(api.Get(base + "/" + S(Int(r1, "id"))), 404);
  ErrorDetails(api.Delete(base + "/" + S(Int(r1, "id"))), 404);
  CHECK(TotalCount(api.Get(base)) == 2);
  CHECK(Int(Object(api.Get("/api/interviews/" + S(s.interview_id)), 200, "interview"),
            "num_of_reviews") == 2);
}

TEST_CASE("contract: forward_url mints a new link on every call") {
  TestServer server;
  Api api(server);
  SeedInterview s = MakeSeedInterview(server, api);
  std::string path = "/api/interviews/" + S(s.interview_id) + "/forward_url";
  const std::string prefix = std::string(kPublicUrl) + "/public/video/v/";

  std::set<std::string> tokens;
  for (int k = 0; k < 2; ++k) {
    Value doc = Doc(api.Get(path), 200);
    REQUIRE(doc.is_object());
    CHECK(doc.size() == 1);
    std::string token = TokenAfter(Str(doc, "url"), prefix);
    CHECK(token.size() >= 26);
    CHECK(IsTokenText(token));
    tokens.insert(token);
  }
  XmlDoc x(api.Get(path + ".xml"));
  CHECK(x.root_name() == "url");
  CHECK(Children(x.root()).empty());
  tokens.insert(TokenAfter(Text(x.root()), prefix));
  Value nested = Doc(api.Get("/api/vacancies/" + S(s.vacancy_id) + "/interviews/" +
                             S(s.interview_id) + "/forward_url"),
                     200);
  tokens.insert(TokenAfter(Str(nested, "url"), prefix));
  CHECK(tokens.size() == 4);
  CHECK(tokens.count("") == 0);
  CHECK(CountRows(server, "SELECT COUNT(*) FROM forward_links") == 4);

  ErrorDetails(api.Get("/api/interviews/" + S(kMissingId) + "/forward_url"), 404);
  ErrorDetails(api.Post(path, "{}"), 405);
  CHECK(CountRows(server, "SELECT COUNT(*) FROM forward_links") == 4);
}

TEST_CASE("contract: nested /api/vacancies/:vacancy_id/interviews answer like the flat paths") {
  TestServer server;
  Api api(server);
  SeedInterview s1 = MakeSeedInterview(server, api);
  SeedInterview s2 = MakeSeedInterview(server, api, 0, "paul@cammio.com");
  int64_t w1 = s1.interview_id, w2 = s2.interview_id;
  std::string flat1 = "/api/interviews/" + S(w1), flat2 = "/api/interviews/" + S(w2);
  int64_t rv2 = Int(Object(api.Post(flat2 + "/reviews", kSeedReview), 201, "review"), "id");
  int64_t rr2 = Int(Object(api.Post(flat2 + "/reviewers", kSeedReviewer), 201, "reviewer"), "id");
  int64_t rv1 = Int(Object(api.Post(flat1 + "/reviews", kSeedReview), 201, "review"), "id");
  int64_t rr1 = Int(Object(api.Post(flat1 + "/reviewers", kSeedReviewer), 201, "reviewer"), "id");
  std::string n1 = "/api/vacancies/" + S(s1.vacancy_id) + "/interviews";

  Resp l1 = api.Get(n1);
  CHECK(Ids(List(l1, "interview")) == std::vector<int64_t>{w1});
  CHECK(TotalCount(l1) == 1);
  CHECK(api.Get(n1 + "/" + S(w1)).body == api.Get(flat1).body);
  CHECK(api.Get(n1 + "/" + S(w1) + "/reviews").body == api.Get(flat1 + "/reviews").body);
  CHECK(api.Get(n1 + "/" + S(w1) + "/reviews/" + S(rv1)).body ==
        api.Get(flat1 + "/reviews/" + S(rv1)).body);
  CHECK(api.Get(n1 + "/" + S(w1) + "/reviewers").body == api.Get(flat1 + "/reviewers").body);
  CHECK(api.Get(n1 + "/" + S(w1) + "/reviewers/" + S(rr1)).body ==
        api.Get(flat1 + "/reviewers/" + S(rr1)).body);
  XmlDoc xr(api.Get(n1 + "/" + S(w1) + "/reviews.xml"));
  CHECK(xr.root_name() == "reviews");
  CHECK(Attr(xr.root(), "type") == "array");

  // The interview of another vacancy, under every method and sub-path.
  std::string before = api.Get(flat2).body;
  std::string x2 = n1 + "/" + S(w2);
  ErrorDetails(api.Get(x2), 404);
  ErrorDetails(api.Get(x2 + "/reviews"), 404);
  ErrorDetails(api.Post(x2 + "/reviews", kSeedReview), 404);
  ErrorDetails(api.Get(x2 + "/reviews/" + S(rv2)), 404);
  ErrorDetails(api.Delete(x2 + "/reviews/" + S(rv2)), 404);
  ErrorDetails(api.Get(x2 + "/reviewers"), 404);
  ErrorDetails(api.Post(x2 + "/reviewers", kSeedReviewer), 404);
  ErrorDetails(api.Get(x2 + "/reviewers/" + S(rr2)), 404);
  ErrorDetails(api.Put(x2 + "/reviewers/" + S(rr2), kSeedReviewer), 404);
  ErrorDetails(api.Delete(x2 + "/reviewers/" + S(rr2)), 404);
  ErrorDetails(api.Get(x2 + "/forward_url"), 404);
  // A review / reviewer of another interview under the right interview.
  ErrorDetails(api.Get(n1 + "/" + S(w1) + "/reviews/" + S(rv2)), 404);
  ErrorDetails(api.Delete(n1 + "/" + S(w1) + "/reviews/" + S(rv2)), 404);
  ErrorDetails(api.Get(n1 + "/" + S(w1) + "/reviewers/" + S(rr2)), 404);
  ErrorDetails(api.Delete(flat1 + "/reviewers/" + S(rr2)), 404);
  ErrorDetails(api.Delete(flat1 + "/reviews/" + S(rv2)), 404);
  CHECK(api.Get(flat2).body == before);
  CHECK(CountRows(server, "SELECT COUNT(*) FROM forward_links") == 0);

  // An unknown vacancy.
  std::string nx = "/api/vacancies/" + S(kMissingId) + "/interviews";
  ErrorDetails(api.Get(nx), 404);
  ErrorDetails(api.Get(nx + "/" + S(w1)), 404);
  ErrorDetails(api.Post(nx + "/" + S(w1) + "/reviews", kSeedReview), 404);

  // Creating under the nested path.
  Value created = Object(api.Post(n1 + "/" + S(w1) + "/reviews", kSeedReview), 201, "review");
  CHECK(Ids(List(api.Get(flat1 + "/reviews"), "review")) ==
        std::vector<int64_t>{rv1, Int(created, "id")});
  Value reviewer =
      Object(api.Post(n1 + "/" + S(w1) + "/reviewers", kSeedReviewer), 201, "reviewer");
  CHECK(TotalCount(api.Get(flat1 + "/reviewers")) == 2);
  Doc(api.Delete(n1 + "/" + S(w1) + "/reviewers/" + S(Int(reviewer, "id"))), 200);
  CHECK(TotalCount(api.Get(flat1 + "/reviewers")) == 1);
  CHECK(TotalCount(api.Get(flat2 + "/reviews")) == 1);
  CHECK(TotalCount(api.Get(flat2 + "/reviewers")) == 1);
}

// Found against 095773b: a temporary Fd closed the descriptor just opened, so
// every GET /api/videos/:id answered 500 (fixed in 9a8085c).
TEST_CASE("contract: GET /api/videos/:id serves the bytes, with ranges, to its account only") {
  TestServer server;
  Api api(server);
  std::string bytes;
  for (int k = 0; k < 1000; ++k) bytes += static_cast<char>('a' + k % 26);
  int64_t video = AddMediaFile(server, server.creds().account_id, "clip.webm", "recording",
                               "video/webm", bytes);
  int64_t thumb = AddMediaFile(server, server.creds().account_id, "clip.jpg", "thumbnail",
                               "image/jpeg", "\xff\xd8\xff\xe0 jpeg");
  std::string path = "/api/videos/" + S(video);

  Resp r = api.Get(path);
  CHECK(r.status == 200);
  CHECK(r.body == bytes);
  CHECK(r.Header("Content-Type") == "video/webm");
  CHECK(r.Header("Accept-Ranges") == "bytes");
  Resp t = api.Get("/api/videos/" + S(thumb));
  CHECK(t.status == 200);
  CHECK(t.Header("Content-Type") == "image/jpeg");
  CHECK(t.body == "\xff\xd8\xff\xe0 jpeg");

  Resp part = api.Get(path, {{"Range", "bytes=10-19"}});
  CHECK(part.status == 206);
  CHECK(part.body == bytes.substr(10, 10));
  CHECK(part.Header("Content-Range") == "bytes 10-19/1000");
  CHECK(part.Header("Content-Type") == "video/webm");
  Resp tail = api.Get(path, {{"Range", "bytes=990-"}});
  CHECK(tail.status == 206);
  CHECK(tail.body == bytes.substr(990));
  CHECK(tail.Header("Content-Range") == "bytes 990-999/1000");
  Resp suffix = api.Get(path, {{"Range", "bytes=-5"}});
  CHECK(suffix.status == 206);
  CHECK(suffix.body == bytes.substr(995));
  Resp beyond = api.Get(path, {{"Range", "bytes=5000-6000"}});
  CHECK(beyond.status == 416);
  CHECK(beyond.Header("Content-Range") == "bytes */1000");
  Resp clamped = api.Get(path, {{"Range", "bytes=995-5000"}});
  CHECK(clamped.status == 206);
  CHECK(clamped.body == bytes.substr(995));
  CHECK(clamped.Header("Content-Range") == "bytes 995-999/1000");

  // A video's URL in an interview is this resource.
  int64_t v = CreateVacancy(api);
  int64_t w = Complete(server, CreateInvitationId(api, v, "a@cammio.com"), 0, 60,
                       {Rec(1, "Q", video, thumb)});
  Value rec = Unwrap(
      At(Object(api.Get("/api/interviews/" + S(w)), 200, "interview"), "recordings").items()[0],
      "recording");
  CHECK(Str(rec, "video_url") == std::string(kPublicUrl) + path);
  CHECK(Str(rec, "thumbnail") == std::string(kPublicUrl) + "/api/videos/" + S(thumb));

  // Another account: 404 exactly like a video that does not exist.
  Credentials other = server.NewAccount("Other Agency", "recruiter@other.test");
  Api b(server, other);
  Resp theirs = b.Get(path);
  ErrorDetails(theirs, 404);
  Resp missing = b.Get("/api/videos/" + S(kMissingId));
  CHECK(NormalizeDigits(theirs.body) == NormalizeDigits(missing.body));
  // Without credentials: 403.
  auto anon = server.Client();
  auto res = anon->Get(path.c_str());
  REQUIRE(res);
  CHECK(res->status == 403);
  CHECK(res->body.find("abcdef") == std::string::npos);
}

// Found against 095773b: cpp-httplib applied a request's Range to every body,
// so error documents were cut (a 404 with an unparseable slice) and JSON came
// back as a slice under 200 with Content-Range (fixed in 9a8085c; decisions.md
// "HTTP details").
TEST_CASE("contract: Range shapes media only; documents and errors are answered whole") {
  TestServer server;
  Api api(server);
  int64_t v = CreateVacancy(api);
  std::string whole = api.Get("/api/vacancies/" + S(v)).body;

  Resp doc = api.Get("/api/vacancies/" + S(v), {{"Range", "bytes=0-9"}});
  INFO("document with Range: " << doc);
  if (doc.status == 200) {
    CHECK(doc.body == whole);
    CHECK_FALSE(doc.HasHeader("Content-Range"));
  } else {
    CHECK(doc.status == 206);
    CHECK(doc.body == whole.substr(0, 10));
  }

  Resp missing = api.Get("/api/vacancies/" + S(kMissingId), {{"Range", "bytes=0-9"}});
  ErrorDetails(missing, 404);
  CHECK_FALSE(missing.HasHeader("Content-Range"));

  Resp list = api.Get("/api/vacancies?limit=-1", {{"Range", "bytes=2-5"}});
  CheckError(list, 400, "limit");
  CHECK_FALSE(list.HasHeader("Content-Range"));
}

}  // namespace
}  // namespace cammio
