// Numbers of the MySQL / MariaDB client/server protocol: capability flags (MySQL source docs,
// group__group__cs__capabilities__flags; MariaDB KB "Connection" > capabilities), server status
// flags (SERVER_STATUS_flags_enum), command bytes (page_protocol_command_phase) and column types
// (enum_field_types; MariaDB KB "Resultset" > field types).
#pragma once

#include <cstdint>

namespace switchyard::mysql {

// Capability flags, the lower 32 bits as both servers send them.
namespace cap {
inline constexpr uint32_t kLongPassword = 1u << 0;  // MariaDB reads a clear bit 0 as "not MySQL" (CLIENT_MYSQL)
inline constexpr uint32_t kFoundRows = 1u << 1;
inline constexpr uint32_t kLongFlag = 1u << 2;
inline constexpr uint32_t kConnectWithDb = 1u << 3;
inline constexpr uint32_t kNoSchema = 1u << 4;
inline constexpr uint32_t kCompress = 1u << 5;
inline constexpr uint32_t kOdbc = 1u << 6;
inline constexpr uint32_t kLocalFiles = 1u << 7;
inline constexpr uint32_t kIgnoreSpace = 1u << 8;
inline constexpr uint32_t kProtocol41 = 1u << 9;
inline constexpr uint32_t kInteractive = 1u << 10;
inline constexpr uint32_t kSsl = 1u << 11;
inline constexpr uint32_t kIgnoreSigpipe = 1u << 12;
inline constexpr uint32_t kTransactions = 1u << 13;
inline constexpr uint32_t kReserved = 1u << 14;
inline constexpr uint32_t kSecureConnection = 1u << 15;
inline constexpr uint32_t kMultiStatements = 1u << 16;
inline constexpr uint32_t kMultiResults = 1u << 17;
inline constexpr uint32_t kPsMultiResults = 1u << 18;
inline constexpr uint32_t kPluginAuth = 1u << 19;
inline constexpr uint32_t kConnectAttrs = 1u << 20;
inline constexpr uint32_t kPluginAuthLenencClientData = 1u << 21;
inline constexpr uint32_t kCanHandleExpiredPasswords = 1u << 22;
inline constexpr uint32_t kSessionTrack = 1u << 23;
inline constexpr uint32_t kDeprecateEof = 1u << 24;
inline constexpr uint32_t kOptionalResultsetMetadata = 1u << 25;  // MySQL 8
inline constexpr uint32_t kZstdCompression = 1u << 26;            // MySQL 8
inline constexpr uint32_t kQueryAttributes = 1u << 27;            // MySQL 8
inline constexpr uint32_t kSslVerifyServerCert = 1u << 30;
inline constexpr uint32_t kRememberOptions = 1u << 31;
}  // namespace cap

// MariaDB's extended capabilities (bits 32..63, carried in the handshake's reserved bytes when
// bit 0 is clear); numbered here from bit 0 of that 32-bit word.
namespace mariadb_cap {
inline constexpr uint32_t kProgress = 1u << 0;
inline constexpr uint32_t kComMulti = 1u << 1;
inline constexpr uint32_t kStmtBulkOperations = 1u << 2;
inline constexpr uint32_t kExtendedMetadata = 1u << 3;
inline constexpr uint32_t kCacheMetadata = 1u << 4;
}  // namespace mariadb_cap

// Server status flags of OK and EOF packets.
namespace status {
inline constexpr uint16_t kInTrans = 0x0001;
inline constexpr uint16_t kAutocommit = 0x0002;
inline constexpr uint16_t kMoreResultsExist = 0x0008;
inline constexpr uint16_t kNoGoodIndexUsed = 0x0010;
inline constexpr uint16_t kNoIndexUsed = 0x0020;
inline constexpr uint16_t kCursorExists = 0x0040;
inline constexpr uint16_t kLastRowSent = 0x0080;
inline constexpr uint16_t kDbDropped = 0x0100;
inline constexpr uint16_t kNoBackslashEscapes = 0x0200;
inline constexpr uint16_t kMetadataChanged = 0x0400;
inline constexpr uint16_t kQueryWasSlow = 0x0800;
inline constexpr uint16_t kPsOutParams = 0x1000;
inline constexpr uint16_t kInTransReadonly = 0x2000;
inline constexpr uint16_t kSessionStateChanged = 0x4000;
}  // namespace status

// The first byte of a command packet.
enum class Command : uint8_t {
  kQuit = 0x01,
  kInitDb = 0x02,
  kQuery = 0x03,
  kFieldList = 0x04,
  kStatistics = 0x09,
  kProcessKill = 0x0C,
  kPing = 0x0E,
  kChangeUser = 0x11,
  kStmtPrepare = 0x16,
  kStmtExecute = 0x17,
  kStmtSendLongData = 0x18,
  kStmtClose = 0x19,
  kStmtReset = 0x1A,
  kSetOption = 0x1B,
  kStmtFetch = 0x1C,
  kResetConnection = 0x1F,
  kStmtBulkExecute = 0xFA,  // MariaDB
};

// Column and parameter types (enum_field_types).
enum class ColumnType : uint8_t {
  kDecimal = 0x00,
  kTiny = 0x01,
  kShort = 0x02,
  kLong = 0x03,
  kFloat = 0x04,
  kDouble = 0x05,
  kNull = 0x06,
  kTimestamp = 0x07,
  kLongLong = 0x08,
  kInt24 = 0x09,
  kDate = 0x0A,
  kTime = 0x0B,
  kDateTime = 0x0C,
  kYear = 0x0D,
  kNewDate = 0x0E,
  kVarchar = 0x0F,
  kBit = 0x10,
  kJson = 0xF5,
  kNewDecimal = 0xF6,
  kEnum = 0xF7,
  kSet = 0xF8,
  kTinyBlob = 0xF9,
  kMediumBlob = 0xFA,
  kLongBlob = 0xFB,
  kBlob = 0xFC,
  kVarString = 0xFD,
  kString = 0xFE,
  kGeometry = 0xFF,
};

// The header bytes of the generic responses (page_protocol_basic_response_packets).
inline constexpr uint8_t kOkHeader = 0x00;
inline constexpr uint8_t kEofHeader = 0xFE;  // also an OK in place of EOF under CLIENT_DEPRECATE_EOF
inline constexpr uint8_t kErrHeader = 0xFF;
inline constexpr uint8_t kLocalInfileHeader = 0xFB;

}  // namespace switchyard::mysql
