// The Authentication ('R') messages a proxy must read (PostgreSQL docs, "Message Formats":
// AuthenticationSASL): the code every 'R' body opens with, and the SASL mechanism list of
// code 10, which the proxy re-encodes without SCRAM-SHA-256-PLUS when it terminates TLS
// (channel binding to the proxy's certificate cannot be checked by the server; see
// docs/architecture.md, "TLS").
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace switchyard::pg {

inline constexpr uint32_t kAuthSasl = 10;  // AuthenticationSASL
inline constexpr char kScramPlus[] = "SCRAM-SHA-256-PLUS";

// The Int32 code of an Authentication body (0 ok, 3 cleartext, 5 md5, 10 SASL, ...).
std::optional<uint32_t> decode_authentication_code(std::string_view body);

// The mechanisms of an AuthenticationSASL body: code 10, then one String per mechanism, then an
// empty String. The views point into `body`. nullopt unless the body is exactly that, with at
// least one mechanism.
std::optional<std::vector<std::string_view>> decode_sasl_mechanisms(std::string_view body);

// A whole AuthenticationSASL message ('R', length, code 10, the list, terminator).
void encode_authentication_sasl(std::string& out, const std::vector<std::string_view>& mechanisms);

// What `mechanisms` leaves once `drop` is removed (every occurrence).
std::vector<std::string_view> without_mechanism(const std::vector<std::string_view>& mechanisms,
                                                std::string_view drop);

}  // namespace switchyard::pg
