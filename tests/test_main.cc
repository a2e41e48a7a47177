#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>

#include <mutex>
#include <sstream>
#include <string>
#include <vector>

#include "util/crypto.h"

namespace {

// Repeats every failed assertion, with its INFO context, after the whole run.
// CI keeps only the head and tail of a long log; with access logs and
// MESSAGEs in between, the failing line itself can fall in the cut part. The
// summary is the last thing printed, so it always survives.
class FailureSummary : public doctest::IReporter {
 public:
  explicit FailureSummary(const doctest::ContextOptions& options) : options_(options) {}

  void report_query(const doctest::QueryData&) override {}
  void test_run_start() override {}
  void test_run_end(const doctest::TestRunStats&) override {
    std::lock_guard<std::mutex> lock(mu_);
    if (failures_.empty()) return;
    std::ostream& out = *options_.cout;
    out << "\n=== failure summary: " << failures_.size() << " failed assertion(s) ===\n";
    for (const std::string& f : failures_) out << f << "\n";
  }
  void test_case_start(const doctest::TestCaseData&) override {}
  void test_case_reenter(const doctest::TestCaseData&) override {}
  void test_case_end(const doctest::CurrentTestCaseStats&) override {}
  void test_case_exception(const doctest::TestCaseException& e) override {
    std::lock_guard<std::mutex> lock(mu_);
    failures_.push_back(std::string("  exception: ") + e.error_string.c_str());
  }
  void subcase_start(const doctest::SubcaseSignature&) override {}
  void subcase_end() override {}
  void log_assert(const doctest::AssertData& a) override {
    if (!a.m_failed) return;
    std::ostringstream s;
    s << "- " << (a.m_test_case != nullptr ? a.m_test_case->m_name : "?") << "\n  " << a.m_file
      << ":" << a.m_line << ": " << a.m_expr;
    if (a.m_threw)
      s << "\n  threw: " << a.m_exception.c_str();
    else
      s << "\n  values: " << a.m_decomp.c_str();
    int n = get_num_active_contexts();
    const doctest::IContextScope* const* contexts = get_active_contexts();
    for (int i = 0; i < n; ++i) {
      s << "\n  context: ";
      contexts[i]->stringify(&s);
    }
    std::lock_guard<std::mutex> lock(mu_);
    if (failures_.size() < kMaxKept) failures_.push_back(s.str());
  }
  void log_message(const doctest::MessageData&) override {}
  void test_case_skipped(const doctest::TestCaseData&) override {}

 private:
  static constexpr size_t kMaxKept = 50;
  const doctest::ContextOptions& options_;
  std::mutex mu_;
  std::vector<std::string> failures_;
};

REGISTER_LISTENER("failure_summary", 1, FailureSummary);

}  // namespace

// As the product's RunCli: PSA crypto (TLS 1.3) is initialised once first.
int main(int argc, char** argv) {
  if (!cammio::InitCrypto()) return 1;
  return doctest::Context(argc, argv).run();
}
