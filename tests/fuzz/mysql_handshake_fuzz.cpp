// Fuzzes the connection-phase and prepared-statement decoders: any payload must decode or fail
// without crashing, and whatever decodes must re-encode to a payload that decodes to the same
// thing (encode(decode(encode(x))) == encode(x)).
#include <cstdint>
#include <cstdlib>
#include <string>

#include "protocol/mysql/auth.h"
#include "protocol/mysql/binary_value.h"
#include "protocol/mysql/handshake.h"
#include "protocol/mysql/statement.h"

namespace {

using namespace switchyard::mysql;

template <typename T, typename Decode, typename Encode>
void round_trip(std::string_view payload, Decode decode, Encode encode) {
  const auto first = decode(payload);
  if (!first) return;
  std::string once;
  encode(once, *first);
  const auto second = decode(once);
  if (!second) std::abort();
  std::string twice;
  encode(twice, *second);
  if (once != twice) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const uint8_t num_params = data[0] % 8;  // the first byte: COM_STMT_EXECUTE's parameter count
  const std::string_view payload(reinterpret_cast<const char*>(data + 1), size - 1);
  round_trip<HandshakeV10>(payload, decode_handshake_v10, encode_handshake_v10);
  round_trip<HandshakeResponse41>(payload, decode_handshake_response, encode_handshake_response);
  round_trip<StmtExecute>(
      payload, [&](std::string_view p) { return decode_stmt_execute(p, num_params); }, encode_stmt_execute);
  // What a shadow read makes of each bound value: a literal, or nothing (never a crash).
  if (const auto execute = decode_stmt_execute(payload, num_params); execute.value)
    for (const ExecuteParam& param : execute.value->params)
      if (!param.is_null && !param.long_data) (void)binary_value_literal(param.type.type, param.type.is_unsigned, param.value, "utf8mb4");
  (void)is_ssl_request(payload);
  if (const auto sw = decode_auth_switch_request(payload)) (void)sw->nonce();
  if (const auto more = decode_auth_more_data(payload)) (void)classify_caching_sha2(*more);
  (void)decode_stmt_prepare_ok(payload);
  (void)decode_stmt_send_long_data(payload);
  return 0;
}
