// Helpers shared by the contract tests (tests/api/contract_*_test.cc): a small
// HTTP client over TestServer's TLS client that returns plain values, typed
// accessors on response documents, XML inspection with tinyxml2, and builders
// for the resources the tests need (vacancies, invitations, completed
// interviews, media files).
//
// Header-only (tests/CMakeLists.txt compiles test_support.cc and *_test.cc
// only), so every function is inline.
#pragma once

#include <doctest/doctest.h>
#include <tinyxml2.h>

#include <cctype>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "api/errors.h"
#include "cammio/document.h"
#include "format/render.h"
#include "store/interviews.h"
#include "store/invitations.h"
#include "store/migrate.h"
#include "store/store.h"
#include "store/videos.h"
#include "testing/test_support.h"

namespace cammio::testing {

// The seed's POST /api/vacancies request example, verbatim.
inline constexpr char kSeedVacancyPost[] = R"([
  {
    "vacancy": {
      "answering_time": null,
      "cv_upload_required": null,
      "datetime_end": "2013-09-26T02:00:00+02:00",
      "datetime_start": "2013-07-28T02:00:00+02:00",
      "external_info_url": null,
      "generic_invitation_text": null,
      "id": 3474,
      "kind": "live",
      "language": "nl",
      "num_of_interviews": 0,
      "num_of_invitations": 0,
      "num_of_retries": null,
      "play_test_question": null,
      "recruiter_email": "bas@cammio.me",
      "recruiter_id": 10682,
      "recruiter_name": "Bas Dirkse",
      "recruiter_phone": "+31681526285",
      "reference_id": "CA001-202",
      "scope": "private",
      "title": "REST API developer",
      "use_as_template": "no"
    }
  }
])";

inline constexpr char kJsonType[] = "application/json; charset=utf-8";
inline constexpr char kXmlType[] = "application/xml; charset=utf-8";
inline constexpr char kXmlDecl[] = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>";
inline constexpr char kPublicUrl[] = "https://cammio.test";
inline constexpr char kStart[] = "2013-07-28T02:00:00+02:00";
inline constexpr char kEnd[] = "2013-09-26T02:00:00+02:00";
// An id no test ever reaches.
inline constexpr int64_t kMissingId = 987654;

// ------------------------------------------------------------------ HTTP

struct Resp {
  int status = 0;  // 0: no response (transport error)
  std::string body;
  httplib::Headers headers;

  std::string Header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? std::string() : it->second;
  }
  bool HasHeader(const std::string& name) const { return headers.find(name) != headers.end(); }
};

inline std::ostream& operator<<(std::ostream& os, const Resp& r) {
  return os << r.status << " " << r.body;
}

// One account's view of the API. Keeps one kept-alive TLS connection.
class Api {
 public:
  Api(const TestServer& server, const Credentials& creds) : cli_(server.AuthedClient(creds)) {}
  explicit Api(const TestServer& server) : cli_(server.AuthedClient()) {}

  Resp Get(const std::string& path, const httplib::Headers& h = {}) {
    return Send("GET", path, "", "", h);
  }
  Resp Post(const std::string& path, const std::string& body,
            const std::string& content_type = "application/json", const httplib::Headers& h = {}) {
    return Send("POST", path, body, content_type, h);
  }
  Resp Put(const std::string& path, const std::string& body,
           const std::string& content_type = "application/json", const httplib::Headers& h = {}) {
    return Send("PUT", path, body, content_type, h);
  }
  Resp Delete(const std::string& path, const httplib::Headers& h = {}) {
    return Send("DELETE", path, "", "", h);
  }
  // XML bodies go to the .xml path the caller gives.
  Resp PostXml(const std::string& path, const std::string& body, const httplib::Headers& h = {}) {
    return Send("POST", path, body, "application/xml", h);
  }
  Resp PutXml(const std::string& path, const std::string& body) {
    return Send("PUT", path, body, "application/xml", {});
  }

  Resp Send(const std::string& method, const std::string& path, const std::string& body,
            const std::string& content_type, const httplib::Headers& h) {
    httplib::Result r = Raw(method, path, body, content_type, h);
    Resp out;
    INFO(method << " " << path << ": transport error " << httplib::to_string(r.error()));
    REQUIRE(r);
    out.status = r->status;
    out.body = r->body;
    out.headers = r->headers;
    return out;
  }

