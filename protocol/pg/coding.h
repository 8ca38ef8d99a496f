// Big-endian integer and C-string coding for the PostgreSQL wire protocol.
// Pure helpers: encoders append to a std::string; decoders read from a ByteReader and report
// failure by returning false instead of throwing, so truncated input is an ordinary outcome.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

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

// Sequential reader over one message body. Every getter returns false when the body is too
// short; after a false the reader's position is unspecified.
class ByteReader {
 public:
  explicit ByteReader(std::string_view data) : data_(data) {}

  bool u8(uint8_t& v) {
    if (data_.size() - pos_ < 1) return false;
    v = static_cast<uint8_t>(data_[pos_++]);
    return true;
  }
  bool u16(uint16_t& v) {
    if (data_.size() - pos_ < 2) return false;
    v = static_cast<uint16_t>((static_cast<uint8_t>(data_[pos_]) << 8) | static_cast<uint8_t>(data_[pos_ + 1]));
    pos_ += 2;
    return true;
  }
  bool u32(uint32_t& v) {
    if (data_.size() - pos_ < 4) return false;
    v = get_u32(reinterpret_cast<const unsigned char*>(data_.data() + pos_));
    pos_ += 4;
    return true;
  }
  // Reads up to the next NUL; false if there is none.
  bool cstring(std::string_view& v) {
    const auto end = data_.find('\0', pos_);
    if (end == std::string_view::npos) return false;
    v = data_.substr(pos_, end - pos_);
    pos_ = end + 1;
    return true;
  }
  bool bytes(size_t n, std::string_view& v) {
    if (data_.size() - pos_ < n) return false;
    v = data_.substr(pos_, n);
    pos_ += n;
    return true;
  }
  size_t remaining() const { return data_.size() - pos_; }
  bool at_end() const { return pos_ == data_.size(); }

 private:
  std::string_view data_;
  size_t pos_ = 0;
};

}  // namespace switchyard::pg
