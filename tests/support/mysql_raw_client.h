// A raw TCP client for MySQL-protocol tests: sends payloads as packets and reads the server's
// logical packets through protocol/mysql's Framer, with time limits, keeping every byte it
// received so a test can feed the same bytes to the codecs again, split anywhere.
#pragma once

#include <chrono>
#include <deque>
#include <optional>
#include <string>

#include "protocol/mysql/framer.h"

namespace switchyard::test_support {

using namespace std::chrono_literals;

struct MysqlPacket {
  uint8_t sequence_id = 0;
  uint8_t last_sequence_id = 0;
  std::string payload;
};

class MysqlRawClient : private mysql::FramerCallbacks {
 public:
  // Connects to host:port within a few seconds; check connected() and error().
  MysqlRawClient(const std::string& host, int port);
  ~MysqlRawClient() override;
  MysqlRawClient(const MysqlRawClient&) = delete;
  MysqlRawClient& operator=(const MysqlRawClient&) = delete;

  bool connected() const { return fd_ >= 0; }
  const std::string& error() const { return error_; }

  // Sends `payload` as packets numbered from `sequence_id`. False on error.
  bool send(uint8_t sequence_id, std::string_view payload);
  // Sends wire bytes as they are (several packets in one write: a pipelining client).
  bool send_bytes(std::string_view bytes);
  // The next logical packet from the server; nullopt on timeout, end of stream, framing error.
  std::optional<MysqlPacket> read(std::chrono::milliseconds timeout = 10s);

  // Every byte received since the last call, and forgets them.
  std::string take_received();

 private:
  void on_packet(const mysql::Packet& packet) override;

  int fd_ = -1;
  std::string error_;
  mysql::Framer framer_{64u << 20};
  std::deque<MysqlPacket> packets_;
  std::string received_;
};

}  // namespace switchyard::test_support
