// The candidate pages' tus uploads against the real server over TLS: a
// finished upload is immutable, and PATCHes that overlap (a stalled one and
// the candidate's resumption, or two at once) never mix their bytes into the
// file (docs/decisions.md "Candidate link endpoints"). Slow PATCHes are real
// requests whose body the test releases piece by piece; the test waits for
// what the server has visibly done (bytes in the .part file) rather than for
// time. The client's TLS stream holds back a partial record until it reads
// or has a full record (16 KiB) at hand, so a slow request's first piece is
// larger than a record: the server then surely has its first ~16 KiB.
#include <doctest/doctest.h>
#include <sys/stat.h>

#include <chrono>
#include <condition_variable>
#include <functional>
#include <future>
#include <mutex>
#include <string>
#include <thread>

#include "testing/api_helpers.h"

namespace cammio {
namespace {

using namespace cammio::testing;

constexpr char kLinkPrefix[] = "https://cammio.test/public/job_interviews/";
constexpr char kPatchType[] = "application/offset+octet-stream";
// A slow request's first piece, and how much of it the server surely got.
constexpr size_t kFirstPiece = 20000;
constexpr size_t kSeen = 12000;

// `n` bytes starting with WebM's EBML magic, the rest a pattern from `seed`.
std::string WebmBytes(size_t n, char seed) {
  std::string s = "\x1A\x45\xDF\xA3";
  for (size_t i = s.size(); i < n; ++i) s += static_cast<char>(seed + i % 61);
  return s.substr(0, n);
}

// `n` bytes of an HTML document: what must never end up in a recording.
std::string HtmlBytes(size_t n) {
  std::string s = "<html><body><script>alert('not a video')</script>";
  while (s.size() < n) s += "<p>padding</p>";
  return s.substr(0, n);
}

// Polls `done` until it holds or ~10 s passed.
bool Eventually(const std::function<bool()>& done) {
  auto until = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!done()) {
    if (std::chrono::steady_clock::now() > until) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return true;
}

off_t FileSize(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 ? st.st_size : -1;
}

// A released-once signal between the test and a request thread.
class Gate {
 public:
  void Open() {
    std::lock_guard<std::mutex> lock(mu_);
    open_ = true;
    cv_.notify_all();
  }
  bool Wait() {
    std::unique_lock<std::mutex> lock(mu_);
    return cv_.wait_for(lock, std::chrono::seconds(20), [this] { return open_; });
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool open_ = false;
};

// An open invitation's link and the uploads under it.
class Candidate {
 public:
  explicit Candidate(TestServer& server) : server_(server), api_(server) {
    int64_t vacancy = CreateAutomatedWithQuestions(api_);
    Value inv = CreateInvitation(api_, vacancy, "candidate@cammio.com");
    token_ = TokenAfter(Str(inv, "url"), kLinkPrefix);
    REQUIRE(!token_.empty());
  }

  Api& api() { return api_; }

  // POST .../uploads for a recording of `length` bytes; returns its id.
  int64_t CreateUpload(size_t length) {
    auto cli = server_.Client();
    auto r = cli->Post(Base().c_str(),
                       httplib::Headers{{"Tus-Resumable", "1.0.0"},
                                        {"Upload-Length", std::to_string(length)},
                                        {"Upload-Metadata", "kind cmVjb3JkaW5n,question MQ=="}},
                       "", kPatchType);
    REQUIRE(r);
    INFO("create: " << r->status << " " << r->body);
    REQUIRE(r->status == 201);
    std::string location = r->get_header_value("Location");
    REQUIRE(location.rfind(Base() + "/", 0) == 0);
    return std::stoll(location.substr(Base().size() + 1));
  }

  std::string UploadPath(int64_t id) const { return Base() + "/" + std::to_string(id); }
  std::string PartFile(int64_t id) const {
    return server_.data_dir() + "/media/uploads/" + std::to_string(id) + ".part";
  }

  static httplib::Headers PatchHeaders(int64_t offset) {
    return {{"Tus-Resumable", "1.0.0"}, {"Upload-Offset", std::to_string(offset)}};
  }

  // One PATCH with the whole body at once; status 0 when no answer came.
  // Asserts nothing, so any thread may call it.
  Resp TryPatch(int64_t id, int64_t offset, const std::string& body) const {
    auto cli = server_.Client();
    auto r = cli->Patch(UploadPath(id).c_str(), PatchHeaders(offset), body, kPatchType);
    return r ? Resp{r->status, r->body, r->headers} : Resp{};
  }
  Resp Patch(int64_t id, int64_t offset, const std::string& body) {
    Resp r = TryPatch(id, offset, body);
    REQUIRE(r.status != 0);
    return r;
  }