 private:
  httplib::Result Raw(const std::string& method, const std::string& path, const std::string& body,
                      const std::string& content_type, const httplib::Headers& h) {
    const char* ct = content_type.empty() ? "application/json" : content_type.c_str();
    if (method == "POST") return cli_->Post(path, h, body, ct);
    if (method == "PUT") return cli_->Put(path, h, body, ct);
    if (method == "PATCH") return cli_->Patch(path, h, body, ct);
    if (method == "DELETE")
      return body.empty() ? cli_->Delete(path, h) : cli_->Delete(path, h, body, ct);
    if (method == "PATCH") return cli_->Patch(path, h, body, ct);
    if (method == "OPTIONS") return cli_->Options(path, h);
    if (method == "HEAD") return cli_->Head(path, h);
    REQUIRE(method == "GET");
    return cli_->Get(path, h);
  }

  std::unique_ptr<httplib::ClientImpl> cli_;
};

// ------------------------------------------------------------------ JSON documents

inline const Value& At(const Value& v, std::string_view key) {
  const Value* p = v.Find(key);
  INFO("missing member: " << std::string(key) << " in " << RenderJson(v));
  REQUIRE(p != nullptr);
  return *p;
}

inline bool HasMember(const Value& v, std::string_view key) { return v.Find(key) != nullptr; }

inline std::string Str(const Value& v, std::string_view key) {
  const Value& m = At(v, key);
  INFO("member " << std::string(key) << " is not a string: " << RenderJson(v));
  REQUIRE(m.is_string());
  return m.as_string();
}

inline int64_t Int(const Value& v, std::string_view key) {
  const Value& m = At(v, key);
  INFO("member " << std::string(key) << " is not an integer: " << RenderJson(v));
  REQUIRE(m.type() == Value::Type::kInt);
  return m.as_int();
}

inline bool IsNull(const Value& v, std::string_view key) { return At(v, key).is_null(); }

// The document of a response with `status` and a JSON content type.
inline Value Doc(const Resp& r, int status) {
  INFO("response: " << r);
  REQUIRE(r.status == status);
  CHECK(r.Header("Content-Type") == kJsonType);
  return Json(r.body);
}

// {"root": {...}} -> {...}, checking the wrapper has exactly that one member.
inline Value Unwrap(const Value& doc, std::string_view root) {
  INFO("document: " << RenderJson(doc));
  REQUIRE(doc.is_object());
  CHECK(doc.size() == 1);
  const Value& inner = At(doc, root);
  REQUIRE(inner.is_object());
  return inner;
}

inline Value Object(const Resp& r, int status, std::string_view root) {
  return Unwrap(Doc(r, status), root);
}

// A JSON list response: [{"root": {...}}, ...] -> the inner objects.
inline std::vector<Value> List(const Resp& r, std::string_view root) {
  Value doc = Doc(r, 200);
  INFO("response: " << r);
  REQUIRE(doc.is_array());
  CHECK(r.HasHeader("X-Total-Count"));
  std::vector<Value> out;
  for (const Value& item : doc.items()) out.push_back(Unwrap(item, root));
  return out;
}

inline std::vector<int64_t> Ids(const std::vector<Value>& items) {
  std::vector<int64_t> out;
  for (const Value& v : items) out.push_back(Int(v, "id"));
  return out;
}

inline int64_t TotalCount(const Resp& r) {
  REQUIRE(r.HasHeader("X-Total-Count"));
  return std::strtoll(r.Header("X-Total-Count").c_str(), nullptr, 10);
}

// The error document of a JSON response: {"error": {"code", "message", "details"}}.
// Returns details.
inline std::string ErrorDetails(const Resp& r, int code) {
  INFO("response: " << r);
  CHECK(r.status == code);
  CHECK(r.Header("Content-Type") == kJsonType);
  Value doc = Json(r.body);
  REQUIRE(doc.is_object());
  CHECK(doc.size() == 1);
  const Value& e = At(doc, "error");
  CHECK(e.size() == 3);
  CHECK(Int(e, "code") == code);
  CHECK(Str(e, "message") == MessageForHttpStatus(code));
  std::string details = Str(e, "details");
  CHECK(!details.empty());
  return details;
}

// Checks an error response and that `details` names `field` (case-sensitive).
inline void CheckError(const Resp& r, int code, const std::string& field) {
  std::string details = ErrorDetails(r, code);
  INFO("details: " << details << " should name " << field);
  CHECK(details.find(field) != std::string::npos);
}

inline bool Contains(const std::string& s, const std::string& part) {
  return s.find(part) != std::string::npos;
}

// Every run of digits replaced by "N": two error bodies that differ only in
// the ids they quote compare equal.
inline std::string NormalizeDigits(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (std::isdigit(static_cast<unsigned char>(s[i]))) {
      if (out.empty() || out.back() != 'N') out += 'N';
      while (i + 1 < s.size() && std::isdigit(static_cast<unsigned char>(s[i + 1]))) ++i;
    } else {
      out += s[i];
    }
  }
  return out;
}

