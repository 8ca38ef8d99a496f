// Plain-socket HTTP/1.1 client; see http_client.h.
#include "tests/support/http_client.h"

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>

#include "tests/support/net.h"
#include "tests/support/wait.h"

namespace switchyard::test_support {

std::string HttpResponse::header(const std::string& name) const {
  const std::string key = "\n" + name + ":";
  const size_t at = headers.find(key);
  if (at == std::string::npos) return {};
  size_t begin = at + key.size();
  const size_t end = headers.find('\r', begin);
  while (begin < end && headers[begin] == ' ') ++begin;
  return headers.substr(begin, end - begin);
}

std::string HttpResponse::describe() const {
  if (status == 0) return "no response: " + error;
  return "HTTP " + std::to_string(status) + "\n" + body;
}

HttpResponse http_request(int port, const std::string& method, const std::string& target, const std::string& token,
                          std::chrono::milliseconds timeout) {
  HttpResponse out;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  const int fd = connect_tcp("127.0.0.1", port, 5s, out.error);
  if (fd < 0) return out;
  std::string request = method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n";
  if (!token.empty()) request += "Authorization: Bearer " + token + "\r\n";
  if (method == "POST") request += "Content-Length: 0\r\n";
  request += "\r\n";
  if (::send(fd, request.data(), request.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(request.size())) {
    out.error = std::string("send: ") + std::strerror(errno);
    ::close(fd);
    return out;
  }
  std::string raw;
  for (;;) {
    pollfd p{fd, POLLIN, 0};
    const int ready = ::poll(&p, 1, millis_until(deadline));
    if (ready <= 0) {
      out.error = ready == 0 ? "timed out after " + std::to_string(timeout.count()) + " ms" : std::strerror(errno);
      ::close(fd);
      return out;
    }
    char buf[4096];
    const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;  // the server closes after its response (Connection: close)
    raw.append(buf, static_cast<size_t>(n));
  }
  ::close(fd);
  const size_t head_end = raw.find("\r\n\r\n");
  if (raw.rfind("HTTP/1.1 ", 0) != 0 || head_end == std::string::npos || raw.size() < 12) {
    out.error = "malformed response: " + raw;
    return out;
  }
  out.status = std::atoi(raw.substr(9, 3).c_str());
  out.headers = raw.substr(raw.find("\r\n"), head_end + 2 - raw.find("\r\n"));
  // Header names are case-insensitive: lower-case them (names only, up to each ':').
  for (size_t line = out.headers.find('\n'); line != std::string::npos; line = out.headers.find('\n', line + 1))
    for (size_t i = line + 1; i < out.headers.size() && out.headers[i] != ':' && out.headers[i] != '\r'; ++i)
      out.headers[i] = static_cast<char>(std::tolower(static_cast<unsigned char>(out.headers[i])));
  out.body = raw.substr(head_end + 4);
  return out;
}

}  // namespace switchyard::test_support
