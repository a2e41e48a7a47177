// LiveTransport (api/live.h) over the transport's event streams
// (http/event_streams.h): what `cammio serve` and the tests' TestServer give
// LiveRooms.
//
// Thread-safety: as http::EventStreams (every method from any thread).
#pragma once

#include "api/live.h"
#include "http/event_streams.h"

namespace cammio {

class EventStreamsTransport : public LiveTransport {
 public:
  // `streams` outlives this.
  explicit EventStreamsTransport(http::EventStreams& streams) : streams_(streams) {}
  bool Send(live::StreamId id, std::string frame) override {
    return streams_.Send(id, std::move(frame));
  }
  void Close(live::StreamId id) override { streams_.Close(id); }
  uint64_t Open(httplib::Response& res, std::string first,
                std::function<void(uint64_t)> closed) override {
    return http::AnswerWithEventStream(res, streams_, std::move(first), std::move(closed));
  }

 private:
  http::EventStreams& streams_;
};

}  // namespace cammio
