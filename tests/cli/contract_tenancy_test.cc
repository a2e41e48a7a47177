// Contract test of tenancy (docs/contract.md "Tenancy"): for every id-bearing
// row of the server's route table (ServerRouter().routes(): the API's rows
// and the recruiter pages', hence tests/cli/), another account that uses the
// ids of account A's resources is answered exactly as for ids that do not
// exist: 404 with the same error document (up to the ids it quotes), under
// every method and in both formats; and nothing of A changes.
#include <doctest/doctest.h>

#include <map>
#include <set>
#include <string>
#include <vector>

#include "api/router.h"
#include "cli/server_router.h"
#include "notify/outbox.h"
#include "store/console_sessions.h"
#include "testing/api_helpers.h"
#include "testing/vacancy_videos.h"

namespace cammio {
namespace {

using namespace cammio::testing;

std::string S(int64_t id) { return std::to_string(id); }

// One id per resource kind.
struct IdSet {
  int64_t vacancy = 0, invitation = 0, guest = 0, interview = 0, reviewer = 0, review = 0,
          video = 0, notification = 0, upload = 0, question = 0, user = 0, token = 0, session = 0;
};

IdSet AllMissing() {
  IdSet m;
  m.vacancy = m.invitation = m.guest = m.interview = m.reviewer = m.review = m.video =
      m.notification = m.upload = m.question = m.user = m.token = m.session = kMissingId;
  return m;
}

// The resource kind an id segment names: `:vacancy_id` etc., or `:id` after
// its collection segment.
int64_t IdFor(const std::string& param, const std::string& previous, const IdSet& ids) {
  std::string kind = param == "id" ? previous : param;
  if (kind == "vacancy_id" || kind == "vacancies") return ids.vacancy;
  if (kind == "invitation_id" || kind == "invitations") return ids.invitation;
  if (kind == "guests") return ids.guest;
  if (kind == "interview_id" || kind == "interviews") return ids.interview;
  if (kind == "reviewers") return ids.reviewer;
  if (kind == "reviews") return ids.review;
  if (kind == "video_id") return ids.video;
  if (kind == "notifications") return ids.notification;
  if (kind == "uploads") return ids.upload;
  if (kind == "question_id") return ids.question;
  if (kind == "users") return ids.user;
  if (kind == "tokens") return ids.token;
  if (kind == "sessions") return ids.session;
  FAIL("no id for :" << param << " after " << previous);
  return 0;
}

std::vector<std::string> Segments(const std::string& pattern) {
  std::vector<std::string> out;
  for (std::string_view s : SplitPath(pattern)) out.emplace_back(s);
  return out;
}

bool HasIds(const std::string& pattern) { return pattern.find("/:") != std::string::npos; }

size_t CountIds(const std::string& pattern) {
  size_t n = 0;
  for (const std::string& seg : Segments(pattern)) n += seg[0] == ':';
  return n;
}

// `pattern` with its ids from `ids`; `vacancy_override` (when not 0) for
// :vacancy_id.
std::string Fill(const std::string& pattern, const IdSet& ids, int64_t vacancy_override = 0) {
  std::string out, previous;
  for (const std::string& seg : Segments(pattern)) {
    out += "/";
    if (seg[0] == ':') {
      std::string param = seg.substr(1);
      int64_t id = IdFor(param, previous, ids);
      if (param == "vacancy_id" && vacancy_override != 0) id = vacancy_override;
      out += S(id);
    } else {
      out += seg;
      previous = seg;
    }
  }
  return out;
}

// The collection a pattern addresses ("guests" for .../guests/:id).
std::string Collection(const std::string& pattern) {
  std::string last;
  for (const std::string& seg : Segments(pattern)) {
    if (seg[0] != ':') last = seg;
  }
  return last;
}

// A valid body for creating or updating in `collection`, so that the answer
// depends on the ids only.
std::string BodyFor(const std::string& collection, const std::string& method, bool xml) {
  if (collection == "vacancies") {
    return xml ? "<vacancy><title>Mallory</title></vacancy>"
               : "{\"vacancy\": {\"title\": \"Mallory\"}}";
  }
  if (collection == "invitations") {
    if (method == "PUT") {
      return xml ? "<invitation><candidate_name>Mallory</candidate_name></invitation>"
                 : "{\"invitation\": {\"candidate_name\": \"Mallory\"}}";
    }
    return xml ? "<invitation><candidate_email>m@evil.test</candidate_email><candidate_name>"
                 "Mallory</candidate_name><datetime_scheduled>2013-08-05T02:00:00+02:00"
                 "</datetime_scheduled></invitation>"
               : "{\"invitation\": {\"candidate_email\": \"m@evil.test\", \"candidate_name\": "
                 "\"Mallory\", \"datetime_scheduled\": \"2013-08-05T02:00:00+02:00\"}}";
  }
  if (collection == "import") {  // POST .../invitations/import: one valid row
    return xml ? "<invitation_import><invitations type=\"array\"><invitation><candidate_email>"
                 "m@evil.test</candidate_email><candidate_name>Mallory</candidate_name>"
                 "<datetime_scheduled>2013-08-05T02:00:00+02:00</datetime_scheduled>"
                 "</invitation></invitations></invitation_import>"
               : "{\"invitations\": [{\"candidate_email\": \"m@evil.test\", \"candidate_name\": "
                 "\"Mallory\", \"datetime_scheduled\": \"2013-08-05T02:00:00+02:00\"}]}";
  }
  if (collection == "guests" || collection == "reviewers") {
    std::string root = collection == "guests" ? "guest" : "reviewer";
    return xml ? "<" + root + "><name>Mallory</name><email>m@evil.test</email></" + root + ">"
               : "{\"" + root + "\": {\"name\": \"Mallory\", \"email\": \"m@evil.test\"}}";
  }
  if (collection == "video") {  // a video to attach: one that exists nowhere
    return xml ? "<video><video_id>" + S(kMissingId) + "</video_id></video>"
               : "{\"video\": {\"video_id\": " + S(kMissingId) + "}}";
  }
  if (collection == "reviews") {
    return xml ? "<review><rating>5</rating><remarks>Mallory</remarks></review>"
               : "{\"review\": {\"rating\": 5, \"remarks\": \"Mallory\"}}";
  }
  if (collection == "users") {
    return xml ? "<user><name>Mallory</name></user>" : "{\"user\": {\"name\": \"Mallory\"}}";
  }
  return xml ? "<x><y>1</y></x>" : "{\"x\": 1}";
}

struct World {
  IdSet a;  // account A's resources
  int64_t template_id = 0;
  int64_t b_vacancy = 0;  // account B's own live vacancy
};

World Build(TestServer& server, Api& a, Api& b) {
  World w;
  w.a.vacancy = CreateVacancy(a, "live");
  w.template_id = CreateVacancy(a, "automated",
                                "\"use_as_template\": \"yes\", \"questions\": [{\"title\": \"Q\"}]",
                                "A's template");
  w.a.question = Int(
      Unwrap(At(Object(a.Get("/api/vacancies/" + S(w.template_id)), 200, "vacancy"), "questions")
                 .items()
                 .at(0),
             "question"),
      "id");
  w.a.upload = UploadInTwo(a, WebmBytes(40));
  w.a.invitation = CreateInvitationId(a, w.a.vacancy, "open@cammio.com");
  w.a.guest = Int(Object(a.Post("/api/invitations/" + S(w.a.invitation) + "/guests",
                                "{\"guest\": {\"name\": \"G\", \"email\": \"g@cammio.com\"}}"),
                         201, "guest"),
                  "id");
  // A's completion notification (no sender runs: it stays pending).
  CHECK(a.Put("/api/settings/notifications",
              "{\"notification_settings\": {\"host\": \"localhost:9\", \"ssl\": false}}")
            .status == 200);
  int64_t done = CreateInvitationId(a, w.a.vacancy, "done@cammio.com",
                                    "\"callback_params\": {\"employee_id\": \"1\"}");
  w.a.video = AddMediaFile(server, server.creds().account_id, "a.webm", "recording", "video/webm",
                           "A's video");
  Recording rec;
  rec.index = 1;
  rec.title = "Q";
  rec.video_id = w.a.video;
  int64_t now = server.clock().Now();
  w.a.interview = Complete(server, done, now - 60, now, {rec});
  REQUIRE(server.store()
              .Write([&](Db& db) {
                return EnqueueCompletionNotification(db, w.a.interview,
                                                     PublicLinks("https://cammio.test"), now);
              })
              .ok());
  w.a.notification = Int(List(a.Get("/api/notifications"), "notification").at(0), "id");
  std::string base = "/api/interviews/" + S(w.a.interview);
  w.a.reviewer =
      Int(Object(a.Post(base + "/reviewers",
                        "{\"reviewer\": {\"name\": \"R\", \"email\": \"r@cammio.com\"}}"),
                 201, "reviewer"),
          "id");
  w.a.review =
      Int(Object(a.Post(base + "/reviews", "{\"review\": {\"rating\": 4}}"), 201, "review"), "id");
  // A's user, access token and console session (the console's routes).
  w.a.user = server.creds().user_id;
  REQUIRE(server.store()
              .Write([&](Db& db) {
                auto tokens = ListTokens(db, server.creds().email);
                if (!tokens.ok()) return tokens.status();
                w.a.token = tokens->at(0).id;
                NewConsoleSession n;
                n.user_id = w.a.user;
                n.session_hash = std::string(32, 'a');
                n.csrf_token = "x";
                n.now = now;
                n.idle_seconds = 3600;
                n.absolute_seconds = 7200;
                auto id = CreateConsoleSession(db, n);
                if (!id.ok()) return id.status();
                w.a.session = *id;
                return Status::OK();
              })
              .ok());
  w.b_vacancy = CreateVacancy(b, "live");
  // B has resources of its own too, so that its lists are not trivially empty.
  int64_t b_inv = CreateInvitationId(b, w.b_vacancy, "b@cammio.com");
  Complete(server, CreateInvitationId(b, w.b_vacancy, "b2@cammio.com"), now - 60, now);
  CHECK(b.Post("/api/invitations/" + S(b_inv) + "/guests",
               "{\"guest\": {\"name\": \"H\", \"email\": \"h@cammio.com\"}}")
            .status == 201);
  return w;
}

// Everything A can read, as A sees it (forward_url excluded: it mints).
std::map<std::string, std::string> Snapshot(TestServer& server, Api& a, const World& w) {
  std::map<std::string, std::string> out;
  for (const Route& r : ServerRouter().routes()) {
    std::string pattern = r.pattern;
    if (std::string(r.method) != "GET" || !r.authenticated ||
        Collection(pattern) == "forward_url") {
      continue;
    }
    std::string path = HasIds(pattern) ? Fill(pattern, w.a) : pattern;
    Resp got = a.Get(path);
    out[path] = std::to_string(got.status) + " " + got.Header("X-Total-Count") + " " + got.body;
  }
  out["/api/vacancies/template"] = a.Get("/api/vacancies/" + S(w.template_id)).body;
  for (const char* table :
       {"vacancies", "invitations", "candidates", "guests", "interviews", "recordings", "reviewers",
        "reviews", "forward_links", "videos", "idempotency_keys", "questions", "notifications",
        "notification_settings", "uploads"}) {
    out[std::string("rows:") + table] =
        S(CountRows(server, std::string("SELECT COUNT(*) FROM ") + table));
  }
  return out;
}

// `method` on `path` with a body where one makes sense.
Resp Try(Api& api, const std::string& method, const std::string& pattern, const std::string& path,
         bool xml) {
  std::string suffix = xml ? ".xml" : "";
  std::string body;
  if (method == "POST" || method == "PUT" || method == "PATCH") {
    body = BodyFor(Collection(pattern), method, xml);
  }
  return api.Send(method, path + suffix, body, xml ? "application/xml" : "application/json", {});
}

std::set<std::string> HeaderNames(const Resp& r) {
  std::set<std::string> out;
  for (const auto& [name, value] : r.headers) {
    if (name != "Date") out.insert(name);
  }
  return out;
}

// The two answers are the same but for the ids they quote.
void CheckSameAnswer(const Resp& theirs, const Resp& missing) {
  CHECK(theirs.status == missing.status);
  CHECK(HeaderNames(theirs) == HeaderNames(missing));
  CHECK(theirs.Header("Connection") == missing.Header("Connection"));
  CHECK(theirs.Header("Content-Type") == missing.Header("Content-Type"));
  CHECK(theirs.Header("Allow") == missing.Header("Allow"));
  CHECK(NormalizeDigits(theirs.body) == NormalizeDigits(missing.body));
}

bool Supports(const std::string& pattern, const std::string& method) {
  for (const Route& r : ServerRouter().routes()) {
    if (pattern == r.pattern && method == r.method) return true;
  }
  return false;
}

TEST_CASE(
    "contract: tenancy: every id-bearing route answers another account's ids as missing ids") {
  TestServer server;
  Api a(server);
  Credentials other = server.NewAccount("Other Agency", "recruiter@other.test");
  Api b(server, other);
  World w = Build(server, a, b);

  // The substitution is right: A itself reads every GET route with these ids.
  std::set<std::string> patterns;
  size_t id_rows = 0;
  for (const Route& r : ServerRouter().routes()) {
    std::string pattern = r.pattern;
    // Account-scoped API rows; public pages are authorised by their link token.
    if (!HasIds(pattern) || !r.authenticated) continue;
    ++id_rows;
    patterns.insert(pattern);
    if (std::string(r.method) == "GET") {
      Resp own = a.Get(Fill(pattern, w.a));
      INFO(pattern << " as A: " << own);
      if (pattern == "/api/videos/:video_id") {
        // The video's own test shows it answering 500 today (src/api/videos.cc);
        // here it is enough that A's id is not "missing" for A.
        CHECK(own.status != 404);
      } else {
        CHECK(own.status == 200);
      }
    }
  }
  CHECK(id_rows >= 40);
  auto before = Snapshot(server, a, w);

  const IdSet missing = AllMissing();
  const char* methods[] = {"GET", "POST", "PUT", "PATCH", "DELETE"};
  size_t checked_rows = 0;
  for (bool xml : {false, true}) {
    for (const std::string& pattern : patterns) {
      for (const std::string method : methods) {
        bool supported = Supports(pattern, method);
        if (supported && !xml) ++checked_rows;
        std::string theirs_path = Fill(pattern, w.a);
        Resp theirs = Try(b, method, pattern, theirs_path, xml);
        Resp none = Try(b, method, pattern, Fill(pattern, missing), xml);
        INFO(std::string(xml ? "XML " : "JSON ") << method << " " << theirs_path << "\n  A's ids: "
                                                 << theirs << "\n  missing ids: " << none);
        CheckSameAnswer(theirs, none);
        if (supported) {
          CHECK(theirs.status == 404);
          if (xml) {
            XmlErrorDetails(theirs, 404);
          } else {
            ErrorDetails(theirs, 404);
          }
        } else {
          CHECK(theirs.status == 405);
        }

        // Under B's own vacancy, A's children are missing children too.
        if (pattern.rfind("/api/vacancies/:vacancy_id/", 0) == 0 && CountIds(pattern) > 1) {
          Resp mixed = Try(b, method, pattern, Fill(pattern, w.a, w.b_vacancy), xml);
          Resp mixed_none = Try(b, method, pattern, Fill(pattern, missing, w.b_vacancy), xml);
          INFO("under B's vacancy " << w.b_vacancy << ": " << mixed
                                    << "\n  missing: " << mixed_none);
          CheckSameAnswer(mixed, mixed_none);
          if (supported) CHECK(mixed.status == 404);
        }
      }
    }
  }
  CHECK(checked_rows == id_rows);

  // Ids of A's resources inside B's bodies: answered as missing ids.
  auto invitation_for = [](int64_t vacancy_id) {
    return "{\"invitation\": {\"vacancy_id\": " + S(vacancy_id) +
           ", \"candidate_email\": \"m@evil.test\", \"candidate_name\": \"Mallory\", "
           "\"datetime_scheduled\": \"2013-08-05T02:00:00+02:00\"}}";
  };
  Resp inv_theirs = b.Post("/api/invitations", invitation_for(w.a.vacancy));
  Resp inv_none = b.Post("/api/invitations", invitation_for(kMissingId));
  CheckSameAnswer(inv_theirs, inv_none);
  CHECK(inv_theirs.status >= 400);
  auto from_template = [](int64_t template_id) {
    return VacancyBody("Copy", "automated", "\"template_id\": " + S(template_id));
  };
  Resp tpl_theirs = b.Post("/api/vacancies", from_template(w.template_id));
  Resp tpl_none = b.Post("/api/vacancies", from_template(kMissingId));
  CheckSameAnswer(tpl_theirs, tpl_none);
  CHECK(tpl_theirs.status == 404);
  // Lists never show A's rows to B.
  for (const char* list : {"/api/vacancies", "/api/invitations", "/api/interviews"}) {
    Resp r = b.Get(list);
    CHECK(r.status == 200);
    CHECK(TotalCount(r) == 1);  // B's own row only
    CHECK(!Contains(r.body, "open@cammio.com"));
    CHECK(!Contains(r.body, "done@cammio.com"));
  }
  CHECK(!Contains(b.Get("/api/vacancies?templates=true").body, "A's template"));

  // Nothing of A changed.
  auto after = Snapshot(server, a, w);
  // Named copies, not a structured binding: clang 14 cannot capture a
  // binding in the lambdas that doctest's assertions expand to.
  for (const auto& entry : before) {
    const auto& key = entry.first;
    const auto& value = entry.second;
    INFO(key);
    CHECK(after[key] == value);
  }
}

}  // namespace
}  // namespace cammio
