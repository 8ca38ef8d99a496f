// The Authentication ('R') messages a proxy must read or write (PostgreSQL docs, "Message
// Formats": AuthenticationSASL, AuthenticationSASLContinue, AuthenticationSASLFinal,
// SASLInitialResponse, SASLResponse): the code every 'R' body opens with; the SASL mechanism
// list of code 10, which the relay re-encodes without SCRAM-SHA-256-PLUS when it terminates TLS
// (channel binding to the proxy's certificate cannot be checked by the server); and both
// directions of a SASL exchange, for when the proxy runs SCRAM itself on both legs (see
// docs/architecture.md, "SCRAM channel binding").
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace switchyard::pg {

inline constexpr uint32_t kAuthOk = 0;
inline constexpr uint32_t kAuthSasl = 10;          // AuthenticationSASL
inline constexpr uint32_t kAuthSaslContinue = 11;  // AuthenticationSASLContinue
inline constexpr uint32_t kAuthSaslFinal = 12;     // AuthenticationSASLFinal
inline constexpr char kScramPlus[] = "SCRAM-SHA-256-PLUS";

// The Int32 code of an Authentication body (0 ok, 3 cleartext, 5 md5, 10 SASL, ...).
std::optional<uint32_t> decode_authentication_code(std::string_view body);

// The mechanisms of an AuthenticationSASL body: code 10, then one String per mechanism, then an
// empty String. The views point into `body`. nullopt unless the body is exactly that, with at
// least one mechanism.
std::optional<std::vector<std::string_view>> decode_sasl_mechanisms(std::string_view body);

// A whole AuthenticationSASL message ('R', length, code 10, the list, terminator).
void encode_authentication_sasl(std::string& out, const std::vector<std::string_view>& mechanisms);

// AuthenticationSASLContinue (11) or AuthenticationSASLFinal (12) with its SASL data.
void encode_authentication_sasl_data(std::string& out, uint32_t code, std::string_view data);
// The SASL data of an 'R' body of `code` (11 or 12); nullopt if the body has another code.
std::optional<std::string_view> decode_authentication_sasl_data(std::string_view body, uint32_t code);

// The frontend's 'p' messages of a SASL exchange. SASLInitialResponse: the mechanism chosen,
// then an Int32 length (-1: none) and the data; SASLResponse: the data alone, the whole body.
struct SaslInitialResponse {
  std::string_view mechanism;
  std::string_view data;
};
std::optional<SaslInitialResponse> decode_sasl_initial_response(std::string_view body);
void encode_sasl_initial_response(std::string& out, std::string_view mechanism, std::string_view data);
void encode_sasl_response(std::string& out, std::string_view data);

// What `mechanisms` leaves once `drop` is removed (every occurrence).
std::vector<std::string_view> without_mechanism(const std::vector<std::string_view>& mechanisms,
                                                std::string_view drop);

}  // namespace switchyard::pg