  // HEAD's Upload-Offset.
  int64_t Offset(int64_t id) {
    auto cli = server_.Client();
    auto r = cli->Head(UploadPath(id).c_str(), httplib::Headers{{"Tus-Resumable", "1.0.0"}});
    REQUIRE(r);
    REQUIRE(r->status == 200);
    return std::stoll(r->get_header_value("Upload-Offset"));
  }

  // The media file a finished upload became (0 while unfinished).
  int64_t VideoId(int64_t id) {
    return CountRows(server_,
                     "SELECT COALESCE(video_id, 0) FROM uploads WHERE id = " + std::to_string(id));
  }
  std::string MediaBytes(int64_t id) {
    int64_t video = VideoId(id);
    REQUIRE(video != 0);
    std::string path;
    REQUIRE(server_.store()
                .Read([&](Db& db) {
                  auto f = GetMediaFile(db, server_.creds().account_id, video);
                  if (f.ok()) path = f->path;
                  return f.status();
                })
                .ok());
    return ReadFile(server_.data_dir() + "/media/" + path);
  }

 private:
  std::string Base() const { return "/public/job_interviews/" + token_ + "/uploads"; }

  TestServer& server_;
  Api api_;
  std::string token_;
};

// A PATCH on its own connection and thread that sends `body[0, first)`, waits
// for the test to open `rest`, then sends the remainder.
class SlowPatch {
 public:
  SlowPatch(TestServer& server, const std::string& path, int64_t offset, std::string body,
            size_t first)
      : body_(std::move(body)), first_(first) {
    auto cli = server.Client();
    result_ = std::async(std::launch::async, [this, cli = std::move(cli), path, offset] {
      auto r = cli->Patch(
          path.c_str(), Candidate::PatchHeaders(offset), body_.size(),
          [this](size_t at, size_t, httplib::DataSink& sink) {
            if (at == 0) return sink.write(body_.data(), first_);
            if (!rest.Wait()) return false;
            return sink.write(body_.data() + at, body_.size() - at);
          },
          kPatchType);
      return r ? Resp{r->status, r->body, r->headers} : Resp{};
    });
  }
  ~SlowPatch() {
    rest.Open();
    if (result_.valid()) result_.wait();
  }

  // Releases the rest of the body and returns the answer (status 0: none).
  Resp Finish() {
    rest.Open();
    REQUIRE(result_.wait_for(std::chrono::seconds(30)) == std::future_status::ready);
    return result_.get();
  }

  Gate rest;

