// A raw TCP client for protocol-level tests: sends exact bytes and reads backend messages
// with time limits, so a misbehaving proxy makes a test fail rather than hang.
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "tests/support/endpoint.h"

namespace switchyard::test_support {

using namespace std::chrono_literals;

struct BackendMessage {
  char type = 0;
  std::string body;  // without the type byte and the length
};

class RawClient {
 public:
  // Connects within a few seconds; check connected() and error().
  explicit RawClient(const Endpoint& endpoint);
  ~RawClient();
  RawClient(const RawClient&) = delete;
  RawClient& operator=(const RawClient&) = delete;

  bool connected() const { return fd_ >= 0; }
  const std::string& error() const { return error_; }

  // Writes all of `bytes` in one send() call where the kernel allows. False on error.
  bool send(const std::string& bytes);
  // Reads exactly one byte (SSLRequest answers); nullopt on timeout, end of stream or error.
  std::optional<char> read_byte(std::chrono::milliseconds timeout = 5s);
  // Reads one whole backend message; nullopt on timeout, end of stream or error.
  std::optional<BackendMessage> read_message(std::chrono::milliseconds timeout = 5s);
  // Reads messages until one of type `type` arrives; false if the stream ends or time runs out.
  bool read_until(char type, std::chrono::milliseconds timeout = 10s);
  // Reads and keeps everything until the peer closes: true if it did within `timeout`.
  bool wait_closed(std::chrono::milliseconds timeout);
  // Every byte received so far, for failure messages.
  const std::string& received() const { return received_; }

 private:
  // Reads until `size` unread bytes are buffered; false on timeout, end of stream or error.
  bool fill(std::size_t size, std::chrono::steady_clock::time_point deadline);

  int fd_ = -1;
  std::string error_;
  std::string buffer_;       // received, not yet consumed
  std::string received_;     // everything received
  bool closed_ = false;      // the peer closed, or the socket failed
};

// Printable form of protocol bytes: letters stay, the rest becomes \xNN.
std::string printable(const std::string& bytes);

}  // namespace switchyard::test_support
