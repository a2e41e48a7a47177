// docs/openapi.json against the server: the binary serves exactly the checked-in
// document; the document lists exactly the router's routes; and a run that
// exercises every operation (and the error answers) gets bodies, statuses,
// headers and media types that match what the document declares for that
// path, method and status (tests/testing/schema_check.h).
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <vector>

#include "api/router.h"
#include "api/routes.h"
#include "notify/outbox.h"
#include "store/accounts.h"
#include "store/interviews.h"
#include "store/videos.h"
#include "testing/schema_check.h"
#include "testing/test_support.h"
#include "util/crypto.h"

namespace cammio {
namespace {

// Loops over pairs name entry.first and entry.second instead of using a
// structured binding: clang 14 (the sanitizer build) cannot capture a binding
// in the lambdas that doctest's assertions expand to.

using testing::Json;
using testing::SchemaCheck;
using testing::TestServer;

constexpr char kDocPath[] = CAMMIO_SOURCE_DIR "/docs/openapi.json";
constexpr char kStart[] = "2013-07-28T02:00:00+02:00";
constexpr char kEnd[] = "2013-09-26T02:00:00+02:00";
const char* const kMethods[] = {"get",   "put",  "post",    "delete",
                                "patch", "head", "options", "trace"};

Value LoadDocument() { return Json(testing::ReadFile(kDocPath)); }

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  return s;
}

// "/api/vacancies/:vacancy_id/invitations/:id" -> "/api/vacancies/{vacancy_id}/invitations/{id}"
std::string OpenApiPath(const std::string& pattern) {
  std::string out;
  size_t i = 0;
  while (i < pattern.size()) {
    if (pattern[i] == ':') {
      size_t end = pattern.find('/', i);
      if (end == std::string::npos) end = pattern.size();
      out += "{" + pattern.substr(i + 1, end - i - 1) + "}";
      i = end;
    } else {
      out += pattern[i++];
    }
  }
  return out;
}

// The {names} of a templated path, in order.
std::vector<std::string> TemplateNames(const std::string& path) {
  std::vector<std::string> out;
  for (size_t open = path.find('{'); open != std::string::npos; open = path.find('{', open + 1)) {
    out.push_back(path.substr(open + 1, path.find('}', open) - open - 1));
  }
  return out;
}

// The API's rows (api/routes.h). The server's other rows, the pages' and
// /metrics, are all under /public/, /recruiter/ or /metrics
// (tests/cli/routes_test.cc), which the document leaves out anyway.
const Router& ApiTable() {
  static const Router router(ApiRoutes());
  return router;
}

// The document describes the integrator API (/api/..., /healthz). Routes of
// the browser-facing pages (/public/..., authorised by their link tokens, and
// the recruiter's /recruiter/... pages) are not part of it.
bool InApiDocument(const Route& route) {
  std::string pattern = route.pattern;
  // Pages and the Prometheus text of /metrics are not API resources.
  return pattern.rfind("/public/", 0) != 0 && pattern.rfind("/recruiter/", 0) != 0 &&
         pattern != "/metrics";
}

int64_t IdOf(const Value& doc, const char* root) {
  const Value* inner = doc.Find(root);
  REQUIRE_MESSAGE(inner != nullptr, "no \"" << root << "\" in the answer");
  const Value* id = inner->Find("id");
  REQUIRE(id != nullptr);
  REQUIRE(id->type() == Value::Type::kInt);
  return id->as_int();
}

std::string Str(int64_t id) { return std::to_string(id); }

// Sends requests and checks every answer against the document.
class Api {
 public:
  Api(TestServer& server, const Value& doc)
      : doc_(doc), check_(doc), authed_(server.AuthedClient()), anon_(server.Client()) {}

  // Sends `method path` (with `body` as JSON for POST/PUT), requires the
  // status `want`, validates the answer against the document and returns its
  // parsed JSON body (null when it is not JSON). `valid_request`: the body is
  // meant to be valid, so it must also match the document's request schema.
  Value Call(const std::string& method, const std::string& path, const std::string& body, int want,
             httplib::Headers headers = {}, bool anonymous = false, bool valid_request = true) {
    httplib::ClientImpl& c = anonymous ? static_cast<httplib::ClientImpl&>(*anon_) : *authed_;
    REQUIRE_MESSAGE((method == "GET" || method == "POST" || method == "PUT" || method == "DELETE" ||
                     method == "PATCH" || method == "OPTIONS"),
                    "unsupported method " << method);
    const char* json = "application/json";
    // A PATCH carries a tus upload's bytes, not JSON.
    const char* octets = "application/offset+octet-stream";
    httplib::Result r = method == "GET"       ? c.Get(path.c_str(), headers)
                        : method == "POST"    ? c.Post(path.c_str(), headers, body, json)
                        : method == "PUT"     ? c.Put(path.c_str(), headers, body, json)
                        : method == "PATCH"   ? c.Patch(path.c_str(), headers, body, octets)
                        : method == "OPTIONS" ? c.Options(path.c_str(), headers)
                                              : c.Delete(path.c_str(), headers);
    std::string what = method + " " + path;
    REQUIRE_MESSAGE(r, what << ": no response (" << httplib::to_string(r.error()) << ")");
    CHECK_MESSAGE(r->status == want, what << " answered " << r->status << ", expected " << want
                                          << "; body: " << r->body.substr(0, 400));
    if (!body.empty() && valid_request && method != "PATCH") ValidateRequest(method, path, body);
    return ValidateResponse(method, path, *r);
  }

  const httplib::Response& last() const { return last_; }
  const std::set<std::string>& succeeded() const { return succeeded_; }
  int validated() const { return validated_; }

