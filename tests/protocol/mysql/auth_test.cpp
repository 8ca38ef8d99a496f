// The authentication exchange's packets and scrambles. MySQL 8 is not installable here, so the
// caching_sha2_password sequences are codec cases from the MySQL docs
// (page_caching_sha2_authentication_exchanges) and MariaDB KB ("caching_sha2_password
// authentication plugin"), checked with the server's own verification rule; the RSA step is
// checked by decrypting with the private key. mysql_native_password is also checked against a
// real MariaDB login (tests/integration/mariadb_wire_test.cpp).
#include "protocol/mysql/auth.h"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include <memory>

#include "tests/protocol/mysql/packet_builder.h"

namespace switchyard::mysql {
namespace {

using testing::from_hex;

std::string digest(const EVP_MD* md, std::string_view a, std::string_view b = {}) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  EVP_DigestInit_ex(ctx, md, nullptr);
  EVP_DigestUpdate(ctx, a.data(), a.size());
  EVP_DigestUpdate(ctx, b.data(), b.size());
  EVP_DigestFinal_ex(ctx, out, &n);
  EVP_MD_CTX_free(ctx);
  return std::string(reinterpret_cast<const char*>(out), n);
}

std::string xor_of(std::string a, std::string_view b) {
  for (size_t i = 0; i < a.size(); ++i) a[i] = static_cast<char>(a[i] ^ b[i]);
  return a;
}

const std::string kNonce = from_hex("3e 66 2b 12 58 4f 6b 2a 17 5e 3d 71 0c 64 2e 4a 65 3f 7a 18");

TEST(MysqlAuth, NativeScrambleMatchesTheServersCheck) {
  // The server stores SHA1(SHA1(password)) and checks SHA1(XOR(reply, SHA1(nonce + stored)))
  // == stored (page_protocol_connection_phase_authentication_methods_native_password_authentication).
  const std::string stored = digest(EVP_sha1(), digest(EVP_sha1(), "secret"));
  const std::string reply = native_password_scramble("secret", kNonce);
  ASSERT_EQ(reply.size(), 20u);
  EXPECT_EQ(digest(EVP_sha1(), xor_of(reply, digest(EVP_sha1(), kNonce, stored))), stored);
  EXPECT_NE(native_password_scramble("Secret", kNonce), reply);
  EXPECT_TRUE(native_password_scramble("", kNonce).empty());  // an empty password sends nothing
}

TEST(MysqlAuth, CachingSha2ScrambleMatchesTheServersFastCheck) {
  // Hash entry SHA256(SHA256(password)); the server recovers SHA256(password) as
  // XOR(scramble, SHA256(entry + nonce)) and hashes it again.
  const std::string entry = digest(EVP_sha256(), digest(EVP_sha256(), "secret"));
  const std::string reply = caching_sha2_scramble("secret", kNonce);
  ASSERT_EQ(reply.size(), 32u);
  EXPECT_EQ(digest(EVP_sha256(), xor_of(reply, digest(EVP_sha256(), entry, kNonce))), entry);
}

TEST(MysqlAuth, AuthSwitchRequestToNativePassword) {
  std::string payload;
  encode_auth_switch_request(payload, kNativePasswordPlugin, kNonce + '\0');
  EXPECT_EQ(payload.substr(0, 1), from_hex("fe"));
  EXPECT_EQ(classify_auth_reply(payload), AuthReply::kSwitch);
  const auto sw = decode_auth_switch_request(payload);
  ASSERT_TRUE(sw);
  EXPECT_EQ(sw->plugin_name, kNativePasswordPlugin);
  EXPECT_EQ(sw->nonce(), kNonce);
  // The pre-4.1 form: a lone 0xFE.
  const auto old = decode_auth_switch_request(from_hex("fe"));
  ASSERT_TRUE(old);
  EXPECT_TRUE(old->plugin_name.empty());
  EXPECT_FALSE(decode_auth_switch_request(from_hex("fe 61 62")));  // a name without its terminator
}

TEST(MysqlAuth, CachingSha2FastAuthSequence) {
  // Server: AuthMoreData 0x01 0x03, then OK.
  const std::string more = from_hex("01 03");
  EXPECT_EQ(classify_auth_reply(more), AuthReply::kMoreData);
  const auto data = decode_auth_more_data(more);
  ASSERT_TRUE(data);
  EXPECT_EQ(classify_caching_sha2(*data), CachingSha2Step::kFastAuthSuccess);
  EXPECT_EQ(classify_auth_reply(from_hex("00 00 00 02 00 00 00")), AuthReply::kOk);
}

TEST(MysqlAuth, CachingSha2FullAuthWithRsaKeyExchange) {
  // Server: 0x01 0x04 (perform full authentication); client without TLS: 0x02 (request public
  // key); server: 0x01 + PEM; client: RSA-OAEP(XOR(password + NUL, nonce)).
  EXPECT_EQ(classify_caching_sha2(*decode_auth_more_data(from_hex("01 04"))), CachingSha2Step::kPerformFullAuth);
  EXPECT_EQ(from_hex("02")[0], static_cast<char>(kCachingSha2RequestPublicKey));

  EVP_PKEY* key = EVP_RSA_gen(2048);
  ASSERT_NE(key, nullptr);
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> owned(key, &EVP_PKEY_free);
  BIO* bio = BIO_new(BIO_s_mem());
  ASSERT_EQ(PEM_write_bio_PUBKEY(bio, key), 1);
  char* pem_data = nullptr;
  const long pem_len = BIO_get_mem_data(bio, &pem_data);
  const std::string pem(pem_data, static_cast<size_t>(pem_len));
  BIO_free(bio);

  std::string response;
  encode_auth_more_data(response, pem);
  const auto key_data = decode_auth_more_data(response);
  ASSERT_TRUE(key_data);
  EXPECT_EQ(classify_caching_sha2(*key_data), CachingSha2Step::kPublicKey);

  const std::string plain = caching_sha2_xor_password("secret", kNonce);
  EXPECT_EQ(plain.size(), 7u);
  const auto sealed = rsa_oaep_encrypt(*key_data, plain);
  ASSERT_TRUE(sealed);
  EXPECT_EQ(sealed->size(), 256u);
  // What the server does: decrypt with its private key, XOR with the nonce.
  EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new(key, nullptr);
  ASSERT_EQ(EVP_PKEY_decrypt_init(ctx), 1);
  ASSERT_EQ(EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_OAEP_PADDING), 1);
  std::string opened(256, '\0');
  size_t n = opened.size();
  ASSERT_EQ(EVP_PKEY_decrypt(ctx, reinterpret_cast<unsigned char*>(opened.data()), &n,
                             reinterpret_cast<const unsigned char*>(sealed->data()), sealed->size()),
            1);
  EVP_PKEY_CTX_free(ctx);
  opened.resize(n);
  EXPECT_EQ(xor_of(opened, kNonce), std::string("secret") + '\0');

  EXPECT_FALSE(rsa_oaep_encrypt("not a key", plain));
  EXPECT_FALSE(rsa_oaep_encrypt(pem, std::string(300, 'x')));  // longer than the key allows
}

}  // namespace
}  // namespace switchyard::mysql
