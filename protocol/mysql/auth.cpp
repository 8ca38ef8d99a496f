// Authentication exchange codecs and scrambles; see auth.h.
#include "protocol/mysql/auth.h"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include <memory>

#include "protocol/mysql/coding.h"
#include "protocol/mysql/constants.h"

namespace switchyard::mysql {
namespace {

constexpr uint8_t kAuthSwitchHeader = 0xFE;
constexpr uint8_t kAuthMoreDataHeader = 0x01;

// The digest of a followed by b.
std::string digest(const EVP_MD* md, std::string_view a, std::string_view b = {}) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
  if (!ctx || EVP_DigestInit_ex(ctx.get(), md, nullptr) != 1 || EVP_DigestUpdate(ctx.get(), a.data(), a.size()) != 1 ||
      EVP_DigestUpdate(ctx.get(), b.data(), b.size()) != 1 || EVP_DigestFinal_ex(ctx.get(), out, &n) != 1) {
    return {};
  }
  return std::string(reinterpret_cast<const char*>(out), n);
}
std::string sha1(std::string_view a, std::string_view b = {}) { return digest(EVP_sha1(), a, b); }
std::string sha256(std::string_view a, std::string_view b = {}) { return digest(EVP_sha256(), a, b); }

// a XOR b, where b repeats as needed.
std::string xor_bytes(std::string a, std::string_view b) {
  if (b.empty()) return a;
  for (size_t i = 0; i < a.size(); ++i) a[i] = static_cast<char>(a[i] ^ b[i % b.size()]);
  return a;
}

}  // namespace

AuthReply classify_auth_reply(std::string_view payload) {
  if (payload.empty()) return AuthReply::kOther;
  switch (static_cast<uint8_t>(payload[0])) {
    case kOkHeader: return AuthReply::kOk;
    case kErrHeader: return AuthReply::kErr;
    case kAuthSwitchHeader: return AuthReply::kSwitch;
    case kAuthMoreDataHeader: return AuthReply::kMoreData;
    default: return AuthReply::kOther;
  }
}

std::string_view AuthSwitchRequest::nonce() const {
  std::string_view n = plugin_data;
  if (!n.empty() && n.back() == '\0') n.remove_suffix(1);
  return n;
}

std::optional<AuthSwitchRequest> decode_auth_switch_request(std::string_view payload) {
  ByteReader r(payload);
  uint8_t header = 0;
  if (!r.u8(header) || header != kAuthSwitchHeader) return std::nullopt;
  AuthSwitchRequest req;
  if (r.at_end()) return req;  // the old-password switch
  if (!r.cstring(req.plugin_name)) return std::nullopt;
  req.plugin_data = r.rest();
  return req;
}

void encode_auth_switch_request(std::string& out, std::string_view plugin_name, std::string_view plugin_data) {
  put_u8(out, kAuthSwitchHeader);
  put_cstring(out, plugin_name);
  out.append(plugin_data);
}

std::optional<std::string_view> decode_auth_more_data(std::string_view payload) {
  if (payload.empty() || static_cast<uint8_t>(payload[0]) != kAuthMoreDataHeader) return std::nullopt;
  return payload.substr(1);
}

void encode_auth_more_data(std::string& out, std::string_view data) {
  put_u8(out, kAuthMoreDataHeader);
  out.append(data);
}

CachingSha2Step classify_caching_sha2(std::string_view more_data) {
  if (more_data.size() == 1 && static_cast<uint8_t>(more_data[0]) == kCachingSha2FastAuthSuccess) {
    return CachingSha2Step::kFastAuthSuccess;
  }
  if (more_data.size() == 1 && static_cast<uint8_t>(more_data[0]) == kCachingSha2PerformFullAuth) {
    return CachingSha2Step::kPerformFullAuth;
  }
  if (more_data.starts_with("-----BEGIN PUBLIC KEY-----")) return CachingSha2Step::kPublicKey;
  return CachingSha2Step::kOther;
}

std::string native_password_scramble(std::string_view password, std::string_view nonce) {
  if (password.empty()) return {};
  const std::string stage1 = sha1(password);
  return xor_bytes(stage1, sha1(nonce, sha1(stage1)));
}

std::string caching_sha2_scramble(std::string_view password, std::string_view nonce) {
  if (password.empty()) return {};
  const std::string stage1 = sha256(password);
  return xor_bytes(stage1, sha256(sha256(stage1), nonce));
}

std::string caching_sha2_xor_password(std::string_view password, std::string_view nonce) {
  std::string text(password);
  text.push_back('\0');
  return xor_bytes(std::move(text), nonce);
}

std::optional<std::string> rsa_oaep_encrypt(std::string_view pem_public_key, std::string_view plaintext) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new_mem_buf(pem_public_key.data(), static_cast<int>(pem_public_key.size())),
                                                &BIO_free);
  if (!bio) return std::nullopt;
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr),
                                                          &EVP_PKEY_free);
  if (!key) return std::nullopt;
  std::unique_ptr<EVP_PKEY_CTX, decltype(&EVP_PKEY_CTX_free)> ctx(EVP_PKEY_CTX_new(key.get(), nullptr),
                                                                  &EVP_PKEY_CTX_free);
  size_t n = 0;
  const auto* in = reinterpret_cast<const unsigned char*>(plaintext.data());
  if (!ctx || EVP_PKEY_encrypt_init(ctx.get()) <= 0 ||
      EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_PKCS1_OAEP_PADDING) <= 0 ||
      EVP_PKEY_encrypt(ctx.get(), nullptr, &n, in, plaintext.size()) <= 0) {
    return std::nullopt;
  }
  std::string out(n, '\0');
  if (EVP_PKEY_encrypt(ctx.get(), reinterpret_cast<unsigned char*>(out.data()), &n, in, plaintext.size()) <= 0) {
    return std::nullopt;
  }
  out.resize(n);
  return out;
}

}  // namespace switchyard::mysql
