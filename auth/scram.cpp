// SCRAM-SHA-256 on both sides of an exchange; see scram.h.
#include "auth/scram.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

#include <openssl/rand.h>

#include <algorithm>
#include <cctype>
#include <charconv>

namespace switchyard::auth {

namespace {

std::optional<Key> key_of(std::string_view base64) {
  const auto raw = base64_decode(base64);
  if (!raw || raw->size() != kKeyBytes) return std::nullopt;
  Key k{};
  std::copy(raw->begin(), raw->end(), k.begin());
  return k;
}

Key xor_keys(const Key& a, const Key& b) {
  Key out{};
  for (size_t i = 0; i < kKeyBytes; ++i) out[i] = static_cast<unsigned char>(a[i] ^ b[i]);
  return out;
}

// RFC 5802's "printable" (0x21-0x7E without ','), which a nonce must be.
bool printable(std::string_view s) {
  for (const char c : s)
    if (c < 0x21 || c > 0x7e || c == ',') return false;
  return !s.empty();
}

std::optional<uint32_t> number(std::string_view s) {
  uint32_t v = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return v;
}

// The part of a client-final-message the proof covers: all before ",p=".
std::optional<std::string_view> without_proof(std::string_view final_message) {
  const auto at = final_message.rfind(",p=");
  if (at == std::string_view::npos) return std::nullopt;
  return final_message.substr(0, at);
}

}  // namespace

std::string base64_encode(std::string_view raw) {
  std::string out(4 * ((raw.size() + 2) / 3), '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(raw.data()), static_cast<int>(raw.size()));
  out.resize(static_cast<size_t>(n));
  return out;
}

std::optional<std::string> base64_decode(std::string_view text) {
  if (text.size() % 4 != 0) return std::nullopt;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    const bool pad_ok = c == '=' && i + 2 >= text.size() && (i + 1 == text.size() || text[i + 1] == '=');
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '/' || pad_ok)) return std::nullopt;
  }
  std::string out(text.size() / 4 * 3, '\0');
  const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(text.data()), static_cast<int>(text.size()));
  if (n < 0) return std::nullopt;
  size_t size = static_cast<size_t>(n);
  if (!text.empty() && text.back() == '=') --size;  // EVP_DecodeBlock counts padding as zero bytes
  if (text.size() > 1 && text[text.size() - 2] == '=') --size;
  out.resize(size);
  return out;
}

Key sha256(std::string_view data) {
  Key out{};
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(), out.data());
  return out;
}

Key hmac_sha256(const Key& key, std::string_view data) {
  Key out{};
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(data.data()),
       data.size(), out.data(), &len);
  return out;
}

Key salted_password(std::string_view password, std::string_view salt, uint32_t iterations) {
  Key out{};
  PKCS5_PBKDF2_HMAC(password.data(), static_cast<int>(password.size()), reinterpret_cast<const unsigned char*>(salt.data()),
                    static_cast<int>(salt.size()), static_cast<int>(iterations), EVP_sha256(), static_cast<int>(out.size()),
                    out.data());
  return out;
}

Verifier make_verifier(std::string_view password, std::string_view salt, uint32_t iterations) {
  const Key salted = salted_password(password, salt, iterations);
  Key client_key{}, server_key{};
  client_key = hmac_sha256(salted, "Client Key");
  server_key = hmac_sha256(salted, "Server Key");
  return Verifier{iterations, std::string(salt), sha256(as_view(client_key)), server_key};
}

std::optional<Verifier> parse_verifier(std::string_view text) {
  constexpr std::string_view kPrefix = "SCRAM-SHA-256$";
  if (text.substr(0, kPrefix.size()) != kPrefix) return std::nullopt;
  text.remove_prefix(kPrefix.size());
  const auto colon1 = text.find(':'), dollar = text.find('$');
  if (colon1 == std::string_view::npos || dollar == std::string_view::npos || dollar < colon1) return std::nullopt;
  const auto colon2 = text.find(':', dollar);
  if (colon2 == std::string_view::npos) return std::nullopt;
  const auto iterations = number(text.substr(0, colon1));
  const auto salt = base64_decode(text.substr(colon1 + 1, dollar - colon1 - 1));
  const auto stored = key_of(text.substr(dollar + 1, colon2 - dollar - 1));
  const auto server = key_of(text.substr(colon2 + 1));
  if (!iterations || *iterations == 0 || !salt || salt->empty() || !stored || !server) return std::nullopt;
  return Verifier{*iterations, *salt, *stored, *server};
}

