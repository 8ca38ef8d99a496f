// Loopback TCP helpers: a free port to listen on, and bounded connects.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

namespace switchyard::test_support {

// A port on 127.0.0.1 that was free a moment ago: bound with port 0, read back, closed.
// Another process may take it before we use it; callers that start servers retry on a bind error.
int pick_free_port();

// Connects to host:port (numeric IPv4) within `timeout`. Returns a blocking, close-on-exec socket,
// or -1 with the reason in `error`.
int connect_tcp(const std::string& host, int port, std::chrono::milliseconds timeout, std::string& error);

// Writes all of `bytes` to the blocking socket `fd` (retrying short writes and EINTR, never
// raising SIGPIPE). False with the reason in `error`.
bool send_all(int fd, std::string_view bytes, std::string& error);

// Whether host:port accepts a TCP connection right now (the connection is closed at once).
bool accepts_tcp(const std::string& host, int port);

}  // namespace switchyard::test_support
