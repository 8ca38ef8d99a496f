// A minimal HTTP/1.1 client for the admin API in integration tests: one request per
// connection (Connection: close), read to end of stream, every step bounded by a deadline.
#pragma once

#include <chrono>
#include <string>

namespace switchyard::test_support {

using namespace std::chrono_literals;

struct HttpResponse {
  int status = 0;               // 0 when no response was read; see `error`
  std::string headers;          // the raw header lines, lower-cased names, for look-ups
  std::string body;
  std::string error;            // why there is no response
  // The value of header `name` (lower case), or "".
  std::string header(const std::string& name) const;
  // For assertion messages.
  std::string describe() const;
};

// Sends `method target` to 127.0.0.1:port with `Authorization: Bearer token` when `token` is
// not empty, and reads the whole response within `timeout`.
HttpResponse http_request(int port, const std::string& method, const std::string& target,
                          const std::string& token = {}, std::chrono::milliseconds timeout = 30s);

}  // namespace switchyard::test_support
