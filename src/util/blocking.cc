#include "util/blocking.h"

namespace cammio::util {
namespace {

thread_local BlockingObserver* t_observer = nullptr;
thread_local int t_depth = 0;  // open regions on this thread

}  // namespace

void SetThreadBlockingObserver(BlockingObserver* observer) { t_observer = observer; }

ScopedBlocking::ScopedBlocking() : observer_(t_depth++ == 0 ? t_observer : nullptr) {
  if (observer_ != nullptr) observer_->BlockingBegins();
}

ScopedBlocking::~ScopedBlocking() {
  --t_depth;
  if (observer_ != nullptr) observer_->BlockingEnds();
}

}  // namespace cammio::util
