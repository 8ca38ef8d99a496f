// The authentication exchange after HandshakeResponse41 (MySQL source docs,
// page_protocol_connection_phase_packets_protocol_auth_switch_request,
// page_protocol_connection_phase_packets_protocol_auth_more_data,
// page_protocol_connection_phase_authentication_methods_native_password_authentication,
// page_caching_sha2_authentication_exchanges; MariaDB KB "Connection" > "Authentication
// Switch Request", "Authentication Plugin - mysql_native_password").
//
// The server answers the client's response with OK (logged in), ERR (refused), an
// AuthSwitchRequest (0xFE: try this plugin with this nonce) or AuthMoreData (0x01: a plugin's own
// step, e.g. caching_sha2_password's fast-auth verdict or its RSA public key). Pure: the hashes
// and RSA are OpenSSL computations, with no I/O.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace switchyard::mysql {

inline constexpr std::string_view kNativePasswordPlugin = "mysql_native_password";
inline constexpr std::string_view kCachingSha2Plugin = "caching_sha2_password";
inline constexpr std::string_view kClearPasswordPlugin = "mysql_clear_password";
inline constexpr std::string_view kEd25519Plugin = "client_ed25519";  // MariaDB

enum class AuthReply { kOk, kErr, kSwitch, kMoreData, kOther };
// What a server packet of the authentication phase is, by its first byte.
AuthReply classify_auth_reply(std::string_view payload);

struct AuthSwitchRequest {
  std::string_view plugin_name;  // empty: the pre-4.1 "old password" switch (a lone 0xFE)
  std::string_view plugin_data;  // as sent: mysql_native_password's nonce has a trailing NUL
  // plugin_data without that trailing NUL.
  std::string_view nonce() const;
};
std::optional<AuthSwitchRequest> decode_auth_switch_request(std::string_view payload);
void encode_auth_switch_request(std::string& out, std::string_view plugin_name, std::string_view plugin_data);

// AuthMoreData: 0x01, then the plugin's bytes.
std::optional<std::string_view> decode_auth_more_data(std::string_view payload);
void encode_auth_more_data(std::string& out, std::string_view data);

// caching_sha2_password's steps (MySQL source docs, page_caching_sha2_authentication_exchanges):
// after the scramble the server sends AuthMoreData of one byte, 0x03 (the cached hash matched:
// an OK follows) or 0x04 (full authentication: the client sends its password, in clear over TLS
// or RSA-encrypted otherwise). Without the server's key the client asks for it with the single
// byte 0x02 and the server answers AuthMoreData with the PEM public key.
inline constexpr uint8_t kCachingSha2FastAuthSuccess = 0x03;
inline constexpr uint8_t kCachingSha2PerformFullAuth = 0x04;
inline constexpr uint8_t kCachingSha2RequestPublicKey = 0x02;
enum class CachingSha2Step { kFastAuthSuccess, kPerformFullAuth, kPublicKey, kOther };
CachingSha2Step classify_caching_sha2(std::string_view more_data);

// mysql_native_password: SHA1(password) XOR SHA1(nonce + SHA1(SHA1(password))); empty for an
// empty password. `nonce` is the 20-byte scramble.
std::string native_password_scramble(std::string_view password, std::string_view nonce);
// caching_sha2_password's fast path: SHA256(password) XOR SHA256(SHA256(SHA256(password)) + nonce).
std::string caching_sha2_scramble(std::string_view password, std::string_view nonce);
// The bytes caching_sha2_password's full authentication encrypts: (password + NUL) XOR the
// nonce repeated.
std::string caching_sha2_xor_password(std::string_view password, std::string_view nonce);
// RSA-OAEP (PKCS#1 v2 padding, as the server decrypts) of `plaintext` with a PEM public key;
// nullopt when the key does not parse or the text is too long for it.
std::optional<std::string> rsa_oaep_encrypt(std::string_view pem_public_key, std::string_view plaintext);

}  // namespace switchyard::mysql
