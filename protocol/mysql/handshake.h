// The connection phase's first packets (MySQL source docs,
// page_protocol_connection_phase_packets_protocol_handshake_v10,
// page_protocol_connection_phase_packets_protocol_handshake_response,
// page_protocol_connection_phase_packets_protocol_ssl_request; MariaDB KB "Connection" >
// "Initial Handshake Packet", "SSLRequest Packet", "Handshake Response Packet").
//
// A proxy reads the server's greeting, may clear capabilities it cannot relay (CLIENT_COMPRESS,
// CLIENT_SSL on a leg without TLS, MySQL 8's query attributes) and re-encodes it for the client;
// then it reads the client's SSLRequest or HandshakeResponse41. Decoders copy what they keep
// (these packets come once per connection), so the structs own their strings.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "protocol/mysql/coding.h"

namespace switchyard::mysql {

struct HandshakeV10 {
  uint8_t protocol_version = 10;
  std::string server_version;  // MariaDB 10.x prefixes "5.5.5-"
  uint32_t connection_id = 0;
  std::string auth_plugin_data_1;  // the scramble's first 8 bytes
  uint32_t capabilities = 0;       // lower 16 bits, and the upper 16 unless short_form
  uint8_t character_set = 0;
  uint16_t status_flags = 0;
  uint8_t auth_plugin_data_len = 0;  // as sent (0 without CLIENT_PLUGIN_AUTH)
  // The 10 reserved bytes as sent: all zero from MySQL; from MariaDB 10.2+ (bit 0 of the
  // capabilities clear) six zero bytes, then MariaDB's extended capabilities.
  std::string reserved = std::string(10, '\0');
  std::string auth_plugin_data_2;  // as sent, MAX(13, auth_plugin_data_len - 8) bytes: a trailing NUL
  std::string auth_plugin_name;    // with CLIENT_PLUGIN_AUTH
  bool short_form = false;         // the greeting ended after the lower capability flags

  // The whole scramble (nonce): part 1 and part 2 without its trailing NUL, 20 bytes.
  std::string scramble() const;
  // MariaDB's extended capabilities (mariadb_cap::), 0 from MySQL.
  uint32_t mariadb_capabilities() const;
  void set_mariadb_capabilities(uint32_t caps);
};

// Decodes a greeting payload. An ERR payload in its place (too many connections, host blocked)
// fails with "server sent an error": decode it with decode_err.
Decoded<HandshakeV10> decode_handshake_v10(std::string_view payload);
// The payload again; decoding it gives back the same struct, and a payload decoded without
// change re-encodes byte for byte.
void encode_handshake_v10(std::string& out, const HandshakeV10& hs);
// Clears the capability bits of `mask` (cap::kCompress, cap::kSsl, ...) in the greeting, and
// the MariaDB extended ones of `mariadb_mask`.
void mask_capabilities(HandshakeV10& hs, uint32_t mask, uint32_t mariadb_mask = 0);

struct HandshakeResponse41 {
  uint32_t capabilities = 0;
  uint32_t max_packet_size = 0;
  uint8_t character_set = 0;
  uint32_t mariadb_capabilities = 0;  // in the filler's last 4 bytes when bit 0 is clear
  std::string username;
  std::string auth_response;  // the scramble answer, or a token of the auth plugin
  std::string database;       // with CLIENT_CONNECT_WITH_DB
  std::string auth_plugin_name;  // with CLIENT_PLUGIN_AUTH
  std::vector<std::pair<std::string, std::string>> connect_attrs;  // with CLIENT_CONNECT_ATTRS, in order
  uint8_t zstd_compression_level = 0;  // with CLIENT_ZSTD_COMPRESSION_ALGORITHM (MySQL 8)

  std::string_view attr(std::string_view name) const;
};

// The first 32 bytes of a HandshakeResponse41, sent alone with CLIENT_SSL before TLS starts.
inline constexpr size_t kSslRequestLength = 32;
bool is_ssl_request(std::string_view payload);

// Decodes the client's reply to the greeting. An SSLRequest decodes too (username and the rest
// empty); tell it apart with is_ssl_request. Clients without CLIENT_PROTOCOL_41 are refused.
Decoded<HandshakeResponse41> decode_handshake_response(std::string_view payload);
void encode_handshake_response(std::string& out, const HandshakeResponse41& r);
// The SSLRequest payload for `r`'s capabilities (CLIENT_SSL set), packet size and character set.
void encode_ssl_request(std::string& out, const HandshakeResponse41& r);

}  // namespace switchyard::mysql
