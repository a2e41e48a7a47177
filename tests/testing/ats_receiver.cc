#include "testing/ats_receiver.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <mbedtls/base64.h>
#include <mbedtls/md.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>

#include <cstdlib>

#include <doctest/doctest.h>

#include "http/tls_listener.h"
#include "tls/certificate.h"

namespace cammio::testing {
namespace {

int PeerPort(int fd, int* local_port) {
  sockaddr_storage a{};
  socklen_t len = sizeof a;
  if (::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) != 0) return -1;
  if (a.ss_family != AF_INET) return -1;
  *local_port = ntohs(reinterpret_cast<sockaddr_in*>(&a)->sin_port);
  len = sizeof a;
  if (::getpeername(fd, reinterpret_cast<sockaddr*>(&a), &len) != 0) return -1;
  return ntohs(reinterpret_cast<sockaddr_in*>(&a)->sin_port);
}

std::string B64(const unsigned char* data, size_t n) {
  size_t out = 0;
  mbedtls_base64_encode(nullptr, 0, &out, data, n);
  std::string s(out, '\0');
  mbedtls_base64_encode(reinterpret_cast<unsigned char*>(s.data()), s.size(), &out, data, n);
  s.resize(out);
  return s;
}

}  // namespace

std::string ReceivedRequest::Header(const std::string& name) const {
  auto it = headers.find(name);
  return it == headers.end() ? std::string() : it->second;
}

std::string ReceivedRequest::Param(const std::string& name) const {
  auto it = params.find(name);
  return it == params.end() ? std::string() : it->second;
}

AtsReceiver::AtsReceiver(Mode mode) : mode_(mode) {
  ::signal(SIGPIPE, SIG_IGN);  // as `cammio serve` does: peers that hang up are errors, not signals
  default_.status = 200;
  default_.body = "ok";
  if (mode_ == Mode::kHttps) {
    std::string cert = dir_.path() + "/ats-cert.pem", key = dir_.path() + "/ats-key.pem";
    Status s = tls::GenerateSelfSignedCert({"localhost"}, cert, key);
    REQUIRE_MESSAGE(s.ok(), s.ToString());
    ca_pem_ = ReadFile(cert);
    auto ctx = tls::TlsServerContext::Load(cert, key);
    REQUIRE_MESSAGE(ctx.ok(), ctx.status().ToString());
    server_ = std::make_unique<http::TlsServer>(*ctx);
  } else {
    server_ = std::make_unique<httplib::Server>();
  }
  server_->new_task_queue = [] { return new httplib::ThreadPool(8); };
  server_->set_read_timeout(5, 0);
  server_->set_write_timeout(5, 0);
  server_->set_keep_alive_timeout(1);
  auto handler = [this](const httplib::Request& req, httplib::Response& res) { Handle(req, res); };
  server_->Get(".*", handler);
  server_->Post(".*", handler);
  server_->Put(".*", handler);
  server_->Delete(".*", handler);
  server_->Patch(".*", handler);
  port_ = server_->bind_to_any_port("127.0.0.1");
  REQUIRE(port_ > 0);
  thread_ = std::thread([this] { server_->listen_after_bind(); });
  while (!server_->is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
}

AtsReceiver::~AtsReceiver() { Stop(); }

std::string AtsReceiver::host() const { return "localhost:" + std::to_string(port_); }

std::string AtsReceiver::base_url() const {
  return std::string(https() ? "https://" : "http://") + host();
}

void AtsReceiver::SetDefault(int status, std::string body) {
  std::lock_guard<std::mutex> lock(mu_);
  default_.status = status;
  default_.body = std::move(body);
}

void AtsReceiver::FailNext(int n, int status, std::string body) {
  std::lock_guard<std::mutex> lock(mu_);
  for (int i = 0; i < n; ++i) {
    Behaviour b;
    b.status = status;
    b.body = body;
    next_.push_back(b);
  }
}

void AtsReceiver::RetryAfterNext(int n, std::string retry_after, int status) {
  std::lock_guard<std::mutex> lock(mu_);
  for (int i = 0; i < n; ++i) {
    Behaviour b;
    b.kind = Behaviour::kRetryAfter;
    b.status = status;
    b.body = "slow down";
    b.retry_after = retry_after;
    next_.push_back(b);
  }
}

void AtsReceiver::CloseNext(int n) {
  std::lock_guard<std::mutex> lock(mu_);
  for (int i = 0; i < n; ++i) {
    Behaviour b;
    b.kind = Behaviour::kClose;
    next_.push_back(b);
  }
}

void AtsReceiver::SetDelay(std::chrono::milliseconds delay) {
  std::lock_guard<std::mutex> lock(mu_);
  delay_ = delay;
}

void AtsReceiver::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopped_) return;
    stopped_ = true;
  }
  cv_.notify_all();
  server_->stop();
  if (thread_.joinable()) thread_.join();
}

