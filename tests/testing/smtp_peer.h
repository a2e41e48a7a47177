// SmtpPeer: a real SMTP server on 127.0.0.1 for the mail tests, the Python
// aiosmtpd of Debian's python3-aiosmtpd (installed by tools/install-deps) run
// as tests/testing/smtp_peer.py in a child process with its own directory.
// Each message it accepts is kept as received (Raw) and as a summary that
// Python's email package produced by parsing it (Messages): headers decoded,
// MIME parts with their decoded content, parser defects, line lengths.
//
// Header-only (tests/CMakeLists.txt compiles *_test.cc and test_support.cc).
// Not thread-safe; one test thread drives it.
#pragma once

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "cammio/document.h"
#include "testing/test_support.h"

extern char** environ;

namespace cammio::testing {

struct SmtpPeerOptions {
  // PEM files of the peer's certificate and key, for STARTTLS or implicit TLS.
  std::string cert_file, key_file;
  bool starttls = false;      // offer (and require) STARTTLS
  bool implicit_tls = false;  // TLS from the first byte
  std::string auth;           // "user:password": require AUTH
  int tempfail = 0;           // answer the first N DATA with 451
  std::string reject;         // 550 at RCPT for addresses containing this
};

class SmtpPeer {
 public:
  // Debian's interpreter, which python3-aiosmtpd installs into (a pyenv or
  // virtualenv python3 earlier in PATH would not see it).
  static constexpr const char* kPython = "/usr/bin/python3";

  explicit SmtpPeer(SmtpPeerOptions options = SmtpPeerOptions()) : options_(std::move(options)) {
    Start();
  }
  ~SmtpPeer() { Stop(); }
  SmtpPeer(const SmtpPeer&) = delete;
  SmtpPeer& operator=(const SmtpPeer&) = delete;

  // Empty when the peer is listening; else why not (with its log).
  const std::string& error() const { return error_; }
  bool ok() const { return error_.empty(); }
  int port() const { return port_; }
  const std::string& dir() const { return dir_.path(); }

  // The summaries of the accepted messages so far, in arrival order.
  std::vector<Value> Messages() const {
    std::vector<Value> out;
    for (const std::string& name : Files(".json")) {
      auto v = ParseJson(ReadFile(dir_.path() + "/" + name));
      out.push_back(v.ok() ? std::move(v.value()) : Value::String("unparsable summary"));
    }
    return out;
  }
  // The bytes of the i-th accepted message as received (dot-unstuffed).
  std::string Raw(size_t i) const {
    auto names = Files(".eml");
    return i < names.size() ? ReadFile(dir_.path() + "/" + names[i]) : std::string();
  }
  size_t Count() const { return Files(".json").size(); }
  // Waits (real time) until at least `n` messages arrived.
  bool WaitForMessages(size_t n, std::chrono::milliseconds timeout = std::chrono::seconds(10)) const {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (Count() < n) {
      if (std::chrono::steady_clock::now() > deadline) return false;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return true;
  }

 private:
  void Start() {
    std::vector<std::string> args = {kPython, CAMMIO_SOURCE_DIR "/tests/testing/smtp_peer.py",
                                     "--dir", dir_.path()};
    if (options_.starttls) {
      args.insert(args.end(), {"--starttls", options_.cert_file, options_.key_file});
    }
    if (options_.implicit_tls) {
      args.insert(args.end(), {"--implicit-tls", options_.cert_file, options_.key_file});
    }
    if (!options_.auth.empty()) args.insert(args.end(), {"--auth", options_.auth});
    if (options_.tempfail > 0) {
      args.insert(args.end(), {"--tempfail", std::to_string(options_.tempfail)});
    }
    if (!options_.reject.empty()) args.insert(args.end(), {"--reject", options_.reject});
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);

    const std::string log = log_dir_.path() + "/peer.log";
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    posix_spawn_file_actions_adddup2(&actions, 1, 2);
    int rc = posix_spawn(&pid_, kPython, &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) {
      pid_ = -1;
      error_ = std::string("cannot start ") + kPython + ": " + std::strerror(rc);
      return;
    }
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    const std::string port_file = dir_.path() + "/port";
    for (;;) {
      struct stat st;
      if (::stat(port_file.c_str(), &st) == 0) {
        port_ = std::atoi(ReadFile(port_file).c_str());
        return;
      }
      int status = 0;
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        error_ = "the SMTP peer exited: " + ReadFile(log);
        return;
      }
      if (std::chrono::steady_clock::now() > deadline) {
        error_ = "the SMTP peer did not start: " + ReadFile(log);
        Stop();
        return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }

  void Stop() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGTERM);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
  }

  std::vector<std::string> Files(const std::string& suffix) const {
    std::vector<std::string> names;
    DIR* d = ::opendir(dir_.path().c_str());
    if (d == nullptr) return names;
    while (dirent* e = ::readdir(d)) {
      std::string n = e->d_name;
      if (n.rfind("msg-", 0) == 0 && n.size() > suffix.size() &&
          n.compare(n.size() - suffix.size(), suffix.size(), suffix) == 0) {
        names.push_back(n);
      }
    }
    ::closedir(d);
    std::sort(names.begin(), names.end());
    return names;
  }

  SmtpPeerOptions options_;
  TempDir dir_;      // what the peer writes: port, messages
  TempDir log_dir_;  // its stdout / stderr
  pid_t pid_ = -1;
  int port_ = 0;
  std::string error_;
};

}  // namespace cammio::testing