// Replaces every occurrence of `from` in `s`.
inline std::string ReplaceAll(std::string s, const std::string& from, const std::string& to) {
  for (size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size())) {
    s.replace(at, from.size(), to);
  }
  return s;
}

// ------------------------------------------------------------------ XML documents

class XmlDoc {
 public:
  explicit XmlDoc(const Resp& r, int status = 200) {
    INFO("response: " << r);
    REQUIRE(r.status == status);
    CHECK(r.Header("Content-Type") == kXmlType);
    CHECK(r.body.rfind(kXmlDecl, 0) == 0);
    REQUIRE(doc_.Parse(r.body.c_str(), r.body.size()) == tinyxml2::XML_SUCCESS);
    root_ = doc_.RootElement();
    REQUIRE(root_ != nullptr);
  }
  const tinyxml2::XMLElement* root() const { return root_; }
  std::string root_name() const { return root_->Name(); }

 private:
  tinyxml2::XMLDocument doc_;
  const tinyxml2::XMLElement* root_ = nullptr;
};

inline const tinyxml2::XMLElement* Child(const tinyxml2::XMLElement* e, const char* name) {
  REQUIRE(e != nullptr);
  const tinyxml2::XMLElement* c = e->FirstChildElement(name);
  INFO("element <" << e->Name() << "> has no child <" << name << ">");
  REQUIRE(c != nullptr);
  return c;
}

inline std::vector<const tinyxml2::XMLElement*> Children(const tinyxml2::XMLElement* e) {
  std::vector<const tinyxml2::XMLElement*> out;
  for (auto* c = e->FirstChildElement(); c != nullptr; c = c->NextSiblingElement()) {
    out.push_back(c);
  }
  return out;
}

inline std::string Attr(const tinyxml2::XMLElement* e, const char* name) {
  const char* a = e->Attribute(name);
  return a ? a : "";
}

inline std::string Text(const tinyxml2::XMLElement* e) {
  const char* t = e->GetText();
  return t ? t : "";
}

// <name type="integer">N</name> under `e`; returns N.
inline int64_t XmlInt(const tinyxml2::XMLElement* e, const char* name) {
  const tinyxml2::XMLElement* c = Child(e, name);
  CHECK(Attr(c, "type") == "integer");
  return std::strtoll(Text(c).c_str(), nullptr, 10);
}

// <name>text</name> (no type attribute) under `e`.
inline std::string XmlStr(const tinyxml2::XMLElement* e, const char* name) {
  const tinyxml2::XMLElement* c = Child(e, name);
  CHECK(Attr(c, "type") == "");
  CHECK(Attr(c, "nil") == "");
  return Text(c);
}

inline std::string XmlDatetime(const tinyxml2::XMLElement* e, const char* name) {
  const tinyxml2::XMLElement* c = Child(e, name);
  CHECK(Attr(c, "type") == "datetime");
  return Text(c);
}

inline bool XmlNil(const tinyxml2::XMLElement* e, const char* name) {
  const tinyxml2::XMLElement* c = Child(e, name);
  return Attr(c, "nil") == "true" && c->FirstChild() == nullptr;
}

// <name type="array"> under `e` whose children are all <item_name>.
inline std::vector<const tinyxml2::XMLElement*> XmlArray(const tinyxml2::XMLElement* e,
                                                         const char* name, const char* item_name) {
  const tinyxml2::XMLElement* c = Child(e, name);
  CHECK(Attr(c, "type") == "array");
  auto items = Children(c);
  for (auto* i : items) CHECK(std::string(i->Name()) == item_name);
  return items;
}

// The XML error document; returns details.
inline std::string XmlErrorDetails(const Resp& r, int code) {
  XmlDoc x(r, code);
  CHECK(x.root_name() == "error");
  CHECK(XmlInt(x.root(), "code") == code);
  CHECK(XmlStr(x.root(), "message") == MessageForHttpStatus(code));
  return XmlStr(x.root(), "details");
}

// ------------------------------------------------------------------ builders

inline std::string VacancyBody(const std::string& title, const std::string& kind,
                               const std::string& extra = "") {
  std::string s = "{\"vacancy\": {\"title\": \"" + title + "\", \"kind\": \"" + kind +
                  "\", \"datetime_start\": \"" + kStart + "\", \"datetime_end\": \"" + kEnd + "\"";
  if (!extra.empty()) s += ", " + extra;
  return s + "}}";
}