std::vector<ReceivedRequest> AtsReceiver::requests() const {
  std::lock_guard<std::mutex> lock(mu_);
  return requests_;
}

size_t AtsReceiver::count() const {
  std::lock_guard<std::mutex> lock(mu_);
  return requests_.size();
}

size_t AtsReceiver::accepted() const {
  std::lock_guard<std::mutex> lock(mu_);
  size_t n = 0;
  for (const auto& r : requests_) n += (r.answered >= 200 && r.answered < 300) ? 1 : 0;
  return n;
}

bool AtsReceiver::WaitForCount(size_t n, std::chrono::milliseconds timeout) const {
  std::unique_lock<std::mutex> lock(mu_);
  return cv_.wait_for(lock, timeout, [&] { return requests_.size() >= n; });
}

void AtsReceiver::CloseConnectionOf(const httplib::Request& req) const {
  DIR* dir = ::opendir("/proc/self/fd");
  if (dir == nullptr) return;
  while (dirent* e = ::readdir(dir)) {
    int fd = std::atoi(e->d_name);
    if (fd <= 2) continue;
    int local = 0;
    if (PeerPort(fd, &local) == req.remote_port && local == port_) {
      ::shutdown(fd, SHUT_RDWR);
    }
  }
  ::closedir(dir);
}

void AtsReceiver::Handle(const httplib::Request& req, httplib::Response& res) {
  ReceivedRequest r;
  r.method = req.method;
  r.path = req.path;
  r.target = req.target;
  size_t q = req.target.find('?');
  r.query = q == std::string::npos ? "" : req.target.substr(q + 1);
  r.body = req.body;
  r.headers = req.headers;
  r.params = req.params;
  r.answered = -1;  // recorded on arrival; the answer is filled in below
  Behaviour b;
  size_t index = 0;
  {
    std::unique_lock<std::mutex> lock(mu_);
    if (!next_.empty()) {
      b = next_.front();
      next_.pop_front();
    } else {
      b = default_;
    }
    index = requests_.size();
    requests_.push_back(r);
    cv_.notify_all();
    if (delay_.count() > 0) {
      cv_.wait_for(lock, delay_, [&] { return stopped_; });
    }
    requests_[index].answered = b.kind == Behaviour::kClose ? 0 : b.status;
  }
  if (b.kind == Behaviour::kClose) {
    CloseConnectionOf(req);
    return;
  }
  res.status = b.status;
  if (b.kind == Behaviour::kRetryAfter) res.set_header("Retry-After", b.retry_after);
  res.set_content(b.body, "text/plain");
}

bool AtsReceiver::VerifySignature(const std::string& secret, const ReceivedRequest& r,
                                  std::string* why) {
  auto fail = [&](const std::string& w) {
    if (why) *why = w;
    return false;
  };
  if (secret.rfind("whsec_", 0) != 0) return fail("secret without whsec_ prefix");
  std::string b64 = secret.substr(6);
  unsigned char key[128];
  size_t key_len = 0;
  if (mbedtls_base64_decode(key, sizeof key, &key_len,
                            reinterpret_cast<const unsigned char*>(b64.data()), b64.size()) != 0) {
    return fail("secret is not base64");
  }
  std::string id = r.Header("webhook-id"), ts = r.Header("webhook-timestamp");
  std::string header = r.Header("webhook-signature");
  if (id.empty() || ts.empty() || header.empty()) return fail("missing webhook-* headers");
  std::string content = id + "." + ts + "." + r.body;
  unsigned char mac[32];
  mbedtls_md_hmac(mbedtls_md_info_from_type(MBEDTLS_MD_SHA256), key, key_len,
                  reinterpret_cast<const unsigned char*>(content.data()), content.size(), mac);
  std::string expected = "v1," + B64(mac, sizeof mac);
  // The header is a space-separated list of signatures; any may match.
  size_t start = 0;
  while (start <= header.size()) {
    size_t space = header.find(' ', start);
    std::string one =
        header.substr(start, space == std::string::npos ? std::string::npos : space - start);
    if (one == expected) return true;
    if (space == std::string::npos) break;
    start = space + 1;
  }
  return fail("signature mismatch: got '" + header + "', expected '" + expected + "'");
}

}  // namespace cammio::testing
