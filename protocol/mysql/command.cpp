// Command packet codecs; see command.h.
#include "protocol/mysql/command.h"

namespace switchyard::mysql {

std::optional<Command> command_of(std::string_view payload) {
  if (payload.empty()) return std::nullopt;
  return static_cast<Command>(static_cast<uint8_t>(payload[0]));
}

Decoded<std::string_view> decode_query(std::string_view payload, uint32_t capabilities) {
  using Result = Decoded<std::string_view>;
  ByteReader r(payload);
  uint8_t command = 0;
  if (!r.u8(command) || command != static_cast<uint8_t>(Command::kQuery)) return Result::fail("not a COM_QUERY");
  if (capabilities & cap::kQueryAttributes) {
    uint64_t count = 0, sets = 0;
    if (!r.lenenc_int(count) || !r.lenenc_int(sets)) return Result::fail("COM_QUERY: truncated attribute count");
    if (count != 0) return Result::fail("query attributes are not supported");
  }
  return Result::ok(r.rest());
}

void encode_query(std::string& out, std::string_view sql, uint32_t capabilities) {
  put_u8(out, static_cast<uint8_t>(Command::kQuery));
  if (capabilities & cap::kQueryAttributes) {
    put_lenenc_int(out, 0);  // parameter_count
    put_lenenc_int(out, 1);  // parameter_set_count, always 1
  }
  out.append(sql);
}

std::optional<std::string_view> decode_init_db(std::string_view payload) {
  if (command_of(payload) != Command::kInitDb) return std::nullopt;
  return payload.substr(1);
}

}  // namespace switchyard::mysql
