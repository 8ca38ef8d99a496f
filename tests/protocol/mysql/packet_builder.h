// Builds MySQL packet byte fixtures for tests, so no test counts bytes by hand; and reads the
// hex dumps that document examples and captured MariaDB bytes are written as.
#pragma once

#include <cctype>
#include <string>
#include <string_view>

#include "protocol/mysql/coding.h"
#include "protocol/mysql/framer.h"

namespace switchyard::mysql::testing {

// "0a 35 2e ..." (whitespace ignored) to bytes.
inline std::string from_hex(std::string_view hex) {
  std::string out;
  int high = -1;
  for (char c : hex) {
    if (std::isspace(static_cast<unsigned char>(c))) continue;
    const int v = std::isdigit(static_cast<unsigned char>(c)) ? c - '0' : std::tolower(c) - 'a' + 10;
    if (high < 0) {
      high = v;
    } else {
      out.push_back(static_cast<char>(high * 16 + v));
      high = -1;
    }
  }
  return out;
}

// A stream of packets, numbered on from a sequence id.
class PacketBuilder {
 public:
  explicit PacketBuilder(uint8_t first_sequence_id = 0) : next_(first_sequence_id) {}
  PacketBuilder& packet(std::string_view payload) {
    next_ = encode_packet(bytes_, next_, payload);
    return *this;
  }
  PacketBuilder& raw(std::string_view b) {
    bytes_.append(b);
    return *this;
  }
  const std::string& bytes() const { return bytes_; }

 private:
  std::string bytes_;
  uint8_t next_;
};

}  // namespace switchyard::mysql::testing