  // The operation object of `method path` in the document, or nullptr.
  // `template_path` is set to the document's path key.
  const Value* Operation(const std::string& method, std::string path,
                         std::string* template_path) const {
    path = path.substr(0, path.find('?'));
    RouteMatch m = ApiTable().Match(method, path);
    // Not a route as it is: the same path without its format suffix.
    for (std::string suffix : {".xml", ".json"}) {
      if (m.route == nullptr && path.size() > suffix.size() &&
          path.compare(path.size() - suffix.size(), suffix.size(), suffix) == 0) {
        m = ApiTable().Match(method, path.substr(0, path.size() - suffix.size()));
      }
    }
    if (m.route == nullptr) return nullptr;
    *template_path = OpenApiPath(m.route->pattern);
    const Value* paths = doc_.Find("paths");
    const Value* item = paths ? paths->Find(*template_path) : nullptr;
    return item ? item->Find(Lower(method)) : nullptr;
  }

 private:
  void ValidateRequest(const std::string& method, const std::string& path,
                       const std::string& body) {
    std::string tpl;
    const Value* op = Operation(method, path, &tpl);
    if (op == nullptr) return;  // reported by ValidateResponse
    const Value* rb = op->Find("requestBody");
    CHECK_MESSAGE(rb != nullptr,
                  method << " " << tpl << " takes a body the document does not declare");
    if (rb == nullptr) return;
    const Value* media = check_.Deref(*rb)->Find("content");
    media = media ? media->Find("application/json") : nullptr;
    REQUIRE_MESSAGE(media != nullptr, method << " " << tpl << ": no application/json request body");
    std::string err = check_.Validate(*media->Find("schema"), Json(body), /*strict=*/false);
    CHECK_MESSAGE(err.empty(), "request body of " << method << " " << path << " (" << tpl
                                                  << ") does not match the document at " << err);
  }

  Value ValidateResponse(const std::string& method, const std::string& path,
                         const httplib::Response& r) {
    last_ = r;
    std::string what = method + " " + path + " -> " + std::to_string(r.status);
    std::string tpl;
    const Value* response = nullptr;
    const Value* op = Operation(method, path, &tpl);
    if (op != nullptr) {
      const Value* responses = op->Find("responses");
      response = responses ? responses->Find(std::to_string(r.status)) : nullptr;
      CHECK_MESSAGE(response != nullptr, what << ": the document declares no " << r.status
                                              << " for " << method << " " << tpl);
      if (r.status >= 200 && r.status < 300) succeeded_.insert(Lower(method) + " " + tpl);
    } else {
      // Answered by the pipeline before any route: an unknown path or method.
      CHECK_MESSAGE((r.status == 404 || r.status == 405), what << ": no documented operation");
      const char* name = r.status == 405 ? "MethodNotAllowed" : "NotFound";
      response = check_.Resolve(std::string("#/components/responses/") + name);
      tpl = "(no route)";
    }
    if (response == nullptr) return Value();
    response = check_.Deref(*response);
    REQUIRE(response != nullptr);

    // Headers the document promises (Idempotent-Replayed only on replays).
    if (const Value* headers = response->Find("headers")) {
      for (const auto& entry : headers->members()) {
        const auto& name = entry.first;
        if (name == "Idempotent-Replayed") continue;
        CHECK_MESSAGE(r.has_header(name.c_str()),
                      what << ": header " << name << " is documented but missing");
      }
    }
    // The media type must be one the document lists.
    std::string type = r.get_header_value("Content-Type");
    type = type.substr(0, type.find(';'));
    const Value* content = response->Find("content");
    // A documented answer without content (204) must have no body.
    if (content == nullptr && r.status == 204) {
      CHECK_MESSAGE(r.body.empty(), what << ": a body where the document declares none");
      return Value();
    }
    REQUIRE_MESSAGE(content != nullptr, what << ": documented response has no content");
    const Value* media = content->Find(type);
    if (media == nullptr) media = content->Find("*/*");
    CHECK_MESSAGE(media != nullptr, what << ": media type " << type << " is not documented for "
                                         << method << " " << tpl << " " << r.status);
    if (media == nullptr || type != "application/json") return Value();
    auto parsed = ParseJson(r.body);
    CHECK_MESSAGE(parsed.ok(), what << ": the body is not JSON: " << r.body.substr(0, 200));
    if (!parsed.ok()) return Value();
    Value body = std::move(parsed.value());
    std::string err = check_.Validate(*media->Find("schema"), body, /*strict=*/true);
    CHECK_MESSAGE(err.empty(), what << " (" << tpl << "): the body does not match the document at "
                                    << (err.empty() ? "" : err)
                                    << "\nbody: " << r.body.substr(0, 600));
    ++validated_;
    return body;
  }