std::string format_verifier(const Verifier& v) {
  return "SCRAM-SHA-256$" + std::to_string(v.iterations) + ":" + base64_encode(v.salt) + "$" +
         base64_encode(as_view(v.stored_key)) + ":" + base64_encode(as_view(v.server_key));
}

std::string random_nonce() {
  unsigned char raw[18];
  RAND_bytes(raw, sizeof raw);
  return base64_encode(std::string_view(reinterpret_cast<const char*>(raw), sizeof raw));
}

std::optional<std::string_view> attribute(std::string_view message, char name) {
  size_t pos = 0;
  while (pos <= message.size()) {
    const auto end = std::min(message.find(',', pos), message.size());
    const auto part = message.substr(pos, end - pos);
    if (part.size() >= 2 && part[0] == name && part[1] == '=') return part.substr(2);
    pos = end + 1;
  }
  return std::nullopt;
}

ServerResult parse_client_first(std::string_view message, std::string_view mechanism, bool offered_plus) {
  ServerResult r;
  const bool plus = mechanism == kScramSha256Plus;
  if (!plus && mechanism != kScramSha256) return {std::nullopt, "unsupported SASL mechanism"};
  ClientFirst c;
  if (message.empty()) return {std::nullopt, "malformed SCRAM message (empty)"};
  c.binding_flag = message[0];
  size_t pos = 1;
  if (c.binding_flag == 'p') {
    if (message.substr(1, 1) != "=") return {std::nullopt, "malformed SCRAM message (channel binding type)"};
    const auto comma = message.find(',', 2);
    if (comma == std::string_view::npos) return {std::nullopt, "malformed SCRAM message (channel binding type)"};
    c.binding_name = std::string(message.substr(2, comma - 2));
    pos = comma;
  } else if (c.binding_flag != 'n' && c.binding_flag != 'y') {
    return {std::nullopt, "malformed SCRAM message (unexpected channel-binding flag)"};
  }
  if (message.substr(pos, 1) != ",") return {std::nullopt, "malformed SCRAM message (comma expected)"};
  ++pos;
  if (message.substr(pos, 2) == "a=") return {std::nullopt, "client uses authorization identity, but it is not supported"};
  if (message.substr(pos, 1) != ",") return {std::nullopt, "malformed SCRAM message (comma expected)"};
  ++pos;
  if (plus && c.binding_flag != 'p')
    return {std::nullopt, "client selected SCRAM-SHA-256-PLUS, but the SCRAM message does not include channel binding data"};
  if (!plus && c.binding_flag == 'p')
    return {std::nullopt, "client selected SCRAM-SHA-256 without channel binding, but the SCRAM message includes channel binding data"};
  if (c.binding_flag == 'y' && offered_plus)
    return {std::nullopt, "SCRAM channel binding negotiation error: the client supports SCRAM channel binding but thinks "
                          "the server does not; however, this server does support channel binding"};
  if (c.binding_flag == 'p' && c.binding_name != kServerEndPoint)
    return {std::nullopt, "unsupported SCRAM channel-binding type \"" + c.binding_name + "\""};
  c.gs2_header = std::string(message.substr(0, pos));
  c.bare = std::string(message.substr(pos));
  if (c.bare.substr(0, 2) == "m=") return {std::nullopt, "SCRAM extensions are not supported"};
  if (c.bare.substr(0, 2) != "n=") return {std::nullopt, "malformed SCRAM message (user name expected)"};
  const auto nonce = attribute(c.bare, 'r');
  if (!nonce || !printable(*nonce)) return {std::nullopt, "malformed SCRAM message (nonce)"};
  c.nonce = std::string(*nonce);
  r.value = std::move(c);
  return r;
}

