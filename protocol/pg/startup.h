// The untyped first message of a PostgreSQL connection (PostgreSQL docs, "Message Formats":
// StartupMessage, SSLRequest, GSSENCRequest, CancelRequest): an Int32 length counting itself,
// then an Int32 code, then the rest.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace switchyard::pg {

inline constexpr uint32_t kProtocol3 = 196608;         // 3.0
inline constexpr uint32_t kSslRequestCode = 80877103;
inline constexpr uint32_t kGssEncRequestCode = 80877104;
inline constexpr uint32_t kCancelRequestCode = 80877102;
// PostgreSQL itself refuses startup packets longer than this (MAX_STARTUP_PACKET_LENGTH).
inline constexpr uint32_t kMaxStartupPacket = 10000;

enum class StartupKind { kSslRequest, kGssEncRequest, kCancelRequest, kStartup };

struct StartupPacket {
  StartupKind kind = StartupKind::kStartup;
  uint32_t code = 0;  // the protocol version for kStartup
  // kCancelRequest: the key the client got in BackendKeyData.
  uint32_t cancel_pid = 0;
  uint32_t cancel_secret = 0;
  // kStartup: name/value pairs in the order sent (user, database, options, ...).
  std::vector<std::pair<std::string, std::string>> params;

  std::string_view param(std::string_view name) const;
};

enum class StartupStatus { kNeedMore, kComplete, kError };

struct StartupDecode {
  StartupStatus status = StartupStatus::kNeedMore;
  size_t consumed = 0;  // bytes of the input making up the packet, when kComplete
  StartupPacket packet;
  std::string error;    // why, when kError
};

// Decodes one startup-phase packet from the front of `data`. kNeedMore until it is whole.
StartupDecode decode_startup(std::string_view data);

// Encoders, for tests and for the proxy's own upstream cancel requests.
std::string encode_startup(uint32_t version, const std::vector<std::pair<std::string, std::string>>& params);
std::string encode_cancel_request(uint32_t pid, uint32_t secret);
std::string encode_request_code(uint32_t code);  // SSLRequest / GSSENCRequest

}  // namespace switchyard::pg