  const Value& doc_;
  SchemaCheck check_;
  std::unique_ptr<httplib::ClientImpl> authed_;
  std::unique_ptr<httplib::ClientImpl> anon_;
  httplib::Response last_;
  std::set<std::string> succeeded_;
  int validated_ = 0;
};

// The ".json" of /api/openapi.json is part of the route, not a format suffix.
TEST_CASE("openapi: GET /api/openapi.json serves docs/openapi.json without credentials") {
  std::string file = testing::ReadFile(kDocPath);
  REQUIRE_MESSAGE(!file.empty(), "cannot read " << kDocPath);
  Value doc = Json(file);
  REQUIRE(doc.Find("openapi") != nullptr);
  CHECK(doc.Find("openapi")->as_string() == "3.0.3");
  REQUIRE(doc.Find("paths") != nullptr);
  REQUIRE(doc.Find("components") != nullptr);

  TestServer server;
  auto anon = server.Client();
  auto r = anon->Get("/api/openapi.json");
  REQUIRE(r);
  CHECK(r->status == 200);
  CHECK(r->get_header_value("Content-Type") == "application/json; charset=utf-8");
  CHECK(r->has_header("X-Request-Id"));
  // The binary holds the file without its line breaks and indentation
  // (cmake/EmbedScript.cmake): the same JSON, byte for byte otherwise.
  std::string compact;
  for (size_t i = 0; i < file.size(); ++i) {
    if (file[i] != '\n') {
      compact += file[i];
      continue;
    }
    while (i + 1 < file.size() && file[i + 1] == ' ') ++i;
  }
  CHECK(r->body.size() < file.size());
  CHECK_MESSAGE(r->body == compact, "the served document differs from "
                                        << kDocPath
                                        << " (re-run cmake so the build embeds the current file)");
  CHECK(RenderJson(Json(r->body)) == RenderJson(doc));
}

TEST_CASE("openapi: the document lists exactly the router's routes") {
  Value doc = LoadDocument();
  SchemaCheck check(doc);
  const Value& paths = *doc.Find("paths");
  std::set<std::string> routed;  // "get /api/vacancies/{id}"
  for (const Route& route : ApiTable().routes()) {
    if (!InApiDocument(route)) continue;
    std::string path = OpenApiPath(route.pattern);
    std::string method = Lower(route.method);
    routed.insert(method + " " + path);
    const Value* item = paths.Find(path);
    CHECK_MESSAGE(item != nullptr, "route " << std::string(route.method) << " "
                                            << std::string(route.pattern) << " is missing: no path "
                                            << path);
    if (item == nullptr) continue;
    const Value* op = item->Find(method);
    CHECK_MESSAGE(op != nullptr, "route " << std::string(route.method) << " "
                                          << std::string(route.pattern) << " is missing: no "
                                          << method << " under " << path);
    if (op == nullptr) continue;
    // Authentication as the router requires it: `security: []` exactly on the open routes.
    const Value* security = op->Find("security");
    bool open = security != nullptr && security->is_array() && security->items().empty();
    CHECK_MESSAGE(open == !route.authenticated,
                  method << " " << path << ": the document's security does not match the router");
    // Every authenticated POST accepts Idempotency-Key.
    if (method == "post" && route.authenticated) {
      bool idem = false;
      if (const Value* ps = op->Find("parameters")) {
        for (const Value& p : ps->items()) {
          const Value* d = check.Deref(p);
          idem =
              idem || (d && d->Find("name") && d->Find("name")->as_string() == "Idempotency-Key");
        }
      }
      CHECK_MESSAGE(idem, "post " << path << " does not document Idempotency-Key");
    }
  }
  // No phantom endpoints, and every {name} of a path is declared as a path parameter.
  for (const auto& entry : paths.members()) {
    const auto& path = entry.first;
    const auto& item = entry.second;
    std::set<std::string> declared;
    auto collect = [&](const Value* params) {
      if (params == nullptr) return;
      for (const Value& p : params->items()) {
        const Value* d = check.Deref(p);
        REQUIRE_MESSAGE(d != nullptr, path << ": unresolvable parameter");
        if (d->Find("in")->as_string() == "path") declared.insert(d->Find("name")->as_string());
      }
    };
    collect(item.Find("parameters"));
    for (const char* method : kMethods) {
      const Value* op = item.Find(method);
      if (op == nullptr) continue;
      CHECK_MESSAGE(routed.count(std::string(method) + " " + path) == 1,
                    "phantom endpoint: the document has " << std::string(method) << " " << path
                                                          << " but the router does not");
      std::set<std::string> names = declared;
      collect(op->Find("parameters"));
      std::vector<std::string> wanted = TemplateNames(path);
      CHECK_MESSAGE(declared == std::set<std::string>(wanted.begin(), wanted.end()),
                    std::string(method)
                        << " " << path << ": path parameters do not match the template");
      declared = names;
    }
  }
}

// Walks the document: every "$ref" must resolve.
void CheckRefs(const SchemaCheck& check, const Value& v, const std::string& at) {
  if (v.is_object()) {
    for (const auto& entry : v.members()) {
      const auto& key = entry.first;
      const auto& member = entry.second;
      if (key == "$ref") {
        CHECK_MESSAGE((member.is_string() && check.Resolve(member.as_string()) != nullptr),
                      "dangling $ref at " << at << ": " << member.as_string());
      } else {
        CheckRefs(check, member, at + "/" + SchemaCheck::Escape(key));
      }
    }
  } else if (v.is_array()) {
    for (size_t i = 0; i < v.items().size(); ++i) CheckRefs(check, v.items()[i], at + "/" + Str(i));
  }
}

TEST_CASE("openapi: every $ref resolves and every operation declares its answers") {
  Value doc = LoadDocument();
  SchemaCheck check(doc);
  CheckRefs(check, doc, "");
  for (const auto& [path, item] : doc.Find("paths")->members()) {
    for (const char* method : kMethods) {
      const Value* op = item.Find(method);
      if (op == nullptr) continue;
      std::string what = std::string(method) + " " + path;
      const Value* responses = op->Find("responses");
      REQUIRE_MESSAGE(responses != nullptr, what);
      bool success = false;
      for (const auto& entry : responses->members()) {
        const auto& status = entry.first;
        const auto& resp = entry.second;
        success = success || status[0] == '2';
        const Value* d = check.Deref(resp);
        REQUIRE_MESSAGE(d != nullptr, what << " " << status);
        const Value* headers = d->Find("headers");
        CHECK_MESSAGE((headers != nullptr && headers->Find("X-Request-Id") != nullptr),
                      what << " " << status << " does not document X-Request-Id");
        if (status[0] == '4' || status[0] == '5') {
          const Value* json =
              d->Find("content") ? d->Find("content")->Find("application/json") : nullptr;
          REQUIRE_MESSAGE(json != nullptr, what << " " << status);
          const Value* schema = json->Find("schema");
          CHECK_MESSAGE((schema->Find("$ref") &&
                         schema->Find("$ref")->as_string() == "#/components/schemas/Error"),
                        what << " " << status << " is not the Error schema");
        }
      }
      CHECK_MESSAGE(success, what << " declares no 2xx answer");
      bool is_list = path.find("{id}") == std::string::npos &&
                     path.find("openapi") == std::string::npos &&
                     path.find("forward_url") == std::string::npos &&
                     path.find("videos") == std::string::npos && path != "/healthz" &&
                     path.find("/settings/") == std::string::npos && std::string(method) == "get";
      if (is_list) {
        const Value* ok = check.Deref(*responses->Find("200"));
        CHECK_MESSAGE(ok->Find("headers")->Find("X-Total-Count") != nullptr,
                      what << " is a list without X-Total-Count");
      }
    }
  }
}

TEST_CASE("openapi: the schema checker names the JSON pointer of a mismatch") {
  Value doc = LoadDocument();
  SchemaCheck check(doc);
  const Value& vacancy_doc = *check.Resolve("#/components/schemas/VacancyDoc");
  const Value& error_doc = *check.Resolve("#/components/schemas/Error");
  Value err = Json(R"({"error": {"code": 412, "message": "Precondition failed", "details": "x"}})");
  CHECK(check.Validate(error_doc, err, true).empty());
  CHECK(check.Validate(error_doc,
                       Json(R"({"error": {"code": "412", "message": "m", "details": "x"}})"),
                       true) == "/error/code: expected integer, got string");
  CHECK(check.Validate(error_doc, Json(R"({"error": {"code": 412, "message": "m"}})"), true) ==
        "/error: missing required property \"details\"");
  CHECK(check.Validate(error_doc,
                       Json(R"({"error": {"code": 1, "message": "m", "details": null}})"),
                       true) == "/error/details: expected string (not nullable), got null");
  CHECK(check.Validate(error_doc,
                       Json(R"({"error": {"code": 1, "message": "m", "details": "d", "x/y": 1}})"),
                       true) == "/error/x~1y: property not described by the schema");
  CHECK(check
            .Validate(error_doc,
                      Json(R"({"error": {"code": 1, "message": "m", "details": "d", "x": 1}})"),
                      false)
            .empty());
  CHECK(check.Validate(vacancy_doc, Json(R"([])"), true) == "(root): expected object, got array");
  const Value& result = *check.Resolve("#/components/schemas/DeleteResult");
  CHECK(check.Validate(result, Json(R"({"result": "VACANCY_DELETED"})"), true).empty());
  CHECK(check.Validate(result, Json(R"({"result": "GONE"})"), true) ==
        "/result: \"GONE\" is not one of the enum values");
  const Value& question = *check.Resolve("#/components/schemas/QuestionDoc");
  CHECK(check.Validate(question,
                       Json(R"({"question": {"id": 1, "index": 1, "title": "t", "text": null,
      "video_id": null, "answering_time": null, "required": 2}})"),
                       true) == "/question/required: 2 is not one of the enum values");
  // oneOf: one object or a list of them, nothing else.
  Value one_of =
      Json(R"({"oneOf": [{"$ref": "#/components/schemas/DeleteResult"}, {"type": "array"}]})");
  CHECK(check.Validate(one_of, Json("[]"), true).empty());
  CHECK(check.Validate(one_of, Json("7"), true).find("(root): matches none of oneOf") == 0);
  CHECK(check.Validate(Json(R"({"$ref": "#/components/schemas/Nope"})"), Json("1"), true) ==
        "(root): unresolvable $ref #/components/schemas/Nope");
}

// Media files for the interview's recording and thumbnail.
int64_t AddMedia(TestServer& server, const std::string& name, const std::string& type,
                 const std::string& kind, const std::string& bytes) {
  std::string dir = server.data_dir() + "/media";
  std::filesystem::create_directories(dir);
  {
    std::ofstream out(dir + "/" + name, std::ios::binary);
    out << bytes;
  }
  MediaFile f;
  f.account_id = server.creds().account_id;
  f.kind = kind;
  f.path = name;
  f.content_type = type;
  f.size = static_cast<int64_t>(bytes.size());
  f.created_at = server.clock().Now();
  REQUIRE(server.store().Write([&](Db& db) { return InsertMediaFile(db, &f); }).ok());
  return f.id;
}

TEST_CASE("openapi: a run over every operation answers what the document declares") {
  Value doc = LoadDocument();
  TestServer server;
  Api api(server, doc);

  // --- meta
  api.Call("GET", "/healthz", "", 200, {}, /*anonymous=*/true);
  // GET /api/openapi.json has its own test case (it is broken, see there).

  // --- vacancies
  Value v = api.Call("POST", "/api/vacancies",
                     std::string(R"({"vacancy": {
      "title": "Automated developer", "datetime_start": ")") +
                         kStart + R"(", "datetime_end": ")" + kEnd +
                         R"(", "reference_id": "CA-1", "language": "nl", "cv_upload_required": true,
      "questions": [{"question": {"title": "Why do you apply?"}},
                    {"title": "What is your motivation?", "required": "no", "answering_time": "1 minute"}]}})",
                     201);
  const int64_t auto_id = IdOf(v, "vacancy");
  v = api.Call("POST", "/api/vacancies",
               std::string(R"({"vacancy": {"title": "Live interviewer",
      "kind": "live", "scope": "public", "datetime_start": ")") +
                   kStart + R"(", "datetime_end": ")" + kEnd + R"("}})",
               201);
  const int64_t live_id = IdOf(v, "vacancy");
  v = api.Call("POST", "/api/vacancies",
               std::string(R"([{"vacancy": {"title": "Template",
      "use_as_template": "yes", "datetime_start": ")") +
                   kStart + R"(", "datetime_end": ")" + kEnd +
                   R"(", "questions": [{"title": "Tell us about yourself"}]}},
      {"vacancy": {"title": "To delete", "datetime_start": "2014-01-01", "datetime_end": "2014-02-01"}}])",
               201);
  REQUIRE(v.is_array());
  REQUIRE(v.items().size() == 2);
  const int64_t template_id = IdOf(v.items()[0], "vacancy");
  const int64_t doomed_id = IdOf(v.items()[1], "vacancy");
  api.Call(
      "POST", "/api/vacancies",
      R"({"vacancy": {"template_id": )" + Str(template_id) +
          R"(, "datetime_start": "2014-03-01T09:00:00Z", "datetime_end": "2014-04-01T09:00:00Z"}})",
      201);
  // Idempotency-Key: a replay answers the stored 201, another body with the key is 409.
  std::string once = std::string(R"({"vacancy": {"title": "Once", "datetime_start": ")") + kStart +
                     R"(", "datetime_end": ")" + kEnd + R"("}})";
  api.Call("POST", "/api/vacancies", once, 201, {{"Idempotency-Key", "openapi-once"}});
  api.Call("POST", "/api/vacancies", once, 201, {{"Idempotency-Key", "openapi-once"}});
  CHECK(api.last().get_header_value("Idempotent-Replayed") == "true");
  api.Call("POST", "/api/vacancies", R"({"vacancy": {"title": "Other"}})", 409,
           {{"Idempotency-Key", "openapi-once"}}, false, /*valid_request=*/false);
  api.Call("POST", "/api/vacancies", once, 400, {{"Idempotency-Key", "with space"}}, false, false);

  api.Call("GET", "/api/vacancies", "", 200);
  api.Call("GET", "/api/vacancies?templates=true&limit=10&offset=0", "", 200);
  api.Call("GET",
           "/api/vacancies?active=false&from=2013-01-01&to=2014-12-31&updated_since=2000-01-01", "",
           200);
  api.Call("GET", "/api/vacancies/" + Str(auto_id), "", 200);
  api.Call("PUT", "/api/vacancies/" + Str(auto_id),
           R"({"vacancy": {"title": "Automated developer m/f", "num_of_retries": 2,
               "play_test_question": "yes", "external_info_url": "https://jobs.test/1"}})",
           200);
  api.Call("DELETE", "/api/vacancies/" + Str(doomed_id), "", 200);

  // --- invitations
  v = api.Call("POST", "/api/invitations",
               R"({"invitation": {"vacancy_id": )" + Str(auto_id) +
                   R"(, "candidate_email": "nelson@cammio.test", "candidate_firstname": "Nelson",
          "candidate_lastname": "Mandela", "candidate_gender": "male", "candidate_phone": 123456789,
          "callback_params": {"employee_id": "12345", "attempt": 7, "flag": true, "none": null},
          "redirect_url": "https://ats.test/done"}})",
               201);
  const int64_t inv_auto = IdOf(v, "invitation");
  const std::string live = "/api/vacancies/" + Str(live_id);
  v = api.Call("POST", live + "/invitations", R"({"invitation": {"datetime_scheduled":
      "2013-07-29T00:00:00+02:00", "candidate_email": "john@cammio.test", "candidate_name": "John Lennon"}})",
               201);
  const int64_t inv_live = IdOf(v, "invitation");
  v = api.Call("POST", "/api/invitations",
               R"({"invitation": {"vacancy_id": )" + Str(auto_id) +
                   R"(, "candidate_email": "gone@cammio.test", "candidate_name": "Gone Soon"}})",
               201);
  const int64_t inv_gone = IdOf(v, "invitation");
  v = api.Call(
      "POST", "/api/vacancies/" + Str(auto_id) + "/invitations",
      R"({"invitation": {"candidate_email": "gone2@cammio.test", "candidate_name": "Gone Too"}})",
      201);
  const int64_t inv_gone2 = IdOf(v, "invitation");

  // The import: all rows (201), a refused row (412) and a malformed one (400).
  const std::string import = "/api/vacancies/" + Str(auto_id) + "/invitations/import";
  api.Call("POST", import, R"({"invitations": [
      {"candidate_email": "imported1@cammio.test", "candidate_name": "Imported One"},
      {"invitation": {"candidate_email": "imported2@cammio.test", "candidate_firstname": "Imported",
       "candidate_phone": 612345678, "callback_params": {"row": 2}}}]})",
           201);
  api.Call("POST", import, R"({"invitations": [
      {"candidate_email": "imported3@cammio.test", "candidate_name": "Imported Three"},
      {"candidate_name": "No Address"}]})",
           412, {}, false, false);
  api.Call("POST", import, R"({"invitations": [42]})", 400, {}, false, false);
  api.Call("POST", import, R"({"invitations": "none"})", 400, {}, false, false);
  api.Call("GET", "/api/invitations", "", 200);
  api.Call(
      "GET",
      "/api/invitations?limit=1&offset=1&from=2013-01-01&to=2013-12-31&updated_since=2000-01-01",
      "", 200);
  api.Call("GET", "/api/invitations/" + Str(inv_auto), "", 200);
  api.Call("GET", live + "/invitations", "", 200);
  api.Call("GET", live + "/invitations/" + Str(inv_live), "", 200);
  api.Call("PUT", "/api/invitations/" + Str(inv_auto),
           R"({"invitation": {"candidate_phone": "+31 6 0000 0000"}})", 200);
  api.Call(
      "PUT", live + "/invitations/" + Str(inv_live),
      R"({"invitation": {"datetime_scheduled": "2013-07-30T10:00:00+02:00", "interviewer_name": "Bas"}})",
      200);
  api.Call("POST", "/api/invitations/" + Str(inv_auto) + "/resend", "", 202);
  api.Call("POST", live + "/invitations/" + Str(inv_live) + "/resend", "", 202);
  api.Call("DELETE", "/api/invitations/" + Str(inv_gone), "", 200);
  api.Call("DELETE", "/api/vacancies/" + Str(auto_id) + "/invitations/" + Str(inv_gone2), "", 200);

  // --- guests (live vacancies only)
  const std::string guests = "/api/invitations/" + Str(inv_live) + "/guests";
  const std::string nested_guests = live + "/invitations/" + Str(inv_live) + "/guests";
  v = api.Call("POST", guests, R"({"guest": {"name": "Hillary", "email": "hillary@cammio.test"}})",
               201);
  const int64_t g1 = IdOf(v, "guest");
  v = api.Call("POST", nested_guests, R"({"guest": {"name": "Bill", "email": "bill@cammio.test"}})",
               201);
  const int64_t g2 = IdOf(v, "guest");
  api.Call("GET", guests, "", 200);
  api.Call("GET", guests + "?limit=1&offset=1", "", 200);
  api.Call("GET", nested_guests, "", 200);
  api.Call("GET", guests + "/" + Str(g1), "", 200);
  api.Call("GET", nested_guests + "/" + Str(g2), "", 200);
  api.Call("PUT", guests + "/" + Str(g1), R"({"guest": {"name": "Hillary Clinton"}})", 200);
  api.Call("PUT", nested_guests + "/" + Str(g2),
           R"({"guest": {"email": "bill.clinton@cammio.test"}})", 200);
  api.Call("GET", "/api/invitations/" + Str(inv_live), "", 200);  // guests embedded
  api.Call("GET", live + "/invitations/" + Str(inv_live), "", 200);
  api.Call("GET", "/api/vacancies/" + Str(live_id), "", 200);  // an open invitation embedded
  api.Call("DELETE", guests + "/" + Str(g1), "", 200);
  api.Call("DELETE", nested_guests + "/" + Str(g2), "", 200);

  // --- an interview, made through the candidate flow's internal service
  std::string video_bytes(1000, 'v');
  const int64_t video_id = AddMedia(server, "rec1.webm", "video/webm", "recording", video_bytes);
  const int64_t thumb_id = AddMedia(server, "thumb1.jpg", "image/jpeg", "thumbnail", "JPEGDATA");
  int64_t interview_id = 0;
  Completion done;
  done.started_at = server.clock().Now() - 100;
  done.ended_at = server.clock().Now() - 10;
  Recording first;
  first.index = 1;
  first.title = "Why do you apply?";
  first.video_id = video_id;
  first.thumbnail_id = thumb_id;
  Recording second;
  second.index = 2;
  second.title = "What is your motivation?";
  second.required = false;
  done.recordings = {first, second};
  REQUIRE(server.store()
              .Write([&](Db& db) { return CompleteInvitation(db, inv_auto, done, &interview_id); })
              .ok());
  REQUIRE(interview_id > 0);

  const std::string flat = "/api/interviews/" + Str(interview_id);
  const std::string nested = "/api/vacancies/" + Str(auto_id) + "/interviews/" + Str(interview_id);
  api.Call("GET", "/api/interviews", "", 200);
  api.Call("GET", "/api/interviews?limit=5&offset=0&from=2023-01-01&to=2030-01-01", "", 200);
  api.Call("GET", "/api/vacancies/" + Str(auto_id) + "/interviews", "", 200);

  v = api.Call(
      "POST", flat + "/reviewers",
      R"({"reviewer": {"name": "Robert de Niro", "phone": 1234567890, "email": "robert@cammio.test"}})",
      201);
  const int64_t r1 = IdOf(v, "reviewer");
  v = api.Call("POST", nested + "/reviewers",
               R"({"reviewer": {"name": "Billy Bob", "email": "billy@cammio.test"}})", 201);
  const int64_t r2 = IdOf(v, "reviewer");
  api.Call("GET", flat + "/reviewers", "", 200);
  api.Call("GET", nested + "/reviewers?limit=1", "", 200);
  api.Call("GET", flat + "/reviewers/" + Str(r1), "", 200);
  api.Call("GET", nested + "/reviewers/" + Str(r2), "", 200);
  api.Call("PUT", flat + "/reviewers/" + Str(r1), R"({"reviewer": {"phone": "+31 85 401 3118"}})",
           200);
  api.Call("PUT", nested + "/reviewers/" + Str(r2),
           R"({"reviewer": {"name": "Billy Bob Thornton"}})", 200);

  v = api.Call("POST", flat + "/reviews",
               R"({"review": {"rating": 4, "remarks": "Strong candidate!"}})", 201);
  const int64_t rv1 = IdOf(v, "review");
  v = api.Call("POST", nested + "/reviews", R"({"review": {"rating": 2}})", 201);
  const int64_t rv2 = IdOf(v, "review");
  api.Call("GET", flat + "/reviews", "", 200);
  api.Call("GET", nested + "/reviews?offset=1", "", 200);
  api.Call("GET", flat + "/reviews/" + Str(rv1), "", 200);
  api.Call("GET", nested + "/reviews/" + Str(rv2), "", 200);

  // Detail views with everything embedded.
  api.Call("GET", flat, "", 200);
  api.Call("GET", nested, "", 200);
  api.Call("GET", "/api/vacancies/" + Str(auto_id), "", 200);
  api.Call("GET", "/api/invitations/" + Str(inv_auto), "", 200);  // completed

  api.Call("GET", flat + "/forward_url", "", 200);
  api.Call("GET", nested + "/forward_url", "", 200);

  api.Call("DELETE", flat + "/reviewers/" + Str(r1), "", 200);
  api.Call("DELETE", nested + "/reviewers/" + Str(r2), "", 200);
  api.Call("DELETE", flat + "/reviews/" + Str(rv1), "", 200);
  api.Call("DELETE", nested + "/reviews/" + Str(rv2), "", 200);

  // --- media, whole and in parts
  api.Call("GET", "/api/videos/" + Str(video_id), "", 200);
  CHECK(api.last().body == video_bytes);
  CHECK(api.last().get_header_value("Content-Type") == "video/webm");
  api.Call("GET", "/api/videos/" + Str(video_id), "", 206, {{"Range", "bytes=0-9"}});
  CHECK(api.last().body == video_bytes.substr(0, 10));
  api.Call("GET", "/api/videos/" + Str(video_id), "", 416, {{"Range", "bytes=9-1"}});
  api.Call("GET", "/api/videos/" + Str(thumb_id + 1000), "", 404);

  // --- a recruiter's video for vacancies: tus upload in two PATCHes, attached
  const std::string webm = std::string("\x1A\x45\xDF\xA3", 4) + std::string(60, 'w');
  const httplib::Headers tus = {{"Tus-Resumable", "1.0.0"}};
  api.Call("OPTIONS", "/api/uploads", "", 204);
  httplib::Headers create = tus;
  create.emplace("Upload-Length", Str(static_cast<int64_t>(webm.size())));
  create.emplace("Upload-Metadata", "filetype dmlkZW8vd2VibQ==");  // video/webm
  v = api.Call("POST", "/api/uploads", "", 201, create);
  const int64_t upload_id = IdOf(v, "upload");
  CHECK(api.last().get_header_value("Location") == "/api/uploads/" + Str(upload_id));
  const std::string upload = "/api/uploads/" + Str(upload_id);
  httplib::Headers at0 = tus;
  at0.emplace("Upload-Offset", "0");
  api.Call("PATCH", upload, webm.substr(0, 10), 204, at0);
  api.Call("GET", upload, "", 200);
  CHECK(api.last().get_header_value("Upload-Offset") == "10");
  httplib::Headers at10 = tus;
  at10.emplace("Upload-Offset", "10");
  api.Call("PATCH", upload, webm.substr(10), 204, at10);
  v = api.Call("GET", upload, "", 200);
  const int64_t intro_id = v.Find("upload")->Find("video_id")->as_int();
  api.Call("PATCH", upload, "x", 409, at10);
  api.Call("GET", "/api/uploads/999999", "", 404);
  const std::string vac = "/api/vacancies/" + Str(auto_id);
  v = api.Call("PUT", vac + "/video", R"({"upload_id": )" + Str(upload_id) + "}", 200);
  CHECK(v.Find("vacancy")->Find("intro_video_id")->as_int() == intro_id);
  v = api.Call("GET", vac, "", 200);
  const int64_t question_id =
      v.Find("vacancy")->Find("questions")->items()[0].Find("question")->Find("id")->as_int();
  const std::string qv = vac + "/questions/" + Str(question_id) + "/video";
  api.Call("PUT", qv, R"({"video": {"video_id": )" + Str(intro_id) + "}}", 200);
  api.Call("PUT", qv, R"({"video_id": )" + Str(video_id) + "}", 412);  // a candidate's recording
  api.Call("PUT", qv, R"({"video_id": 999999})", 404);
  api.Call("DELETE", qv, "", 200);
  api.Call("DELETE", vac + "/video", "", 200);

  // --- XML answers carry a documented media type
  api.Call("GET", "/api/vacancies.xml", "", 200);
  CHECK(api.last().get_header_value("Content-Type") == "application/xml; charset=utf-8");
  api.Call("GET", flat + ".xml", "", 200);
  api.Call("GET", "/api/vacancies/999999.xml", "", 404);
  CHECK(api.last().get_header_value("Content-Type") == "application/xml; charset=utf-8");

  // --- notifications (no sender runs here: the delivery stays pending)
  api.Call("GET", "/api/settings/notifications", "", 200);
  api.Call("PUT", "/api/settings/notifications",
           R"({"notification_settings": {"host": "localhost:9", "ssl": false,
               "endpoint": "/hook/{{employee_id}}", "timeout_seconds": 1,
               "generate_signing_secret": true}})",
           200);
  api.Call("POST", "/api/settings/notifications/test",
           R"({"notification_test": {"callback_params": {"employee_id": "1"}}})", 200);
  REQUIRE(server.store()
              .Write([&](Db& db) {
                return EnqueueCompletionNotification(
                    db, interview_id, PublicLinks("https://cammio.test"), server.clock().Now());
              })
              .ok());
  v = api.Call("GET", "/api/notifications", "", 200);
  REQUIRE(v.is_array());
  REQUIRE(v.items().size() == 1);
  const int64_t note_id = IdOf(v.items()[0], "notification");
  api.Call("GET", "/api/notifications/" + Str(note_id), "", 200);
  api.Call("POST", "/api/notifications/" + Str(note_id) + "/redeliver", "", 200);
  api.Call("GET", "/api/notifications/999999", "", 404);
  api.Call("PUT", "/api/settings/notifications",
           R"({"notification_settings": {"method": "DELETE"}})", 412);

  // --- error answers
  api.Call("GET", "/api/vacancies/999999", "", 404);
  api.Call("GET", live + "/invitations/" + Str(inv_auto), "", 404);  // a child of another vacancy
  api.Call("GET", "/api/vacancies/999999/interviews", "", 404);
  api.Call("GET", flat + "/reviews/999999", "", 404);
  api.Call("POST", "/api/invitations", R"({"invitation": {"vacancy_id": 999999,
      "candidate_email": "x@cammio.test", "candidate_name": "X"}})",
           404);
  api.Call("GET", "/api/no-such-thing", "", 404);
  api.Call("DELETE", "/api/vacancies", "", 405);
  CHECK(api.last().get_header_value("Allow") == "GET, POST");
  api.Call("GET", "/api/vacancies", "", 403, {}, /*anonymous=*/true);
  api.Call("POST", "/api/vacancies", "{not json", 400, {}, false, false);
  api.Call("GET", "/api/vacancies?limt=1", "", 400);
  api.Call("GET", guests + "?limit=-1", "", 400);
  api.Call("POST", flat + "/reviews", R"({"review": {"rating": "5"}})", 400, {}, false, false);
  api.Call("POST", "/api/vacancies", R"({"vacancy": {"title": "No dates"}})", 412);
  api.Call("POST", flat + "/reviews", R"({"review": {"rating": 9}})", 412, {}, false, false);
  api.Call("POST", "/api/invitations/" + Str(inv_auto) + "/guests",
           R"({"guest": {"name": "Nobody", "email": "nobody@cammio.test"}})", 412);  // not live
  api.Call("PUT", "/api/invitations/" + Str(inv_auto),
           R"({"invitation": {"candidate_name": "Late"}})", 412);
  api.Call("DELETE", "/api/invitations/" + Str(inv_auto), "", 412);            // completed
  api.Call("POST", "/api/invitations/" + Str(inv_auto) + "/resend", "", 412);  // completed
  api.Call("DELETE", "/api/vacancies/" + Str(auto_id), "", 412);               // has an interview
  api.Call("POST", "/api/vacancies", std::string(1200 * 1024, ' '), 413, {}, false, false);

  // --- every documented operation answered successfully at least once
  for (const auto& entry : doc.Find("paths")->members()) {
    const auto& path = entry.first;
    const auto& item = entry.second;
    for (const char* method : kMethods) {
      if (item.Find(method) == nullptr || path == "/api/openapi.json") continue;
      CHECK_MESSAGE(
          api.succeeded().count(std::string(method) + " " + path) == 1,
          "the run never exercised " << std::string(method) << " " << path << " successfully");
    }
  }
  MESSAGE("validated " << api.validated() << " JSON answers against docs/openapi.json");
}

