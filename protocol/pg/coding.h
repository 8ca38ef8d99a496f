// Big-endian integer and C-string coding for the PostgreSQL wire protocol.
// Pure helpers: encoders append to a std::string; decoders read from a ByteReader and report
// failure by returning false instead of throwing, so truncated input is an ordinary outcome.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "protocol/byte_cursor.h"

namespace switchyard::pg {

inline void put_u8(std::string& out, uint8_t v) { out.push_back(static_cast<char>(v)); }

inline void put_u16(std::string& out, uint16_t v) {
  out.push_back(static_cast<char>(v >> 8));
  out.push_back(static_cast<char>(v));
}

inline void put_u32(std::string& out, uint32_t v) {
  const char b[4] = {static_cast<char>(v >> 24), static_cast<char>(v >> 16),
                     static_cast<char>(v >> 8), static_cast<char>(v)};
  out.append(b, 4);
}

inline void put_cstring(std::string& out, std::string_view s) {
  out.append(s);
  out.push_back('\0');
}

// REQUIRES: p points at 4 readable bytes.
inline uint32_t get_u32(const unsigned char* p) {
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | uint32_t{p[3]};
}

// Sequential reader over one message body: big-endian integers on top of the shared cursor.
class ByteReader : public protocol::ByteCursor {
 public:
  using ByteCursor::ByteCursor;

  bool u8(uint8_t& v) {
    if (remaining() < 1) return false;
    v = *take(1);
    return true;
  }
  bool u16(uint16_t& v) {
    if (remaining() < 2) return false;
    const unsigned char* p = take(2);
    v = static_cast<uint16_t>((p[0] << 8) | p[1]);
    return true;
  }
  bool u32(uint32_t& v) {
    if (remaining() < 4) return false;
    v = get_u32(take(4));
    return true;
  }
};

}  // namespace switchyard::pg
