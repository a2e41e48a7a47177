// Tests for src/api/uploads.cc that the contract and page tests do not
// cover: the names of upload files are durable before the server answers.
#include <doctest/doctest.h>

#include <algorithm>
#include <mutex>
#include <string>
#include <vector>

#include "testing/api_helpers.h"
#include "util/fs.h"

namespace cammio::testing {
namespace {

std::mutex synced_mu;
std::vector<std::string> synced_dirs;

void RecordSync(const std::string& dir) {
  std::lock_guard<std::mutex> lock(synced_mu);
  synced_dirs.push_back(dir);
}

// The directories synced since the last call.
std::vector<std::string> TakeSynced() {
  std::lock_guard<std::mutex> lock(synced_mu);
  std::vector<std::string> out;
  out.swap(synced_dirs);
  return out;
}

bool Has(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

// A power failure after the answer must not lose a file the database already
// refers to: creating the part file and renaming the finished upload into
// the media store change directories, and only an fsync of the directory
// makes that durable (fdatasync of the file does not).
TEST_CASE("uploads: the part file and the finished file's names are synced before the answer") {
  TestServer server;
  Api api(server);
  int64_t v = CreateAutomatedWithQuestions(api);
  Value inv = CreateInvitation(api, v, "durable@cammio.com");
  std::string token = TokenAfter(Str(inv, "url"), "https://cammio.test/public/job_interviews/");
  REQUIRE(!token.empty());
  const std::string media = server.data_dir() + "/media";
  SetSyncDirObserverForTesting(RecordSync);
  TakeSynced();

  auto anon = server.Client();
  std::string webm("\x1A\x45\xDF\xA3", 4);
  webm += std::string(1000, 'w');
  auto created =
      anon->Post(("/public/job_interviews/" + token + "/uploads").c_str(),
                 httplib::Headers{{"Tus-Resumable", "1.0.0"},
                                  {"Upload-Length", std::to_string(webm.size())},
                                  {"Upload-Metadata", "kind cmVjb3JkaW5n,question MQ=="}},
                 "", "application/offset+octet-stream");
  REQUIRE(created);
  REQUIRE(created->status == 201);
  std::vector<std::string> after_create = TakeSynced();
  CHECK(Has(after_create, media + "/uploads"));  // the new part file's name
  CHECK(Has(after_create, server.data_dir()));   // the new media directory's name

  auto patched = anon->Patch(created->get_header_value("Location").c_str(),
                             httplib::Headers{{"Tus-Resumable", "1.0.0"}, {"Upload-Offset", "0"}},
                             webm, "application/offset+octet-stream");
  REQUIRE(patched);
  REQUIRE(patched->status == 204);
  std::vector<std::string> after_finish = TakeSynced();
  SetSyncDirObserverForTesting(nullptr);
  const std::string account_dir = media + "/" + std::to_string(server.creds().account_id);
  CHECK(Has(after_finish, account_dir));         // the renamed file's new name
  CHECK(Has(after_finish, media + "/uploads"));  // the part file's name is gone
  CHECK(Has(after_finish, media));               // the new account directory's name
}

}  // namespace
}  // namespace cammio::testing
