// The MySQL / MariaDB error numbers switchyard answers a MySQL client with itself (the server's
// own errors pass through unchanged). Numbers and SQLSTATEs as the servers use them
// (MySQL source docs, "Server Error Message Reference"; client error 2003 for an upstream that
// cannot be reached, which clients treat as a connection failure).
#pragma once

#include <cstdint>

namespace switchyard::proxy {

inline constexpr uint16_t kConCountError = 1040;       // 08004 Too many connections
inline constexpr uint16_t kHandshakeError = 1043;      // 08S01 Bad handshake
inline constexpr uint16_t kAccessDenied = 1045;        // 28000
inline constexpr uint16_t kUnknownCommand = 1047;      // 08S01
inline constexpr uint16_t kNetPacketTooLarge = 1153;   // 08S01
inline constexpr uint16_t kPacketsOutOfOrder = 1156;   // 08S01
inline constexpr uint16_t kNotSupportedYet = 1235;     // 42000
inline constexpr uint16_t kCantConnect = 2003;         // HY000 (a client error number)

}  // namespace switchyard::proxy