std::string server_first(const ClientFirst& client, const Verifier& v, std::string_view server_nonce) {
  return "r=" + client.nonce + std::string(server_nonce) + ",s=" + base64_encode(v.salt) +
         ",i=" + std::to_string(v.iterations);
}

ClientFinalCheck check_client_final(std::string_view message, const ClientFirst& client, std::string_view server_first_message,
                                    const Verifier& v, std::string_view binding_data) {
  ClientFinalCheck r;
  const auto covered = without_proof(message);
  const auto binding = attribute(message, 'c');
  const auto nonce = attribute(message, 'r');
  const auto proof_text = attribute(message, 'p');
  const auto proof = proof_text ? key_of(*proof_text) : std::nullopt;
  if (!covered || !binding || !nonce || !proof || message.substr(0, 2) != "c=") {
    r.error = "malformed SCRAM message (client-final-message)";
    return r;
  }
  const auto expected_nonce = attribute(server_first_message, 'r');
  if (!expected_nonce || *nonce != *expected_nonce) {
    r.error = "SCRAM nonce mismatch";
    return r;
  }
  if (*binding != base64_encode(client.gs2_header + std::string(binding_data))) {
    r.error = "SCRAM channel binding check failed";
    return r;
  }
  r.auth_message = client.bare + "," + std::string(server_first_message) + "," + std::string(*covered);
  r.client_key = xor_keys(*proof, hmac_sha256(v.stored_key, r.auth_message));
  const Key stored = sha256(as_view(r.client_key));
  if (CRYPTO_memcmp(stored.data(), v.stored_key.data(), kKeyBytes) != 0) {
    r.proof_failed = true;
    r.error = "invalid SCRAM proof";
    return r;
  }
  r.ok = true;
  r.server_final = "v=" + base64_encode(as_view(hmac_sha256(v.server_key, r.auth_message)));
  return r;
}

ScramClient::ScramClient(const Key& client_key, const Key& server_key, std::string gs2_header, std::string nonce,
                         std::string user)
    : client_key_(client_key),
      server_key_(server_key),
      gs2_header_(std::move(gs2_header)),
      nonce_(std::move(nonce)),
      bare_("n=" + user + ",r=" + nonce_) {}

std::string ScramClient::first_message() const { return gs2_header_ + bare_; }

std::optional<std::string> ScramClient::final_message(std::string_view server_first_message, std::string_view binding_data,
                                                      std::string& error) {
  const auto nonce = attribute(server_first_message, 'r');
  const auto salt = attribute(server_first_message, 's');
  const auto iterations = attribute(server_first_message, 'i');
  if (!nonce || !salt || !iterations || server_first_message.substr(0, 2) != "r=") {
    error = "malformed SCRAM server-first-message";
    return std::nullopt;
  }
  if (nonce->size() <= nonce_.size() || nonce->substr(0, nonce_.size()) != nonce_ || !printable(*nonce)) {
    error = "the server's SCRAM nonce does not extend the client's";
    return std::nullopt;
  }
  std::string out = "c=" + base64_encode(gs2_header_ + std::string(binding_data)) + ",r=" + std::string(*nonce);
  auth_message_ = bare_ + "," + std::string(server_first_message) + "," + out;
  const Key stored = sha256(as_view(client_key_));
  const Key proof = xor_keys(client_key_, hmac_sha256(stored, auth_message_));
  out += ",p=" + base64_encode(as_view(proof));
  return out;
}

bool ScramClient::verify_server_final(std::string_view server_final, std::string& error) const {
  if (const auto e = attribute(server_final, 'e')) {
    error = "the server refused the SCRAM exchange: " + std::string(*e);
    return false;
  }
  const auto v = attribute(server_final, 'v');
  const auto signature = v ? key_of(*v) : std::nullopt;
  const Key expected = hmac_sha256(server_key_, auth_message_);
  if (auth_message_.empty() || !signature || CRYPTO_memcmp(signature->data(), expected.data(), kKeyBytes) != 0) {
    error = "the server's SCRAM signature is not the one its verifier makes";
    return false;
  }
  return true;
}

}  // namespace switchyard::auth
