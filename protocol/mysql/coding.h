// Little-endian fixed-width integers, length-encoded integers and strings of the MySQL / MariaDB
// client/server protocol (MySQL source docs, "Basic Data Types": page_protocol_basic_dt_integers,
// page_protocol_basic_dt_strings; MariaDB KB "Protocol Data Types").
// Pure helpers: encoders append to a std::string; decoders read from a ByteReader and report
// failure by returning false instead of throwing, so truncated input is an ordinary outcome.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "protocol/byte_cursor.h"

namespace switchyard::mysql {

// The first byte of a length-encoded integer: below 0xFB the value itself; 0xFC, 0xFD, 0xFE
// announce 2, 3 and 8 more bytes. 0xFB is NULL in a text row and 0xFF starts an ERR packet.
inline constexpr uint8_t kLenencNull = 0xFB;

// Appends the low `width` bytes of `v`, least significant first.
inline void put_int(std::string& out, uint64_t v, int width) {
  for (int i = 0; i < width; ++i) out.push_back(static_cast<char>(v >> (8 * i)));
}
inline void put_u8(std::string& out, uint8_t v) { out.push_back(static_cast<char>(v)); }
inline void put_u16(std::string& out, uint16_t v) { put_int(out, v, 2); }
inline void put_u24(std::string& out, uint32_t v) { put_int(out, v, 3); }
inline void put_u32(std::string& out, uint32_t v) { put_int(out, v, 4); }

// int<lenenc>: the shortest form, as the servers write it.
inline void put_lenenc_int(std::string& out, uint64_t v) {
  if (v < 0xFB) {
    put_u8(out, static_cast<uint8_t>(v));
  } else if (v <= 0xFFFF) {
    put_u8(out, 0xFC);
    put_int(out, v, 2);
  } else if (v <= 0xFFFFFF) {
    put_u8(out, 0xFD);
    put_int(out, v, 3);
  } else {
    put_u8(out, 0xFE);
    put_int(out, v, 8);
  }
}
// string<lenenc>: its length as int<lenenc>, then the bytes.
inline void put_lenenc_str(std::string& out, std::string_view s) {
  put_lenenc_int(out, s.size());
  out.append(s);
}
// string<NUL>.
inline void put_cstring(std::string& out, std::string_view s) {
  out.append(s);
  out.push_back('\0');
}

// REQUIRES: p points at `width` readable bytes.
inline uint64_t get_int(const unsigned char* p, int width) {
  uint64_t v = 0;
  for (int i = width - 1; i >= 0; --i) v = (v << 8) | p[i];
  return v;
}

// Sequential reader over one packet payload: little-endian and length-encoded integers on top
// of the shared cursor (C strings, byte runs, string<EOF> as rest()).
class ByteReader : public protocol::ByteCursor {
 public:
  using ByteCursor::ByteCursor;

  bool fixed(int width, uint64_t& v) {
    if (remaining() < static_cast<size_t>(width)) return false;
    v = get_int(take(static_cast<size_t>(width)), width);
    return true;
  }
  template <typename T>
  bool u(T& v, int width = sizeof(T)) {
    uint64_t x = 0;
    if (!fixed(width, x)) return false;
    v = static_cast<T>(x);
    return true;
  }
  bool u8(uint8_t& v) { return u(v); }
  bool u16(uint16_t& v) { return u(v); }
  bool u32(uint32_t& v) { return u(v); }
  // int<lenenc>. False on 0xFB (NULL) and 0xFF (no integer starts so) as on truncation.
  bool lenenc_int(uint64_t& v) {
    uint8_t first = 0;
    if (!u8(first)) return false;
    if (first < 0xFB) {
      v = first;
      return true;
    }
    switch (first) {
      case 0xFC: return fixed(2, v);
      case 0xFD: return fixed(3, v);
      case 0xFE: return fixed(8, v);
      default: return false;
    }
  }
  bool lenenc_str(std::string_view& v) {
    uint64_t n = 0;
    return lenenc_int(n) && n <= remaining() && bytes(static_cast<size_t>(n), v);
  }
};

// A decoded value, or why the payload could not be decoded (a fixed text naming the field).
template <typename T>
struct Decoded {
  std::optional<T> value;
  std::string_view error;

  static Decoded fail(std::string_view why) { return Decoded{std::nullopt, why}; }
  static Decoded ok(T v) { return Decoded{std::move(v), {}}; }
  explicit operator bool() const { return value.has_value(); }
  const T& operator*() const { return *value; }
  const T* operator->() const { return &*value; }
};

}  // namespace switchyard::mysql
