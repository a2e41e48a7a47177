// The web pages over real HTTPS without a browser (the browser flow is
// tests/web/e2e.test.js): languages, link states and their pages, assets,
// forward links (3 opens, media access bound to an opening), reviewer links,
// the recruiter page (Basic challenge, same-origin posts), public vacancies,
// guests' pages of live interviews, and HTML versus JSON errors.
#include <doctest/doctest.h>

#include <regex>

#include "mail/enqueue.h"
#include "testing/api_helpers.h"
#include "util/crypto.h"
#include "util/time.h"
#include "web/html.h"
#include "web/i18n.h"

namespace cammio {
namespace {

using namespace cammio::testing;

constexpr char kOpenEnd[] = "2030-01-01T00:00:00Z";
const httplib::Headers kHtml = {{"Accept", "text/html,application/xhtml+xml"}};

// An automated vacancy open until 2030 (the test clock is in 2023).
int64_t OpenVacancy(Api& api, const std::string& extra = "") {
  std::string body = "{\"vacancy\": {\"title\": \"Data <engineer>\", \"datetime_start\": \"" +
                     std::string(kStart) + "\", \"datetime_end\": \"" + kOpenEnd +
                     "\", \"questions\": [{\"title\": \"Why us?\"}]" +
                     (extra.empty() ? "" : ", " + extra) + "}}";
  return Int(Object(api.Post("/api/vacancies", body), 201, "vacancy"), "id");
}

std::string PathOf(const std::string& url) { return url.substr(std::string(kPublicUrl).size()); }

// An interview of a fresh invitation with one recording and its thumbnail.
struct Done {
  int64_t interview_id = 0, video = 0, thumb = 0, other_video = 0;
};

Done MakeInterview(TestServer& server, Api& api, const std::string& vacancy_extra = "") {
  Done d;
  int64_t vacancy = OpenVacancy(api, vacancy_extra);
  int64_t inv = CreateInvitationId(api, vacancy, "ann@example.test");
  int64_t account = server.creds().account_id;
  std::string n = std::to_string(inv);
  d.video = AddMediaFile(server, account, "w" + n + ".webm", "recording", "video/webm",
                         std::string("\x1a\x45\xdf\xa3", 4) + std::string(200, 'v'));
  d.thumb = AddMediaFile(server, account, "w" + n + ".jpg", "thumbnail", "image/jpeg", "jpeg");
  d.other_video = AddMediaFile(server, account, "x" + n + ".webm", "recording", "video/webm", "x");
  Recording r;
  r.index = 1;
  r.title = "Why us?";
  r.video_id = d.video;
  r.thumbnail_id = d.thumb;
  d.interview_id = Complete(server, inv, server.clock().Now() - 60, server.clock().Now(), {r});
  return d;
}

std::string Capture(const std::string& text, const std::string& pattern) {
  std::smatch m;
  REQUIRE_MESSAGE(std::regex_search(text, m, std::regex(pattern)), pattern << " in " << text);
  return m[1];
}

TEST_CASE("web: i18n picks the vacancy's language, then the browser's, then English") {
  CHECK(web::PickLanguage(std::string("nl"), "") == "nl");
  CHECK(web::PickLanguage(std::string("NL-be"), "en") == "nl");
  CHECK(web::PickLanguage(std::string("de"), "fr-FR,nl;q=0.8,en;q=0.5") == "nl");
  CHECK(web::PickLanguage(std::nullopt, "de, fr") == "en");
  CHECK(web::Text("nl", "start") == "Beginnen");
  CHECK(web::Text("xx", "start") == "Start");
  CHECK(web::Text("en", "no_such_key") == "no_such_key");
  CHECK(web::Format("en", "question_of", {{"n", "2"}, {"count", "5"}}) == "Question 2 of 5");
  CHECK(web::Escape("<a href=\"x\">'&'</a>") ==
        "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
  std::string json = web::StringsJson("nl");
  CHECK(json.find("</") == std::string::npos);
  CHECK(json.find("\"start\":\"Beginnen\"") != std::string::npos);
}

TEST_CASE("web: the candidate page runs an open link and explains every other state") {
  TestServer server;
  Api api(server);
  int64_t vacancy = OpenVacancy(api, "\"language\": \"nl\"");
  Value inv = CreateInvitation(api, vacancy, "ann@example.test");
  std::string path = PathOf(Str(inv, "url"));

  Resp r = api.Get(path, kHtml);
  REQUIRE(r.status == 200);
  CHECK(r.Header("Content-Type") == "text/html; charset=utf-8");
  CHECK(r.Header("Content-Language") == "nl");
  CHECK(r.headers.count("Content-Language") == 1);
  CHECK(r.Header("Cache-Control") == "no-store");
  CHECK(r.Header("Content-Security-Policy").find("default-src 'self'") != std::string::npos);
  CHECK(r.body.find("<html lang=\"nl\">") != std::string::npos);
  CHECK(r.body.find("data-token=\"" + path.substr(path.rfind('/') + 1) + "\"") !=
        std::string::npos);
  CHECK(r.body.find("Data &lt;engineer&gt;") != std::string::npos);  // escaped
  CHECK(r.body.find("/public/assets/candidate.js") != std::string::npos);
  CHECK(r.body.find("\"start\":\"Beginnen\"") != std::string::npos);

  REQUIRE(api.Delete("/api/invitations/" + std::to_string(Int(inv, "id"))).status == 200);
  r = api.Get(path, kHtml);
  CHECK(r.status == 410);
  CHECK(r.body.find("Deze uitnodiging is ingetrokken") != std::string::npos);

  Done done = MakeInterview(server, api);
  (void)done;
  int64_t closed = CreateVacancy(api);  // ended in 2013
  r = api.Get(PathOf(Str(CreateInvitation(api, closed, "bob@example.test"), "url")), kHtml);
  CHECK(r.status == 410);
  CHECK(r.body.find("This vacancy has closed") != std::string::npos);

  // Unknown and malformed tokens: an HTML page for browsers, JSON otherwise.
  r = api.Get("/public/job_interviews/" + std::string(30, 'a'), kHtml);
  CHECK(r.status == 404);
  CHECK(r.body.find("This link is not known") != std::string::npos);
  r = api.Get("/public/job_interviews/Not-A-Token",
              {{"Accept", "text/html"}, {"Accept-Language", "nl-NL,nl"}});
  CHECK(r.status == 404);
  CHECK(r.body.find("Deze link is onbekend") != std::string::npos);
  r = api.Get("/public/job_interviews/" + std::string(30, 'a') + "/state");
  CHECK(r.status == 404);
  CHECK(r.Header("Content-Type") == kJsonType);
}

TEST_CASE("web: a question's video streams to the candidate of an open link only") {
  TestServer server;
  Api api(server);
  int64_t video = AddMediaFile(server, server.creds().account_id, "q.webm", "question",
                               "video/webm", "question video bytes");
  std::string extra =
      "\"questions\": [{\"title\": \"Watch this\", \"video_id\": " + std::to_string(video) +
      "}, {\"title\": \"No video\"}]";
  std::string body = "{\"vacancy\": {\"title\": \"T\", \"datetime_start\": \"" +
                     std::string(kStart) + "\", \"datetime_end\": \"" + kOpenEnd + "\", " + extra +
                     "}}";
  int64_t vacancy = Int(Object(api.Post("/api/vacancies", body), 201, "vacancy"), "id");
  Value inv = CreateInvitation(api, vacancy, "q@example.test");
  std::string path = PathOf(Str(inv, "url"));
  Value state = Unwrap(Doc(api.Get(path + "/state"), 200), "interview");
  const auto& qs = At(state, "questions").items();
  REQUIRE(qs.size() == 2);
  std::string with = std::to_string(Int(qs[0], "id"));
  std::string without = std::to_string(Int(qs[1], "id"));
  Resp r = api.Get(path + "/questions/" + with + "/video", {{"Range", "bytes=0-7"}});
  CHECK(r.status == 206);
  CHECK(r.body == "question");
  CHECK(api.Get(path + "/questions/" + without + "/video").status == 404);
  REQUIRE(api.Delete("/api/invitations/" + std::to_string(Int(inv, "id"))).status == 200);
  CHECK(api.Get(path + "/questions/" + with + "/video").status == 410);
}

TEST_CASE("web: a completed invitation's link says so; assets are served with their types") {
  TestServer server;
  Api api(server);
  int64_t vacancy = OpenVacancy(api);
  Value inv = CreateInvitation(api, vacancy, "cy@example.test");
  Complete(server, Int(inv, "id"), server.clock().Now() - 10, server.clock().Now());
  Resp r = api.Get(PathOf(Str(inv, "url")), kHtml);
  CHECK(r.status == 410);
  CHECK(r.body.find("You already completed this interview") != std::string::npos);

  r = api.Get("/public/assets/cammio.css");
  CHECK(r.status == 200);
  CHECK(r.Header("Content-Type") == "text/css; charset=utf-8");
  r = api.Get("/public/assets/candidate.js");
  CHECK(r.status == 200);
  CHECK(r.Header("Content-Type") == "text/javascript; charset=utf-8");
  CHECK(r.body.find("MediaRecorder") != std::string::npos);
  CHECK(api.Get("/public/assets/nothing.js").status == 404);
}

TEST_CASE("web: a forward link opens 3 times; its videos stream under that opening's access") {
  TestServer server;
  Api api(server);
  Done d = MakeInterview(server, api);
  std::string id = std::to_string(d.interview_id);
  Resp fwd = api.Get("/api/interviews/" + id + "/forward_url");
  std::string path = PathOf(Str(Doc(fwd, 200), "url"));

  auto head = server.Client()->Head(path, kHtml);  // link previews do not use an opening
  REQUIRE(head);
  CHECK(head->status == 200);
  std::string media;
  for (int open = 1; open <= 3; ++open) {
    Resp page = api.Get(path, kHtml);
    REQUIRE(page.status == 200);
    media = Capture(page.body, "src=\"(/public/video/v/[a-z0-9]+/media/" + std::to_string(d.video) +
                                   "\\?access=[a-z0-9]+)\"");
  }
  Resp part = api.Get(media, {{"Range", "bytes=0-3"}});
  CHECK(part.status == 206);
  CHECK(part.body == std::string("\x1a\x45\xdf\xa3", 4));
  CHECK(part.Header("Content-Range") == "bytes 0-3/204");
  std::string base = media.substr(0, media.find("/media/") + 7);
  std::string access = media.substr(media.find('?'));
  CHECK(api.Get(base + std::to_string(d.thumb) + access).status == 200);
  CHECK(api.Get(base + std::to_string(d.other_video) + access).status == 404);  // not its video
  CHECK(api.Get(base + std::to_string(d.video)).status == 403);                 // no access
  CHECK(api.Get(base + std::to_string(d.video) + "?access=" + std::string(32, 'a')).status == 403);

  Resp gone = api.Get(path, kHtml);
  CHECK(gone.status == 410);
  CHECK(gone.body.find("This link has expired") != std::string::npos);
  CHECK(api.Get(media).status == 200);  // an earlier opening's access still plays

  server.clock().Advance(5 * 3600);  // that access was short-lived
  CHECK(api.Get(media).status == 410);
}

TEST_CASE("web: a reviewer link turns the reviewer invitation into a review") {
  TestServer server;
  Api api(server);
  Done d = MakeInterview(server, api);
  std::string id = std::to_string(d.interview_id);
  Value reviewer = Object(api.Post("/api/interviews/" + id + "/reviewers",
                                   "{\"reviewer\": {\"name\": \"Rita\", \"email\": \"r@x.test\"}}"),
                          201, "reviewer");
  std::string path = PathOf(Str(reviewer, "url"));
  Resp page = api.Get(path, kHtml);
  REQUIRE(page.status == 200);
  std::string media = Capture(page.body, "src=\"(/public/reviews/[a-z0-9]+/media/[0-9]+)\"");
  CHECK(api.Get(media).status == 200);

  Resp bad = api.Post(path, "rating=9&remarks=x", "application/x-www-form-urlencoded", kHtml);
  CHECK(bad.status == 400);
  CHECK(bad.body.find("Please choose a rating from 1 to 5.") != std::string::npos);
  Resp ok = api.Post(path, "rating=3&remarks=Solid+answers+%26+calm",
                     "application/x-www-form-urlencoded", kHtml);
  CHECK(ok.status == 200);
  CHECK(ok.body.find("Thank you for your review") != std::string::npos);

  auto reviews = List(api.Get("/api/interviews/" + id + "/reviews"), "review");
  REQUIRE(reviews.size() == 1);
  CHECK(Str(reviews[0], "reviewer_name") == "Rita");
  CHECK(Int(reviews[0], "rating") == 3);
  CHECK(Str(reviews[0], "remarks") == "Solid answers & calm");
  CHECK(List(api.Get("/api/interviews/" + id + "/reviewers"), "reviewer").empty());
  Resp again = api.Get(path, kHtml);
  CHECK(again.status == 410);
  CHECK(again.body.find("This review was already submitted") != std::string::npos);
  CHECK(api.Get(media).status == 404);
}

TEST_CASE("web: the recruiter page asks browsers to sign in and takes same-origin reviews") {
  TestServer server;
  Api api(server);
  Done d = MakeInterview(server, api);
  Value w = Object(api.Get("/api/interviews/" + std::to_string(d.interview_id)), 200, "interview");
  std::string path = PathOf(Str(w, "url"));

  auto anonymous = server.Client()->Get(path, kHtml);
  REQUIRE(anonymous);
  CHECK(anonymous->status == 401);
  CHECK(anonymous->get_header_value("WWW-Authenticate").rfind("Basic realm=", 0) == 0);
  CHECK(anonymous->body.find("Please sign in") != std::string::npos);

  Resp page = api.Get(path, kHtml);
  REQUIRE(page.status == 200);
  CHECK(page.body.find("ann@example.test") != std::string::npos);
  CHECK(api.Get(path + "/media/" + std::to_string(d.video)).status == 200);
  CHECK(api.Get(path + "/media/" + std::to_string(d.other_video)).status == 404);

  const char* form = "application/x-www-form-urlencoded";
  Resp forged = api.Post(path, "rating=1", form, {{"Sec-Fetch-Site", "cross-site"}});
  CHECK(forged.status == 412);
  Resp posted = api.Post(path, "rating=5&remarks=Hire", form, {{"Sec-Fetch-Site", "same-origin"}});
  CHECK(posted.status == 303);
  CHECK(posted.Header("Location") == path);
  auto reviews =
      List(api.Get("/api/interviews/" + std::to_string(d.interview_id) + "/reviews"), "review");
  REQUIRE(reviews.size() == 1);
  CHECK(Int(reviews[0], "rating") == 5);
}

TEST_CASE("web: a public vacancy takes a name and email and continues on a new invitation") {
  TestServer server;
  Api api(server);
  int64_t priv = OpenVacancy(api);
  Value pv = Object(api.Get("/api/vacancies/" + std::to_string(priv)), 200, "vacancy");
  CHECK(IsNull(pv, "public_url"));
  int64_t pub = OpenVacancy(api, "\"scope\": \"public\"");
  Value v = Object(api.Get("/api/vacancies/" + std::to_string(pub)), 200, "vacancy");
  std::string path = PathOf(Str(v, "public_url"));

  Resp form = api.Get(path, kHtml);
  REQUIRE(form.status == 200);
  CHECK(form.body.find("<label for=\"apply-email\">") != std::string::npos);
  const char* type = "application/x-www-form-urlencoded";
  Resp bad = api.Post(path, "name=Piet&email=nope", type, kHtml);
  CHECK(bad.status == 400);
  CHECK(bad.body.find("aria-invalid=\"true\"") != std::string::npos);
  CHECK(bad.body.find("value=\"Piet\"") != std::string::npos);
  Resp ok = api.Post(path, "name=Piet+P&email=piet%40example.test", type, kHtml);
  REQUIRE(ok.status == 303);
  std::string next = ok.Header("Location");
  CHECK(next.rfind("/public/job_interviews/", 0) == 0);
  CHECK(api.Get(next, kHtml).status == 200);
  auto open = List(api.Get("/api/vacancies/" + std::to_string(pub) + "/invitations"), "invitation");
  REQUIRE(open.size() == 1);
  CHECK(Str(open[0], "candidate_email") == "piet@example.test");
  CHECK(Str(open[0], "candidate_name") == "Piet P");
}

// The text of the email queued for guest `guest_id`.
std::string GuestMailText(TestServer& server, int64_t guest_id) {
  std::string text;
  Status s = server.store().Read([&](Db& db) {
    Stmt st = db.Prepare(
        "SELECT body_text FROM mail_outbox WHERE kind = 'guest_invitation' AND ref_id = ?1 "
        "ORDER BY id DESC LIMIT 1");  // guest ids can be reused after a delete
    st.Bind(1, guest_id);
    Status step;
    if (st.Step(&step)) text = st.Text(0);
    return step;
  });
  REQUIRE(s.ok());
  REQUIRE(!text.empty());
  return text;
}

// A live vacancy open until 2030, an invitation scheduled with an interviewer,
// and a guest; returns the guest's link path, read from the guest's email.
struct LiveGuest {
  int64_t invitation_id = 0, guest_id = 0;
  std::string invitation_token, path;
};

LiveGuest InviteGuest(TestServer& server, Api& api, const std::string& language) {
  std::string body =
      "{\"vacancy\": {\"title\": \"Live <ops> lead\", \"kind\": \"live\", "
      "\"language\": \"" +
      language + "\", \"datetime_start\": \"" + std::string(kStart) + "\", \"datetime_end\": \"" +
      kOpenEnd + "\"}}";
  int64_t vacancy = Int(Object(api.Post("/api/vacancies", body), 201, "vacancy"), "id");
  Value inv = CreateInvitation(api, vacancy, "cand@example.test",
                               "\"interviewer_name\": \"Ian <b>Interviewer</b>\", "
                               "\"interviewer_email\": \"ian@example.test\"");
  LiveGuest g;
  g.invitation_id = Int(inv, "id");
  g.invitation_token =
      TokenAfter(Str(inv, "url"), std::string(kPublicUrl) + "/public/job_interviews/");
  Value guest =
      Object(api.Post("/api/invitations/" + std::to_string(g.invitation_id) + "/guests",
                      "{\"guest\": {\"name\": \"Gwen Guest\", \"email\": \"gwen@example.test\"}}"),
             201, "guest");
  g.guest_id = Int(guest, "id");
  g.path = Capture(GuestMailText(server, g.guest_id),
                   std::string(kPublicUrl) + "(/public/guests/[0-9]+\\.[a-z2-7]+)");
  return g;
}

TEST_CASE("web: a guest's link opens the live room in the vacancy's language") {
  TestServer server;
  Api api(server);
  LiveGuest g = InviteGuest(server, api, "en");
  CHECK(g.path == "/public/guests/" + mail::GuestToken(g.invitation_token, g.guest_id));

  auto anonymous = server.Client();  // the guest has no credentials
  auto r = anonymous->Get(g.path.c_str(), kHtml);
  REQUIRE(r);
  REQUIRE(r->status == 200);
  CHECK(r->get_header_value("Content-Type") == "text/html; charset=utf-8");
  CHECK(r->get_header_value("Content-Language") == "en");
  CHECK(r->get_header_value("Referrer-Policy") == "no-referrer");
  CHECK(r->get_header_value("Permissions-Policy") == "camera=(self), microphone=(self)");
  const std::string& page = r->body;
  CHECK(page.find("<h1 tabindex=\"-1\">Live interview: Live &lt;ops&gt; lead</h1>") !=
        std::string::npos);  // escaped
  // The room's shell: the link's own path for the signalling API, the
  // scripts and styles from this origin only.
  CHECK(page.find("data-base=\"" + g.path + "\"") != std::string::npos);
  CHECK(page.find("<script src=\"/public/assets/live.js\"></script>") != std::string::npos);
  CHECK(page.find("<link rel=\"stylesheet\" href=\"/public/assets/live.css\">") !=
        std::string::npos);
  CHECK(page.find("id=\"cammio-strings\"") != std::string::npos);
  CHECK(page.find("<main id=\"main\" tabindex=\"-1\" class=\"wide\">") != std::string::npos);
  // It names the invitation's interviewer, the candidate and when.
  CHECK(page.find("<dd id=\"interviewer\">Ian &lt;b&gt;Interviewer&lt;/b&gt;</dd>") !=
        std::string::npos);
  CHECK(page.find("<b>") == std::string::npos);
  CHECK(page.find("<dd>John Lennon</dd>") != std::string::npos);
  // 2013-08-05T02:00:00+02:00, in its own offset.
  CHECK(page.find("<dd>Monday 5 August 2013 at 02:00 (UTC+02:00)</dd>") != std::string::npos);
  CHECK(page.find("The call itself does not take place") == std::string::npos);
  // The candidate's own link never appears on a guest's page.
  CHECK(page.find(g.invitation_token) == std::string::npos);
  // The scripts and styles it names are served.
  for (const char* asset : {"/public/assets/live.js", "/public/assets/live.css"}) {
    auto a = anonymous->Get(asset);
    REQUIRE(a);
    CHECK(a->status == 200);
    CHECK(a->body.size() > 1000);
  }

  // The candidate's own link of a live interview is the same room, under
  // the candidate's link.
  Resp cand = api.Get("/public/job_interviews/" + g.invitation_token, kHtml);
  CHECK(cand.status == 200);
  CHECK(cand.body.find("data-base=\"/public/job_interviews/" + g.invitation_token + "\"") !=
        std::string::npos);
  CHECK(cand.body.find("Ian &lt;b&gt;Interviewer&lt;/b&gt;") != std::string::npos);
  CHECK(cand.body.find("will contact you") == std::string::npos);

  // Dutch vacancy: Dutch page and date.
  LiveGuest nl = InviteGuest(server, api, "nl");
  r = anonymous->Get(nl.path.c_str(), kHtml);
  REQUIRE(r);
  REQUIRE(r->status == 200);
  CHECK(r->body.find("<html lang=\"nl\">") != std::string::npos);
  CHECK(r->body.find("<dt>Datum en tijd</dt>") != std::string::npos);
  CHECK(r->body.find("maandag 5 augustus 2013 om 02:00 (UTC+02:00)") != std::string::npos);
}

TEST_CASE("web: a guest's link is checked; deleted, withdrawn and completed say so") {
  TestServer server;
  Api api(server);
  LiveGuest g = InviteGuest(server, api, "en");
  LiveGuest other = InviteGuest(server, api, "en");
  std::string mac = g.path.substr(g.path.find('.') + 1);
  std::string other_mac = other.path.substr(other.path.find('.') + 1);
  std::string id = std::to_string(g.guest_id);
  std::string flipped = mac;
  flipped[0] = flipped[0] == 'a' ? 'b' : 'a';
  // Wrong MACs, another guest's MAC, malformed tokens: the unknown-link page.
  for (const std::string& bad :
       {"/public/guests/" + id + "." + flipped, "/public/guests/" + id + "." + other_mac,
        "/public/guests/" + std::to_string(other.guest_id) + "." + mac,
        "/public/guests/" + std::to_string(g.guest_id + 1000) + "." + mac,
        "/public/guests/0" + id + "." + mac, "/public/guests/" + id + "." + mac + "a",
        "/public/guests/" + id + "." + mac.substr(1), "/public/guests/" + id + "." + mac + "/x",
        "/public/guests/" + id, "/public/guests/." + mac,
        "/public/guests/" + std::string(30, 'a')}) {
    CAPTURE(bad);
    Resp r = api.Get(bad, kHtml);
    CHECK(r.status == 404);
    CHECK(r.body.find("This link is not known") != std::string::npos);
  }
  CHECK(api.Get(g.path, kHtml).status == 200);
  Resp json = api.Get("/public/guests/" + id + "." + flipped);  // not a browser: JSON
  CHECK(json.status == 404);
  CHECK(json.Header("Content-Type") == kJsonType);

  // Deleted guest: 410, the page says the link no longer works.
  std::string guests = "/api/invitations/" + std::to_string(other.invitation_id) + "/guests/";
  REQUIRE(api.Delete(guests + std::to_string(other.guest_id)).status == 200);
  Resp deleted = api.Get(other.path, kHtml);
  CHECK(deleted.status == 410);
  CHECK(deleted.body.find("This link no longer works") != std::string::npos);
  CHECK(deleted.body.find("live.js") == std::string::npos);

  // Withdrawn invitation: 410 with its own page, for the guest and the
  // candidate alike; nothing of the room.
  REQUIRE(api.Delete("/api/invitations/" + std::to_string(g.invitation_id)).status == 200);
  for (const std::string& path : {g.path, "/public/job_interviews/" + g.invitation_token}) {
    CAPTURE(path);
    Resp r = api.Get(path, kHtml);
    CHECK(r.status == 410);
    CHECK(r.body.find("This interview was cancelled") != std::string::npos);
    CHECK(r.body.find("live.js") == std::string::npos);
  }

  // Ended: 410; the page still runs live.js (an unfinished upload of this
  // browser continues) but shows no room.
  LiveGuest done = InviteGuest(server, api, "nl");
  Complete(server, done.invitation_id, server.clock().Now() - 600, server.clock().Now());
  Resp r = api.Get(done.path, kHtml);
  CHECK(r.status == 410);
  CHECK(r.body.find("Dit interview is afgelopen") != std::string::npos);
  CHECK(r.body.find("data-ended") != std::string::npos);
  CHECK(api.Get(other.path, kHtml).status == 410);  // still, whatever id the new guest got
}

// The interviewer's link token as live-plan names it: "<invitation id>." +
// the first 16 bytes of HMAC-SHA256(key: the candidate's link token,
// "cammio interviewer <id>") in lower-case base32 without padding, computed
// here independently of the server.
std::string InterviewerTokenFor(const std::string& invitation_token, int64_t id) {
  const std::string mac = HmacSha256(invitation_token, "cammio interviewer " + std::to_string(id));
  const char* alphabet = "abcdefghijklmnopqrstuvwxyz234567";
  std::string out = std::to_string(id) + ".";
  unsigned buffer = 0;
  int bits = 0;
  for (size_t i = 0; i < 16; ++i) {
    buffer = ((buffer << 8) | static_cast<unsigned char>(mac[i])) & 0xffff;
    bits += 8;
    for (; bits >= 5; bits -= 5) out += alphabet[(buffer >> (bits - 5)) & 31];
  }
  if (bits > 0) out += alphabet[(buffer << (5 - bits)) & 31];
  return out;
}

TEST_CASE("web: the interviewer's link opens the room; a wrong one is unknown") {
  TestServer server;
  Api api(server);
  LiveGuest g = InviteGuest(server, api, "en");
  const std::string token = InterviewerTokenFor(g.invitation_token, g.invitation_id);
  CHECK(token == mail::InterviewerToken(g.invitation_token, g.invitation_id));
  const std::string path = "/public/interviewers/" + token;
  auto anonymous = server.Client();
  auto r = anonymous->Get(path.c_str(), kHtml);
  REQUIRE(r);
  CHECK(r->status == 200);
  CHECK(r->body.find("data-base=\"" + path + "\"") != std::string::npos);
  CHECK(r->body.find("<dd id=\"interviewer\">Ian &lt;b&gt;Interviewer&lt;/b&gt;</dd>") !=
        std::string::npos);
  CHECK(r->body.find(g.invitation_token) == std::string::npos);

  std::string flipped = token;
  flipped.back() = flipped.back() == 'a' ? 'b' : 'a';
  LiveGuest other = InviteGuest(server, api, "en");
  for (const std::string& bad :
       {"/public/interviewers/" + flipped,
        "/public/interviewers/" + InterviewerTokenFor(other.invitation_token, g.invitation_id),
        "/public/interviewers/" + std::to_string(g.invitation_id + 1000) +
            token.substr(token.find('.')),
        "/public/interviewers/" + g.path.substr(g.path.rfind('/') + 1)}) {
    CAPTURE(bad);
    Resp wrong = api.Get(bad, kHtml);
    CHECK(wrong.status == 404);
    CHECK(wrong.body.find("This link is not known") != std::string::npos);
  }

  // An automated invitation has no interviewer's link.
  int64_t automated = OpenVacancy(api);
  Value inv = CreateInvitation(api, automated, "auto@example.test");
  std::string auto_token =
      TokenAfter(Str(inv, "url"), std::string(kPublicUrl) + "/public/job_interviews/");
  CHECK(api.Get("/public/interviewers/" + InterviewerTokenFor(auto_token, Int(inv, "id")), kHtml)
            .status == 404);
}

TEST_CASE("web: before the lobby opens the room's links say when, in the vacancy's language") {
  TestServer server;
  Api api(server);
  const int64_t now = server.clock().Now();
  std::string body =
      "{\"vacancy\": {\"title\": \"Barista\", \"kind\": \"live\", \"language\": \"nl\", "
      "\"datetime_start\": \"" +
      std::string(kStart) + "\", \"datetime_end\": \"" + kOpenEnd + "\"}}";
  int64_t vacancy = Int(Object(api.Post("/api/vacancies", body), 201, "vacancy"), "id");
  // Scheduled 16 minutes from now: the lobby opens in one minute.
  Value inv = CreateInvitation(api, vacancy, "early@example.test",
                               "\"datetime_scheduled\": \"" + FormatUtc(now + 16 * 60) +
                                   "\", \"interviewer_name\": \"Ivo\"");
  std::string token =
      TokenAfter(Str(inv, "url"), std::string(kPublicUrl) + "/public/job_interviews/");
  const std::string cand = "/public/job_interviews/" + token;
  const std::string ivw = "/public/interviewers/" + InterviewerTokenFor(token, Int(inv, "id"));
  for (const std::string& path : {cand, ivw}) {
    CAPTURE(path);
    Resp r = api.Get(path, kHtml);
    CHECK(r.status == 200);
    CHECK(r.body.find("Je live interview voor Barista is nog niet begonnen") != std::string::npos);
    CHECK(r.body.find("Het interview met Ivo staat gepland op") != std::string::npos);
    CHECK(r.body.find("15 minuten van tevoren open") != std::string::npos);
    CHECK(r.body.find("live.js") == std::string::npos);
  }
  server.clock().Advance(61);  // the lobby is open
  for (const std::string& path : {cand, ivw}) {
    CAPTURE(path);
    Resp r = api.Get(path, kHtml);
    CHECK(r.status == 200);
    CHECK(r.body.find("data-base=\"" + path + "\"") != std::string::npos);
  }
  // Nothing changed: the invitation is still open.
  Value still =
      Object(api.Get("/api/invitations/" + std::to_string(Int(inv, "id"))), 200, "invitation");
  CHECK(Str(still, "status") == "open");
}

TEST_CASE("web: /state gives question videos the candidate link's own URL") {
  TestServer server;
  Api api(server);
  int64_t account = server.creds().account_id;
  int64_t video = AddMediaFile(server, account, "qv.webm", "question", "video/webm", "qv bytes");
  std::string body =
      "{\"vacancy\": {\"title\": \"T\", \"datetime_start\": \"" + std::string(kStart) +
      "\", \"datetime_end\": \"" + kOpenEnd +
      "\", \"questions\": [{\"title\": \"Watch\", \"video_id\": " + std::to_string(video) +
      "}, {\"title\": \"Plain\"}]}}";
  int64_t vacancy = Int(Object(api.Post("/api/vacancies", body), 201, "vacancy"), "id");
  std::string url = Str(CreateInvitation(api, vacancy, "s@example.test"), "url");
  std::string other = Str(CreateInvitation(api, vacancy, "o@example.test"), "url");
  auto anonymous = server.Client();
  auto st = anonymous->Get((PathOf(url) + "/state").c_str());
  REQUIRE(st);
  REQUIRE(st->status == 200);
  Value state = Unwrap(Json(st->body), "interview");
  const auto& qs = At(state, "questions").items();
  REQUIRE(qs.size() == 2);
  std::string video_url = Str(qs[0], "video_url");
  CHECK(video_url == url + "/questions/" + std::to_string(Int(qs[0], "id")) + "/video");
  CHECK(IsNull(qs[1], "video_url"));

  // Answers without credentials.
  auto got = anonymous->Get(PathOf(video_url).c_str());
  REQUIRE(got);
  CHECK(got->status == 200);
  CHECK(got->body == "qv bytes");
  CHECK(got->get_header_value("Content-Type") == "video/webm");
  // Another invitation's token does not reach it: that vacancy's questions only.
  int64_t vacancy2 = OpenVacancy(api);
  std::string stranger = Str(CreateInvitation(api, vacancy2, "x@example.test"), "url");
  std::string suffix = video_url.substr(url.size());
  auto denied = anonymous->Get((PathOf(stranger) + suffix).c_str());
  REQUIRE(denied);
  CHECK(denied->status == 404);
  CHECK(denied->body.find("qv bytes") == std::string::npos);
  // A token of the same vacancy is that candidate's own link: it works too.
  auto sibling = anonymous->Get((PathOf(other) + suffix).c_str());
  REQUIRE(sibling);
  CHECK(sibling->status == 200);
}

}  // namespace
}  // namespace cammio