inline int64_t CreateVacancy(Api& api, const std::string& kind = "automated",
                             const std::string& extra = "",
                             const std::string& title = "REST API developer") {
  Resp r = api.Post("/api/vacancies", VacancyBody(title, kind, extra));
  return Int(Object(r, 201, "vacancy"), "id");
}

// An automated vacancy with the seed's two interview questions.
inline int64_t CreateAutomatedWithQuestions(Api& api,
                                            const std::string& title = "VP of development") {
  return CreateVacancy(api, "automated",
                       "\"questions\": [{\"title\": \"Why do you apply for this job?\"}, "
                       "{\"title\": \"What is your motivation?\"}]",
                       title);
}

inline std::string InvitationFields(const std::string& email, const std::string& extra = "") {
  std::string s = "\"candidate_email\": \"" + email +
                  "\", \"candidate_firstname\": \"John\", \"candidate_lastname\": \"Lennon\", "
                  "\"candidate_gender\": \"male\", \"candidate_phone\": 123, "
                  "\"datetime_scheduled\": \"2013-08-05T02:00:00+02:00\"";
  if (!extra.empty()) s += ", " + extra;
  return s;
}

// POST /api/invitations for `vacancy_id`; returns the created invitation object.
inline Value CreateInvitation(Api& api, int64_t vacancy_id, const std::string& email,
                              const std::string& extra = "") {
  std::string body = "{\"invitation\": {\"vacancy_id\": " + std::to_string(vacancy_id) + ", " +
                     InvitationFields(email, extra) + "}}";
  return Object(api.Post("/api/invitations", body), 201, "invitation");
}

inline int64_t CreateInvitationId(Api& api, int64_t vacancy_id, const std::string& email,
                                  const std::string& extra = "") {
  return Int(CreateInvitation(api, vacancy_id, email, extra), "id");
}

// Completes an open invitation through the internal service (the candidate
// flow); returns the interview id.
inline int64_t Complete(TestServer& server, int64_t invitation_id, int64_t started_at,
                        int64_t ended_at, std::vector<Recording> recordings = {}) {
  Completion c;
  c.started_at = started_at;
  c.ended_at = ended_at;
  c.recordings = std::move(recordings);
  int64_t interview_id = 0;
  Status s = server.store().Write(
      [&](Db& db) { return CompleteInvitation(db, invitation_id, c, &interview_id); });
  INFO(s.ToString());
  REQUIRE(s.ok());
  return interview_id;
}

// Writes `bytes` to DATA/media/<name> and registers it for `account_id`.
inline int64_t AddMediaFile(TestServer& server, int64_t account_id, const std::string& name,
                            const std::string& kind, const std::string& content_type,
                            const std::string& bytes) {
  std::filesystem::create_directories(server.data_dir() + "/media");
  {
    std::ofstream out(server.data_dir() + "/media/" + name, std::ios::binary);
    out << bytes;
  }
  MediaFile f;
  f.account_id = account_id;
  f.kind = kind;
  f.path = name;
  f.content_type = content_type;
  f.size = static_cast<int64_t>(bytes.size());
  f.created_at = server.clock().Now();
  Status s = server.store().Write([&](Db& db) { return InsertMediaFile(db, &f); });
  REQUIRE(s.ok());
  return f.id;
}

// SELECT COUNT(*) ... straight from the database. (PrepareDynamic: the cache
// of Db::Prepare is keyed by the SQL's address, which a std::string reuses.)
inline int64_t CountRows(TestServer& server, const std::string& sql) {
  int64_t n = -1;
  Status s = server.store().Read([&](Db& db) {
    auto st = db.PrepareDynamic(sql);
    if (!st.ok()) return st.status();
    Status step;
    if (st->Step(&step)) n = st->Int(0);
    return step;
  });
  REQUIRE(s.ok());
  return n;
}

// The first column of each row of `sql` (a constant: Db::Prepare caches by
// address), one line each; empty when there is no row. For the checks that
// list what disagrees with a recount.
inline std::string Lines(Db& db, const char* sql) {
  std::string out;
  Stmt st = db.Prepare(sql);
  Status s;
  while (st.Step(&s)) out += st.Text(0) + "\n";
  REQUIRE_MESSAGE(s.ok(), s.ToString());
  return out;
}

inline std::string Lines(TestServer& server, const char* sql) {
  std::string out;
  REQUIRE(server.store()
              .Read([&](Db& db) {
                out = Lines(db, sql);
                return Status::OK();
              })
              .ok());
  return out;
}

// Runs `sql` (any number of statements) as one write of the server's store:
// a writer that is not the API (the CLI, a bulk load, a future migration).
inline void WriteSql(TestServer& server, const std::string& sql) {
  Status s = server.store().Write([&](Db& db) { return db.Exec(sql.c_str()); });
  REQUIRE_MESSAGE(s.ok(), s.ToString());
}

