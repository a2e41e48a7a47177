#include "testing/exchange_recorder.h"

#include <doctest/doctest.h>

#include <atomic>
#include <cstdlib>
#include <fstream>
#include <mutex>
#include <string>

#include "cammio/document.h"

namespace cammio::testing {
namespace {

std::atomic<const char*> g_test_name{""};

// Keeps the current test case's name (doctest owns the string for the run).
class TestNameListener : public doctest::IReporter {
 public:
  explicit TestNameListener(const doctest::ContextOptions&) {}
  void report_query(const doctest::QueryData&) override {}
  void test_run_start() override {}
  void test_run_end(const doctest::TestRunStats&) override {}
  void test_case_start(const doctest::TestCaseData& t) override { g_test_name = t.m_name; }
  void test_case_reenter(const doctest::TestCaseData&) override {}
  void test_case_end(const doctest::CurrentTestCaseStats&) override { g_test_name = ""; }
  void test_case_exception(const doctest::TestCaseException&) override {}
  void subcase_start(const doctest::SubcaseSignature&) override {}
  void subcase_end() override {}
  void log_assert(const doctest::AssertData&) override {}
  void log_message(const doctest::MessageData&) override {}
  void test_case_skipped(const doctest::TestCaseData&) override {}
};

REGISTER_LISTENER("exchange_test_name", 2, TestNameListener);

bool IsText(const std::string& content_type, const std::string& body) {
  if (content_type.find("json") != std::string::npos ||
      content_type.find("xml") != std::string::npos) {
    return true;
  }
  return body.size() <= 64 * 1024 && body.find('\0') == std::string::npos;
}

void AddBody(Value& line, const char* name, const std::string& content_type,
             const std::string& body) {
  if (IsText(content_type, body)) {
    line.Set(name, Value::String(body));
  } else {
    line.Set(std::string(name) + "_bytes", Value::Int(static_cast<int64_t>(body.size())));
  }
}

}  // namespace

const char* CurrentTestName() { return g_test_name; }

void RecordExchanges(httplib::ClientImpl& client) {
  const char* file = std::getenv("CAMMIO_OPENAPI_RECORD");
  if (file == nullptr || *file == '\0') return;
  std::string path = file;
  client.set_logger([path](const httplib::Request& req, const httplib::Response& res) {
    static std::mutex mu;
    Value line = Value::Object();
    line.Set("test", Value::String(CurrentTestName()));
    line.Set("method", Value::String(req.method));
    line.Set("path", Value::String(req.path));
    std::string req_type = req.get_header_value("Content-Type");
    line.Set("request_content_type", Value::String(req_type));
    if (!req.body.empty()) AddBody(line, "request_body", req_type, req.body);
    line.Set("status", Value::Int(res.status));
    std::string res_type = res.get_header_value("Content-Type");
    line.Set("response_content_type", Value::String(res_type));
    AddBody(line, "response_body", res_type, res.body);
    std::string text = RenderJson(line) + "\n";
    std::lock_guard<std::mutex> lock(mu);
    std::ofstream out(path, std::ios::app | std::ios::binary);
    out << text;
  });
}

}  // namespace cammio::testing
