// OK / ERR / EOF codecs; see response.h.
#include "protocol/mysql/response.h"

#include "protocol/mysql/coding.h"
#include "protocol/mysql/constants.h"
#include "protocol/mysql/framer.h"

namespace switchyard::mysql {

static uint8_t first_byte(std::string_view payload) {
  return payload.empty() ? 0 : static_cast<uint8_t>(payload[0]);
}

bool is_eof_packet(std::string_view payload) {
  // A text row starting with 0xFE carries an 8-byte length, so it is at least 9 bytes long.
  return first_byte(payload) == kEofHeader && !payload.empty() && payload.size() < 9;
}

bool is_ok_packet(std::string_view payload, uint32_t capabilities) {
  if (payload.empty()) return false;
  if (first_byte(payload) == kOkHeader) return payload.size() >= 3;  // header and two lenenc ints
  // The OK that ends a result set under CLIENT_DEPRECATE_EOF: a row this short cannot start 0xFE.
  return first_byte(payload) == kEofHeader && (capabilities & cap::kDeprecateEof) != 0 &&
         payload.size() < kMaxPacketChunk;
}

bool is_err_packet(std::string_view payload) { return first_byte(payload) == kErrHeader; }

std::optional<OkPacket> decode_ok(std::string_view payload, uint32_t capabilities) {
  ByteReader r(payload);
  OkPacket ok;
  if (!r.u8(ok.header) || (ok.header != kOkHeader && ok.header != kEofHeader)) return std::nullopt;
  if (!r.lenenc_int(ok.affected_rows) || !r.lenenc_int(ok.last_insert_id)) return std::nullopt;
  if (capabilities & cap::kProtocol41) {
    if (!r.u16(ok.status_flags) || !r.u16(ok.warnings)) return std::nullopt;
  } else if (capabilities & cap::kTransactions) {
    if (!r.u16(ok.status_flags)) return std::nullopt;
  }
  if (capabilities & cap::kSessionTrack) {
    // Servers leave out an empty info string at the end of the packet.
    if (!r.at_end() && !r.lenenc_str(ok.info)) return std::nullopt;
    if ((ok.status_flags & status::kSessionStateChanged) && !r.lenenc_str(ok.session_state_info)) {
      return std::nullopt;
    }
  } else {
    ok.info = r.rest();
  }
  return ok;
}

std::optional<ErrPacket> decode_err(std::string_view payload, uint32_t capabilities) {
  ByteReader r(payload);
  uint8_t header = 0;
  ErrPacket err;
  if (!r.u8(header) || header != kErrHeader || !r.u16(err.error_code)) return std::nullopt;
  if (err.error_code == kProgressReportCode) {  // stage, max stage, progress, then a lenenc string
    err.message = r.rest();
    return err;
  }
  // The '#' marker and SQLSTATE come with CLIENT_PROTOCOL_41; an ERR sent before the
  // capabilities are settled (in place of the greeting) may lack them either way.
  uint8_t marker = 0;
  if ((capabilities & cap::kProtocol41) && r.peek(marker) && marker == '#') {
    r.skip(1);
    if (!r.bytes(5, err.sql_state)) return std::nullopt;
  }
  err.message = r.rest();
  return err;
}

std::optional<EofPacket> decode_eof(std::string_view payload, uint32_t capabilities) {
  if (!is_eof_packet(payload)) return std::nullopt;
  ByteReader r(payload);
  r.skip(1);
  EofPacket eof;
  if ((capabilities & cap::kProtocol41) && (!r.u16(eof.warnings) || !r.u16(eof.status_flags))) return std::nullopt;
  return eof;
}

void encode_ok(std::string& out, const OkPacket& ok, uint32_t capabilities) {
  put_u8(out, ok.header);
  put_lenenc_int(out, ok.affected_rows);
  put_lenenc_int(out, ok.last_insert_id);
  if (capabilities & cap::kProtocol41) {
    put_u16(out, ok.status_flags);
    put_u16(out, ok.warnings);
  } else if (capabilities & cap::kTransactions) {
    put_u16(out, ok.status_flags);
  }
  if (capabilities & cap::kSessionTrack) {
    const bool state = (ok.status_flags & status::kSessionStateChanged) != 0;
    if (!ok.info.empty() || state) put_lenenc_str(out, ok.info);
    if (state) put_lenenc_str(out, ok.session_state_info);
  } else {
    out.append(ok.info);
  }
}

void encode_err(std::string& out, const ErrPacket& err, uint32_t capabilities) {
  put_u8(out, kErrHeader);
  put_u16(out, err.error_code);
  if ((capabilities & cap::kProtocol41) && err.sql_state.size() == 5) {
    out.push_back('#');
    out.append(err.sql_state);
  }
  out.append(err.message);
}

void encode_eof(std::string& out, const EofPacket& eof, uint32_t capabilities) {
  put_u8(out, kEofHeader);
  if (capabilities & cap::kProtocol41) {
    put_u16(out, eof.warnings);
    put_u16(out, eof.status_flags);
  }
}

std::string build_error_packet(uint8_t sequence_id, uint16_t error_code, std::string_view sql_state,
                               std::string_view message, uint32_t capabilities) {
  std::string payload;
  encode_err(payload, ErrPacket{error_code, sql_state, message}, capabilities);
  std::string out;
  encode_packet(out, sequence_id, payload);
  return out;
}

}  // namespace switchyard::mysql
