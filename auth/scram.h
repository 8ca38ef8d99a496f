// SCRAM-SHA-256 (RFC 5802, RFC 7677) for a proxy that runs the exchange on both legs: the SCRAM
// server towards the client, checking its proof against the role's verifier and recovering its
// ClientKey, and the SCRAM client towards the database, proving itself with that ClientKey.
// The password is never known: ClientKey = ClientProof XOR HMAC(StoredKey, AuthMessage), and
// H(ClientKey) == StoredKey is the check the server itself makes. Dialect-neutral (PostgreSQL
// today; the same maths serves any SCRAM-SHA-256 peer); the wire framing is the caller's.
//
// Pure: no I/O, no logging, no exceptions. Errors are returned as a message in words.
// Channel binding (RFC 5929 tls-server-end-point): the caller passes the binding data, the hash
// of the certificate in question (proxy/tls_context.h computes it).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace switchyard::auth {

inline constexpr size_t kKeyBytes = 32;  // SHA-256
using Key = std::array<unsigned char, kKeyBytes>;

inline constexpr char kScramSha256[] = "SCRAM-SHA-256";
inline constexpr char kScramSha256Plus[] = "SCRAM-SHA-256-PLUS";
inline constexpr char kServerEndPoint[] = "tls-server-end-point";

// A role's SCRAM secret as PostgreSQL stores it in pg_authid.rolpassword:
// "SCRAM-SHA-256$<iterations>:<base64 salt>$<base64 StoredKey>:<base64 ServerKey>".
struct Verifier {
  uint32_t iterations = 0;
  std::string salt;  // raw bytes
  Key stored_key{};
  Key server_key{};
};
std::optional<Verifier> parse_verifier(std::string_view text);
std::string format_verifier(const Verifier& v);
// The verifier of `password` (used by tests, and an oracle for parse_verifier); the password is
// taken as it is (SASLprep is the identity on ASCII).
Verifier make_verifier(std::string_view password, std::string_view salt, uint32_t iterations);

std::string base64_encode(std::string_view raw);
std::optional<std::string> base64_decode(std::string_view text);
Key sha256(std::string_view data);
Key hmac_sha256(const Key& key, std::string_view data);
Key salted_password(std::string_view password, std::string_view salt, uint32_t iterations);  // Hi()
inline std::string_view as_view(const Key& k) { return {reinterpret_cast<const char*>(k.data()), k.size()}; }

// ---- the server side, towards a client ----------------------------------------------------

// What the client's first message said. `gs2_header` ("n,,", "y,,", "p=tls-server-end-point,,")
// is what its final message must echo, base64 with the binding data, in c=.
struct ClientFirst {
  char binding_flag = 'n';  // 'n' no binding, 'y' client could but thinks the server cannot, 'p' bound
  std::string binding_name;  // for 'p'
  std::string gs2_header;
  std::string bare;          // client-first-message-bare, part of the AuthMessage
  std::string nonce;
};
// `offered_plus`: the server offered SCRAM-SHA-256-PLUS, so flag 'y' is a downgrade (RFC 5802
// section 6) and refused; `mechanism` is the one the client chose, which must agree with its flag.
struct ServerResult {
  std::optional<ClientFirst> value;
  std::string error;  // when !value
};
ServerResult parse_client_first(std::string_view message, std::string_view mechanism, bool offered_plus);
// "r=<client nonce><server nonce>,s=<salt>,i=<iterations>".
std::string server_first(const ClientFirst& client, const Verifier& v, std::string_view server_nonce);

// The client's final message checked: the nonce, the binding (c= must be the GS2 header then
// `binding_data`, empty without binding) and the proof. On success, the ClientKey and the
// server's final message ("v=..."); `proof_failed` tells a wrong password from a broken message.
struct ClientFinalCheck {
  bool ok = false;
  bool proof_failed = false;
  std::string error;
  Key client_key{};
  std::string server_final;
  std::string auth_message;
};
ClientFinalCheck check_client_final(std::string_view message, const ClientFirst& client, std::string_view server_first,
                                    const Verifier& v, std::string_view binding_data);

// ---- the client side, towards a server ----------------------------------------------------

// One exchange as the client that knows ClientKey (so StoredKey = H(ClientKey)) and, to check
// the server's signature, ServerKey.
class ScramClient {
 public:
  // `gs2_header` as above, chosen by the caller from what the server offered and the leg's TLS;
  // `user` goes in n= (PostgreSQL ignores it and takes the StartupMessage's: libpq sends "").
  ScramClient(const Key& client_key, const Key& server_key, std::string gs2_header, std::string nonce,
              std::string user = {});
  // "n=<user>,r=<nonce>" after the GS2 header: the whole client-first-message.
  std::string first_message() const;
  // From the server's first message, the final message with its proof; nullopt and why in
  // `error` if the server's message is malformed or its nonce does not extend ours.
  std::optional<std::string> final_message(std::string_view server_first, std::string_view binding_data,
                                           std::string& error);
  // Whether the server's final message ("v=...") carries the signature only the holder of
  // ServerKey can make; false and why ("e=..." or a bad signature) in `error`.
  bool verify_server_final(std::string_view server_final, std::string& error) const;

 private:
  Key client_key_, server_key_;
  std::string gs2_header_, nonce_, bare_, auth_message_;
};

// A fresh nonce: 18 random bytes (OpenSSL's CSPRNG), base64.
std::string random_nonce();

// The attribute `name` ("r", "s", ...) of a comma-separated SCRAM message; nullopt if absent.
std::optional<std::string_view> attribute(std::string_view message, char name);

}  // namespace switchyard::auth