// Runs `write` as one write of a second Store on `server`'s database file,
// as the admin CLI does from another process (the server's change log never
// registered it).
inline void WriteAsCli(const TestServer& server, const std::function<Status(Db&)>& write) {
  StoreOptions so;
  so.path = server.data_dir() + "/cammio.db";
  auto cli = Store::Open(so);
  REQUIRE(cli.ok());
  Status s = cli.value()->Write(write);
  REQUIRE_MESSAGE(s.ok(), s.ToString());
}

// A database at `path` at schema version `version` (the first `version`
// embedded migrations), with no rows: the start of a migration test, or the
// "fresh database at this version" its result is compared with.
inline std::unique_ptr<Db> OpenAtVersion(const std::string& path, size_t version) {
  auto db = Db::Open(path, Db::Options());
  REQUIRE(db.ok());
  const std::vector<Migration> all = EmbeddedMigrations();
  REQUIRE(all.size() >= version);
  std::vector<Migration> prefix(all.begin(), all.begin() + static_cast<ptrdiff_t>(version));
  int v = 0;
  Status s = Migrate(*db.value(), prefix, &v);
  REQUIRE_MESSAGE(s.ok(), s.ToString());
  REQUIRE(v == static_cast<int>(version));
  return std::move(db.value());
}

// Lines() for SQL built at run time (not cached by Db::Prepare).
inline std::string DynamicLines(Db& db, const std::string& sql) {
  auto st = db.PrepareDynamic(sql);
  REQUIRE_MESSAGE(st.ok(), st.status().ToString());
  std::string out;
  Status s;
  while (st->Step(&s)) out += st->Text(0) + "\n";
  REQUIRE_MESSAGE(s.ok(), s.ToString());
  return out;
}

// The declared schema (every object but SQLite's own), one line each: what a
// migrated database and a fresh one at the same version must agree on.
inline std::string SchemaText(Db& db) {
  return DynamicLines(db,
                      "SELECT type || ' ' || name || ': ' || COALESCE(sql, '') FROM sqlite_schema "
                      "WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name");
}

// A database in `dir` at schema version `version` (the first `version`
// embedded migrations) holding account 1, its user 1 and its vacancy 1 of
// `kind`: the start of a test of a later migration.
inline std::unique_ptr<Db> OpenWithVacancyAt(const TempDir& dir, int version,
                                             const std::string& kind = "automated") {
  auto opened = Db::Open(dir.path() + "/cammio.db", Db::Options());
  REQUIRE(opened.ok());
  std::unique_ptr<Db> db = std::move(opened.value());
  const std::vector<Migration> all = EmbeddedMigrations();
  REQUIRE(static_cast<int>(all.size()) > version);
  int at = 0;
  REQUIRE(Migrate(*db, std::vector<Migration>(all.begin(), all.begin() + version), &at).ok());
  REQUIRE(at == version);
  const std::string sql =
      "INSERT INTO accounts (id, name, created_at) VALUES (1, 'A', 0);"
      "INSERT INTO users (id, account_id, email, name, created_at) VALUES (1, 1, 'a@x.test', 'A', "
      "0);"
      "INSERT INTO vacancies (id, account_id, recruiter_id, title, kind, scope, datetime_start, "
      "datetime_start_ts, datetime_end, datetime_end_ts, answering_time, cv_upload_required, "
      "use_as_template, public_token, created_at, updated_at) VALUES (1, 1, 1, 'v', '" +
      kind + "', 'private', 'x', 0, 'x', 0, '60', 'no', 'no', 'pub', 0, 0);";
  REQUIRE(db->Exec(sql.c_str()).ok());
  return db;
}

// "https://cammio.test/public/job_interviews/<token>" -> token (empty when the
// prefix does not match).
inline std::string TokenAfter(const std::string& url, const std::string& prefix) {
  if (url.rfind(prefix, 0) != 0) return "";
  return url.substr(prefix.size());
}

inline bool IsTokenText(const std::string& t) {
  if (t.empty()) return false;
  for (char c : t) {
    if (!std::isalnum(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

// The open invitations `f` selects, collected into *out (the store hands
// them out one row at a time: ForEachOpenInvitation).
inline Status ListOpenInvitations(Db& db, int64_t account_id, const InvitationFilter& f,
                                  std::vector<Invitation>* out, int64_t* total) {
  return ForEachOpenInvitation(db, account_id, f, total,
                               [out](const Invitation& i) { out->push_back(i); });
}

}  // namespace cammio::testing
