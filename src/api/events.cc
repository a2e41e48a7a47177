#include "api/events.h"

namespace cammio {
namespace {

class NoEventsImpl final : public Events {
 public:
  Status InterviewCompleted(Db&, const CompletionResult&, int64_t) override { return Status::OK(); }
  void MailQueued() override {}
  void NotificationQueued() override {}
};

}  // namespace

Events& NoEvents() {
  static NoEventsImpl none;
  return none;
}

}  // namespace cammio
