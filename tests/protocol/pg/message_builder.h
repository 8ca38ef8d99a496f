// Builds PostgreSQL message byte fixtures for tests, so no test counts bytes by hand.
#pragma once

#include <string>
#include <string_view>

#include "protocol/pg/backend.h"
#include "protocol/pg/coding.h"

namespace switchyard::pg::testing {

class MessageBuilder {
 public:
  MessageBuilder& message(char type, std::string_view body) {
    encode_message(bytes_, type, body);
    return *this;
  }
  MessageBuilder& query(std::string_view sql) {
    std::string body(sql);
    body.push_back('\0');
    return message('Q', body);
  }
  MessageBuilder& raw(std::string_view b) {
    bytes_.append(b);
    return *this;
  }
  // A header claiming `length`, with no body.
  MessageBuilder& header(char type, uint32_t length) {
    bytes_.push_back(type);
    put_u32(bytes_, length);
    return *this;
  }
  const std::string& bytes() const { return bytes_; }

 private:
  std::string bytes_;
};

}  // namespace switchyard::pg::testing
