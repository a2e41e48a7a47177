#include "http/connection_control.h"

namespace cammio::http {
namespace {
thread_local bool t_close_requested = false;
}  // namespace

void RequestConnectionClose() { t_close_requested = true; }

bool TakeConnectionCloseRequest() {
  bool requested = t_close_requested;
  t_close_requested = false;
  return requested;
}

}  // namespace cammio::http
