// Command-phase requests other than prepared statements (MySQL source docs,
// page_protocol_command_phase, page_protocol_com_query; MariaDB KB "COM_QUERY"): the command
// byte, and COM_QUERY's text.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "protocol/mysql/coding.h"
#include "protocol/mysql/constants.h"

namespace switchyard::mysql {

// The command byte of a command packet; nullopt for an empty payload.
std::optional<Command> command_of(std::string_view payload);

// COM_QUERY's SQL text. With MySQL 8's CLIENT_QUERY_ATTRIBUTES negotiated, a parameter count and
// set count precede it; attributes themselves are refused ("query attributes are not supported"):
// the proxy clears that capability in the greeting, so a client that sends them broke the
// handshake's agreement.
Decoded<std::string_view> decode_query(std::string_view payload, uint32_t capabilities);
void encode_query(std::string& out, std::string_view sql, uint32_t capabilities);

// COM_INIT_DB's schema name (string<EOF>).
std::optional<std::string_view> decode_init_db(std::string_view payload);

}  // namespace switchyard::mysql
