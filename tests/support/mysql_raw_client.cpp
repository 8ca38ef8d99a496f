// Raw MySQL-protocol client for tests (see mysql_raw_client.h).
#include "tests/support/mysql_raw_client.h"

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "tests/support/net.h"
#include "tests/support/wait.h"

namespace switchyard::test_support {

MysqlRawClient::MysqlRawClient(const std::string& host, int port) { fd_ = connect_tcp(host, port, 5s, error_); }

MysqlRawClient::~MysqlRawClient() {
  if (fd_ >= 0) close(fd_);
}

bool MysqlRawClient::send(uint8_t sequence_id, std::string_view payload) {
  std::string bytes;
  mysql::encode_packet(bytes, sequence_id, payload);
  return send_all(fd_, bytes, error_);
}

bool MysqlRawClient::send_bytes(std::string_view bytes) { return send_all(fd_, std::string(bytes), error_); }

void MysqlRawClient::on_packet(const mysql::Packet& packet) {
  packets_.push_back(MysqlPacket{packet.sequence_id, packet.last_sequence_id, std::string(packet.payload)});
}

std::optional<MysqlPacket> MysqlRawClient::read(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (packets_.empty()) {
    pollfd waiting{fd_, POLLIN, 0};
    const int ready = poll(&waiting, 1, millis_until(deadline));
    if (ready <= 0) {
      error_ = ready == 0 ? "timed out waiting for a packet" : std::string("poll: ") + std::strerror(errno);
      return std::nullopt;
    }
    char buffer[16384];
    const ssize_t n = recv(fd_, buffer, sizeof buffer, 0);
    if (n <= 0) {
      error_ = n == 0 ? "server closed the connection" : std::string("recv: ") + std::strerror(errno);
      return std::nullopt;
    }
    const std::string_view bytes(buffer, static_cast<size_t>(n));
    received_.append(bytes);
    const mysql::FrameError e = framer_.feed(bytes, *this);
    if (e != mysql::FrameError::kNone) {
      error_ = std::string(mysql::to_string(e));
      return std::nullopt;
    }
  }
  MysqlPacket p = std::move(packets_.front());
  packets_.pop_front();
  return p;
}

std::string MysqlRawClient::take_received() {
  std::string out;
  out.swap(received_);
  return out;
}

}  // namespace switchyard::test_support
