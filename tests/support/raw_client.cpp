// Raw protocol client over a blocking socket read with poll deadlines (see raw_client.h).
#include "tests/support/raw_client.h"

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "tests/support/net.h"
#include "tests/support/wait.h"

namespace switchyard::test_support {

RawClient::RawClient(const Endpoint& endpoint) { fd_ = connect_tcp(endpoint.host, endpoint.port, 5s, error_); }

RawClient::~RawClient() {
  if (fd_ >= 0) close(fd_);
}

bool RawClient::send(const std::string& bytes) { return send_all(fd_, bytes, error_); }

bool RawClient::fill(std::size_t size, std::chrono::steady_clock::time_point deadline) {
  while (buffer_.size() < size) {
    if (closed_ || fd_ < 0) return false;
    pollfd waiting{fd_, POLLIN, 0};
    const int ready = poll(&waiting, 1, millis_until(deadline));
    if (ready == 0) return false;
    if (ready < 0 && errno == EINTR) continue;
    char chunk[16384];
    const ssize_t n = ready < 0 ? -1 : recv(fd_, chunk, sizeof chunk, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      if (n < 0) error_ = std::string("recv: ") + std::strerror(errno);
      closed_ = true;
      return false;
    }
    buffer_.append(chunk, static_cast<std::size_t>(n));
    received_.append(chunk, static_cast<std::size_t>(n));
  }
  return true;
}

std::optional<char> RawClient::read_byte(std::chrono::milliseconds timeout) {
  if (!fill(1, std::chrono::steady_clock::now() + timeout)) return std::nullopt;
  const char byte = buffer_[0];
  buffer_.erase(0, 1);
  return byte;
}

std::optional<BackendMessage> RawClient::read_message(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  if (!fill(5, deadline)) return std::nullopt;
  uint32_t length = 0;
  for (int i = 1; i <= 4; ++i) length = length << 8 | static_cast<unsigned char>(buffer_[i]);
  if (length < 4 || length > (1u << 30)) {
    error_ = "implausible message length " + std::to_string(length);
    return std::nullopt;
  }
  if (!fill(1 + length, deadline)) return std::nullopt;
  BackendMessage result{buffer_[0], buffer_.substr(5, length - 4)};
  buffer_.erase(0, 1 + length);
  return result;
}

bool RawClient::read_until(char type, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (auto next = read_message(std::chrono::milliseconds(millis_until(deadline)))) {
    if (next->type == type) return true;
  }
  return false;
}

bool RawClient::wait_closed(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!closed_ && fill(buffer_.size() + 1, deadline)) {
  }
  return closed_;
}

std::string printable(const std::string& bytes) {
  std::string text;
  for (const char c : bytes) {
    if (c >= 0x20 && c < 0x7f && c != '\\') {
      text += c;
    } else {
      char escaped[8];
      std::snprintf(escaped, sizeof escaped, "\\x%02x", static_cast<unsigned char>(c));
      text += escaped;
    }
  }
  return text;
}

}  // namespace switchyard::test_support
