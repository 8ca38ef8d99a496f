// The generic responses of the MySQL / MariaDB protocol (MySQL source docs,
// page_protocol_basic_ok_packet, page_protocol_basic_err_packet, page_protocol_basic_eof_packet;
// MariaDB KB "OK_Packet", "ERR_Packet", "EOF_Packet"), decoded from and encoded to payloads.
//
// Which fields are present depends on the capabilities both sides agreed on, so every decoder
// takes them. Under CLIENT_DEPRECATE_EOF the server ends a result set with an OK packet whose
// header is 0xFE instead of an EOF packet; is_eof_packet / is_ok_packet tell them apart from
// rows by length, as the MySQL docs prescribe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace switchyard::mysql {

struct OkPacket {
  uint8_t header = 0x00;  // 0x00, or 0xFE where it stands in for an EOF
  uint64_t affected_rows = 0;
  uint64_t last_insert_id = 0;
  uint16_t status_flags = 0;
  uint16_t warnings = 0;
  std::string_view info;
  // The raw session state changes (CLIENT_SESSION_TRACK and SERVER_SESSION_STATE_CHANGED).
  std::string_view session_state_info;
};

struct ErrPacket {
  uint16_t error_code = 0;
  std::string_view sql_state;  // five characters, or empty when the server sent no '#' marker
  std::string_view message;
};

struct EofPacket {
  uint16_t warnings = 0;
  uint16_t status_flags = 0;
};

// MariaDB's progress report (CLIENT_PROGRESS): an ERR packet with code 0xFFFF that does not end
// the command (MariaDB KB "ERR_Packet").
inline constexpr uint16_t kProgressReportCode = 0xFFFF;

// Outside the rows of a result set (where a binary row also starts 0x00): whether a payload is
// an OK packet (header 0x00, or 0xFE under CLIENT_DEPRECATE_EOF when the
// payload is too short to be a row), an EOF packet (0xFE, shorter than 9 bytes), or an ERR.
bool is_ok_packet(std::string_view payload, uint32_t capabilities);
bool is_eof_packet(std::string_view payload);
bool is_err_packet(std::string_view payload);

// nullopt when the payload is not of that kind or is malformed. Views point into `payload`.
std::optional<OkPacket> decode_ok(std::string_view payload, uint32_t capabilities);
std::optional<ErrPacket> decode_err(std::string_view payload, uint32_t capabilities);
std::optional<EofPacket> decode_eof(std::string_view payload, uint32_t capabilities);

// Payload encoders. An OK with header 0xFE is what ends a result set under CLIENT_DEPRECATE_EOF.
void encode_ok(std::string& out, const OkPacket& ok, uint32_t capabilities);
void encode_err(std::string& out, const ErrPacket& err, uint32_t capabilities);
void encode_eof(std::string& out, const EofPacket& eof, uint32_t capabilities);

// The proxy's own refusal: a whole ERR packet (header included) with sequence id `sequence_id`,
// as the reply to the command it refuses. ER_NOT_SUPPORTED_YET (1235, SQLSTATE 42000) is the
// code for a statement switchyard cannot mirror safely.
inline constexpr uint16_t kErNotSupportedYet = 1235;
std::string build_error_packet(uint8_t sequence_id, uint16_t error_code, std::string_view sql_state,
                               std::string_view message, uint32_t capabilities);

}  // namespace switchyard::mysql
