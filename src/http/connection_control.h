// Lets the request pipeline ask the listener to close a connection after the
// current response: a request refused in the pre-routing hook (404, 403, 429...)
// still has its body unread on the stream, and reading the next request from
// there would parse body bytes as a request line. Closing is the only safe
// answer that does not read an untrusted body.
//
// Thread-safety: per thread; cpp-httplib serves one request of a connection
// at a time on one worker thread.
#pragma once

namespace cammio::http {

// Marks the connection served by this thread for closing after this response.
void RequestConnectionClose();
// Returns and clears the mark. Listeners call it after each request.
bool TakeConnectionCloseRequest();

// Closes our sending side and reads (and drops) what the client still sends
// for up to ~1 s or 4 MiB, so the client reads our answer before the kernel
// resets the connection over unread input. The caller closes the socket.
void LingeringClose(int sock);

}  // namespace cammio::http
