// Takes and the CV (docs/decisions.md "Takes and the CV") in the operations
// on a candidate's data: the candidate export holds the CV; erasure and
// retention delete it. The interviews are made through the candidate's HTTP
// endpoints (testing/candidate_client.h); the API side: tests/api/takes_test.cc.
#include <doctest/doctest.h>

#include <map>
#include <string>

#include "ops/candidate_data.h"
#include "ops/retention.h"
#include "testing/api_helpers.h"
#include "testing/candidate_client.h"
#include "util/fs.h"

namespace cammio {
namespace {

using namespace cammio::testing;

TEST_CASE("cv: candidate export holds the CV; erasure and retention delete it") {
  TestServer server;
  Api api(server);
  const int64_t account = server.creds().account_id;
  Candidate c(server, api, "\"cv_upload_required\": \"yes\"", "ann@example.test");
  CvInterview w = CompleteWithCv(server, api, c);
  std::string cv_path;
  REQUIRE(server.store()
              .Read([&](Db& db) {
                auto f =
                    GetMediaFile(db, account, std::stoll(w.cv_url.substr(w.cv_url.rfind('/') + 1)));
                if (f.ok()) cv_path = f->path;
                return f.status();
              })
              .ok());
  const std::string cv_file = server.data_dir() + "/media/" + cv_path;
  REQUIRE(PathExists(cv_file));

  const std::string out = server.data_dir() + "/ann.tar";
  ops::ExportResult exported;
  REQUIRE(ops::ExportCandidate(server.store(), server.data_dir(), account, "ann@example.test",
                               server.clock().Now(), out, &exported)
              .ok());
  std::map<std::string, std::string> members = testing::ReadTarMembers(out);
  CHECK(members["media/" + cv_path] == kPdf);
  CHECK(exported.media_files == 3);  // two answers and the CV; nothing replaced is kept

  // Retention: the interview of another candidate, CV included, is deleted.
  Candidate bob(server, api, "\"cv_upload_required\": \"yes\"", "bob@example.test");
  CvInterview bw = CompleteWithCv(server, api, bob);
  const int64_t bob_cv = std::stoll(bw.cv_url.substr(bw.cv_url.rfind('/') + 1));
  std::string bob_path;
  REQUIRE(server.store()
              .Read([&](Db& db) {
                auto f = GetMediaFile(db, account, bob_cv);
                if (f.ok()) bob_path = f->path;
                return f.status();
              })
              .ok());

  ops::EraseResult erased;
  REQUIRE(ops::EraseCandidate(server.store(), server.data_dir(), account, "ann@example.test",
                              server.clock().Now(), &erased)
              .ok());
  CHECK_FALSE(PathExists(cv_file));
  CHECK(PathExists(server.data_dir() + "/media/" + bob_path));

  REQUIRE(ops::SetRetentionDays(server.store(), account, 1, server.clock().Now()).ok());
  ops::RetentionRun run;
  REQUIRE(
      ops::ApplyRetention(server.store(), server.data_dir(), server.clock().Now() + 2 * 86400, &run)
          .ok());
  CHECK(run.interviews == 1);
  CHECK_FALSE(PathExists(server.data_dir() + "/media/" + bob_path));
  CHECK(CountRows(server, "SELECT COUNT(*) FROM videos WHERE kind = 'cv'") == 0);
}

}  // namespace
}  // namespace cammio
