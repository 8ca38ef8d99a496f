// The byte-order-free half of a payload reader, shared by the PostgreSQL and MySQL codecs
// (protocol/pg/coding.h reads big-endian integers, protocol/mysql/coding.h little-endian ones):
// C strings, byte runs and the position. Every getter returns false when the payload is too short;
// after a false the position is unspecified. The viewed bytes must outlive the cursor.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace switchyard::protocol {

class ByteCursor {
 public:
  explicit ByteCursor(std::string_view data) : data_(data) {}

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
  bool skip(size_t n) {
    std::string_view ignored;
    return bytes(n, ignored);
  }
  // Everything left.
  std::string_view rest() {
    const std::string_view v = data_.substr(pos_);
    pos_ = data_.size();
    return v;
  }
  // The next byte without consuming it; false at the end.
  bool peek(uint8_t& v) const {
    if (pos_ >= data_.size()) return false;
    v = static_cast<uint8_t>(data_[pos_]);
    return true;
  }
  size_t remaining() const { return data_.size() - pos_; }
  bool at_end() const { return pos_ == data_.size(); }

 protected:
  // The next `n` bytes, which the caller has checked are there.
  const unsigned char* take(size_t n) {
    const auto* p = reinterpret_cast<const unsigned char*>(data_.data() + pos_);
    pos_ += n;
    return p;
  }

 private:
  std::string_view data_;
  size_t pos_ = 0;
};

}  // namespace switchyard::protocol