 private:
  std::string body_;
  size_t first_;
  std::future<Resp> result_;
};

TEST_CASE("uploads: a PATCH that began before the upload finished cannot change the file") {
  TestServer server;
  Candidate c(server);
  const std::string webm = WebmBytes(65536, 'a');
  int64_t id = c.CreateUpload(webm.size());
  REQUIRE(c.Patch(id, 0, webm.substr(0, 16384)).status == 204);
  REQUIRE(c.Offset(id) == 16384);

  // A request at the old offset 16384 whose body is HTML has begun writing...
  SlowPatch late(server, c.UploadPath(id), 16384, HtmlBytes(49152), kFirstPiece);
  REQUIRE(Eventually([&] { return FileSize(c.PartFile(id)) >= off_t{16384 + kSeen}; }));
  // ...when the candidate's resumption at 16384 finishes the upload.
  Resp done = c.Patch(id, 16384, webm.substr(16384));
  INFO("finishing PATCH: " << done);
  REQUIRE(done.status == 204);
  CHECK(done.Header("Upload-Offset") == "65536");
  REQUIRE(c.VideoId(id) != 0);

  // The late request's remaining bytes are refused and the file stays as finished.
  Resp refused = late.Finish();
  CHECK(Contains(ErrorDetails(refused, 409), "took over"));
  CHECK(c.MediaBytes(id) == webm);

  // Any PATCH on the finished upload, at an old offset or at its end, is 409.
  CHECK(Contains(ErrorDetails(c.Patch(id, 16384, HtmlBytes(49152)), 409), "already complete"));
  CHECK(Contains(ErrorDetails(c.Patch(id, 0, HtmlBytes(65536)), 409), "already complete"));
  CHECK(Contains(ErrorDetails(c.Patch(id, 65536, ""), 409), "already complete"));
  CHECK(c.Offset(id) == 65536);
  CHECK(c.MediaBytes(id) == webm);

  // The recording is served as it was uploaded, and never sniffed.
  Resp media = c.api().Get("/api/videos/" + std::to_string(c.VideoId(id)));
  REQUIRE(media.status == 200);
  CHECK(media.Header("Content-Type") == "video/webm");
  CHECK(media.Header("X-Content-Type-Options") == "nosniff");
  CHECK(media.body == webm);
}

TEST_CASE("uploads: a stalled PATCH at offset 0 loses to the resumption that finishes") {
  TestServer server;
  Candidate c(server);
  const std::string webm = WebmBytes(65536, 'k');
  int64_t id = c.CreateUpload(webm.size());

  SlowPatch stalled(server, c.UploadPath(id), 0, HtmlBytes(webm.size()), kFirstPiece);
  REQUIRE(Eventually([&] { return FileSize(c.PartFile(id)) >= off_t{kSeen}; }));
  CHECK(c.Offset(id) == 0);  // nothing of the stalled request is durable yet

  Resp done = c.Patch(id, 0, webm);
  INFO("resumption: " << done);
  REQUIRE(done.status == 204);

  CHECK(Contains(ErrorDetails(stalled.Finish(), 409), "took over"));
  CHECK(c.Offset(id) == static_cast<int64_t>(webm.size()));
  CHECK(c.MediaBytes(id) == webm);
}

TEST_CASE("uploads: a superseded PATCH leaves no bytes in a resumed upload") {
  TestServer server;
  Candidate c(server);
  const std::string webm = WebmBytes(65536, 'q');
  int64_t id = c.CreateUpload(webm.size());

  // The stalled request wrote HTML that never became durable...
  SlowPatch stalled(server, c.UploadPath(id), 0, HtmlBytes(webm.size()), kFirstPiece);
  REQUIRE(Eventually([&] { return FileSize(c.PartFile(id)) >= off_t{kSeen}; }));
  // ...and the candidate resumes from 0 with a shorter part, then finishes from there.
  REQUIRE(c.Patch(id, 0, webm.substr(0, 8000)).status == 204);
  CHECK(Contains(ErrorDetails(stalled.Finish(), 409), "took over"));
  CHECK(c.Offset(id) == 8000);
  REQUIRE(c.Patch(id, 8000, webm.substr(8000)).status == 204);
  CHECK(c.MediaBytes(id) == webm);
}

TEST_CASE("uploads: of two PATCHes at the same offset exactly one writes the file") {
  TestServer server;
  Candidate c(server);
  const std::string one = WebmBytes(65536, 'A'), two = WebmBytes(65536, '0');
  REQUIRE(one.substr(0, kSeen) != two.substr(0, kSeen));
  int64_t id = c.CreateUpload(one.size());

  // Both pass the offset check and write their first piece...
  SlowPatch first(server, c.UploadPath(id), 0, one, kFirstPiece);
  REQUIRE(Eventually([&] { return FileSize(c.PartFile(id)) >= off_t{kSeen}; }));
  SlowPatch second(server, c.UploadPath(id), 0, two, kFirstPiece);
  REQUIRE(Eventually(
      [&] { return ReadFile(c.PartFile(id)).substr(0, kSeen) == two.substr(0, kSeen); }));
  // ...then send the rest, one after the other.
  Resp a = first.Finish();
  Resp b = second.Finish();
  INFO("first: " << a << "; second: " << b);
  CHECK(a.status == 409);
  CHECK(b.status == 204);
  CHECK(c.MediaBytes(id) == two);
}

TEST_CASE("uploads: PATCHes racing on one upload leave one success and one whole copy") {
  TestServer server;
  Candidate c(server);
  for (int round = 0; round < 4; ++round) {
    CAPTURE(round);
    const std::string one = WebmBytes(32768, 'A'), two = WebmBytes(32768, '0');
    int64_t id = c.CreateUpload(one.size());
    auto send = [&](const std::string& body) { return c.TryPatch(id, 0, body); };
    auto fa = std::async(std::launch::async, send, one);
    auto fb = std::async(std::launch::async, send, two);
    Resp a = fa.get(), b = fb.get();
    INFO("one: " << a << "; two: " << b);
    REQUIRE(((a.status == 204 && b.status == 409) || (a.status == 409 && b.status == 204)));
    CHECK(c.MediaBytes(id) == (a.status == 204 ? one : two));
  }
}

}  // namespace
}  // namespace cammio