// RFC 9110 14.1.2 / 15.5.17: a last position past the end is clamped (206), a
// first position past the end is 416 with "Content-Range: bytes */SIZE".
TEST_CASE("openapi: a Range reaching past the end of a media file is answered") {
  Value doc = LoadDocument();
  TestServer server;
  Api api(server, doc);
  std::string bytes(1000, 'v');
  const int64_t video_id = AddMedia(server, "clip.webm", "video/webm", "recording", bytes);
  api.Call("GET", "/api/videos/" + Str(video_id), "", 206, {{"Range", "bytes=990-1999"}});
  CHECK(api.last().body == bytes.substr(990));
  CHECK(api.last().get_header_value("Content-Range") == "bytes 990-999/1000");
  api.Call("GET", "/api/videos/" + Str(video_id), "", 416, {{"Range", "bytes=5000-6000"}});
}

TEST_CASE("openapi: authentication failures answer the documented errors") {
  Value doc = LoadDocument();
  TestServer server;
  Api api(server, doc);
  // A disabled account: 401.
  testing::Credentials other = server.NewAccount("Disabled Agency", "disabled@agency.test");
  REQUIRE(server.store()
              .Write([&](Db& db) { return SetAccountDisabled(db, other.account_id, true); })
              .ok());
  {
    auto client = server.AuthedClient(other);
    auto r = client->Get("/api/vacancies");
    REQUIRE(r);
    CHECK(r->status == 401);
  }
  std::string basic_other = "Basic " + Base64Encode(other.email + ":" + other.token);
  api.Call("GET", "/api/vacancies", "", 401, {{"Authorization", basic_other}}, /*anonymous=*/true);
  // The seed's header name works as an alias.
  const testing::Credentials& me = server.creds();
  std::string basic_me = "Basic " + Base64Encode(me.email + ":" + me.token);
  api.Call("GET", "/api/vacancies", "", 200, {{"Authentication", basic_me}}, true);
  // Wrong tokens: 403, then 429 with Retry-After once the bucket is empty.
  std::string wrong = "Basic " + Base64Encode(me.email + ":cmo_wrong");
  int status = 0;
  for (int i = 0; i < 30 && status != 429; ++i) {
    auto r = server.Client()->Get("/api/vacancies", {{"Authorization", wrong}});
    REQUIRE(r);
    status = r->status;
    CHECK((status == 403 || status == 429));
  }
  REQUIRE(status == 429);
  api.Call("GET", "/api/vacancies", "", 429, {{"Authorization", wrong}}, true);
  api.Call("POST", "/api/vacancies", "{}", 429, {{"Authorization", wrong}}, true, false);
  // The right token is never refused for others' failures.
  api.Call("GET", "/api/vacancies", "", 200, {{"Authorization", basic_me}}, true);
  // /healthz still needs nothing.
  api.Call("GET", "/healthz", "", 200, {}, true);
}

}  // namespace
}  // namespace cammio
