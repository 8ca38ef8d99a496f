// The greeting and the client's response: the MySQL docs' examples decode to their documented
// fields and re-encode byte for byte; MariaDB's extended capabilities; masking; truncations.
#include "protocol/mysql/handshake.h"

#include <gtest/gtest.h>

#include "protocol/mysql/constants.h"
#include "tests/protocol/mysql/packet_builder.h"

namespace switchyard::mysql {
namespace {

using testing::from_hex;

// page_protocol_connection_phase_packets_protocol_handshake_v10's example payload (a 5.5.2-m2
// server without CLIENT_PLUGIN_AUTH), without its 4-byte packet header.
const std::string kDocGreeting = from_hex(
    "0a 35 2e 35 2e 32 2d 6d 32 00 0b 00 00 00 64 76 48 40 49 2d 43 4a 00 ff f7 08 02 00 00 00 00 00 00 00 00 00 00 00"
    "00 00 00 2a 34 64 7c 63 5a 77 6b 34 5e 5d 3a 00");

// page_protocol_connection_phase_packets_protocol_handshake_response's example payload: user
// "pam", a 20-byte scramble answer, database "test", plugin mysql_native_password.
const std::string kDocResponse = from_hex(
    "8d a6 0f 00 00 00 00 01 08 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 70 61 6d 00 14 ab"
    "09 ee f6 bc b1 32 3e 61 14 38 65 c0 99 1d 95 7d 75 d4 47 74 65 73 74 00 6d 79 73 71 6c 5f 6e 61 74 69 76 65 5f 70"
    "61 73 73 77 6f 72 64 00");

TEST(MysqlHandshake, DocumentGreetingDecodesAndReencodes) {
  const auto hs = decode_handshake_v10(kDocGreeting);
  ASSERT_TRUE(hs) << hs.error;
  EXPECT_EQ(hs->server_version, "5.5.2-m2");
  EXPECT_EQ(hs->connection_id, 11u);
  EXPECT_EQ(hs->capabilities, 0xf7ffu);
  EXPECT_EQ(hs->character_set, 8);
  EXPECT_EQ(hs->status_flags, status::kAutocommit);
  EXPECT_EQ(hs->scramble(), from_hex("64 76 48 40 49 2d 43 4a 2a 34 64 7c 63 5a 77 6b 34 5e 5d 3a"));
  EXPECT_TRUE(hs->auth_plugin_name.empty());
  std::string again;
  encode_handshake_v10(again, *hs);
  EXPECT_EQ(again, kDocGreeting);
  for (size_t cut = 0; cut < kDocGreeting.size(); ++cut) {
    const auto t = decode_handshake_v10(std::string_view(kDocGreeting).substr(0, cut));
    // The short form (ending after the lower capabilities) is the one valid prefix.
    EXPECT_EQ(bool(t), cut == 25) << cut;
  }
}

TEST(MysqlHandshake, MariaDbGreetingCarriesExtendedCapabilitiesAndMasks) {
  HandshakeV10 hs;
  hs.server_version = "5.5.5-10.11.19-MariaDB-0+deb12u1";
  hs.connection_id = 42;
  hs.auth_plugin_data_1 = "abcdefgh";
  hs.auth_plugin_data_2 = std::string("ijklmnopqrst") + '\0';
  hs.auth_plugin_data_len = 21;
  hs.capabilities = (cap::kProtocol41 | cap::kSecureConnection | cap::kPluginAuth | cap::kCompress | cap::kSsl |
                     cap::kDeprecateEof);  // bit 0 clear: MariaDB
  hs.set_mariadb_capabilities(mariadb_cap::kStmtBulkOperations | mariadb_cap::kCacheMetadata | mariadb_cap::kProgress);
  hs.auth_plugin_name = "mysql_native_password";
  std::string bytes;
  encode_handshake_v10(bytes, hs);
  auto back = decode_handshake_v10(bytes);
  ASSERT_TRUE(back) << back.error;
  EXPECT_EQ(back->scramble(), "abcdefghijklmnopqrst");
  EXPECT_EQ(back->mariadb_capabilities(), hs.mariadb_capabilities());
  HandshakeV10 masked = *back;
  mask_capabilities(masked, cap::kCompress | cap::kSsl, mariadb_cap::kCacheMetadata);
  std::string masked_bytes;
  encode_handshake_v10(masked_bytes, masked);
  back = decode_handshake_v10(masked_bytes);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->capabilities, hs.capabilities & ~(cap::kCompress | cap::kSsl));
  EXPECT_EQ(back->mariadb_capabilities(), mariadb_cap::kStmtBulkOperations | mariadb_cap::kProgress);
  // Only capability bytes changed: the two lower ones holding COMPRESS and SSL, and MariaDB's.
  ASSERT_EQ(masked_bytes.size(), bytes.size());
  size_t differing = 0;
  for (size_t i = 0; i < bytes.size(); ++i) differing += bytes[i] != masked_bytes[i];
  EXPECT_EQ(differing, 3u);
}

TEST(MysqlHandshake, ErrorInPlaceOfTheGreetingIsReported) {
  const auto hs = decode_handshake_v10(from_hex("ff 10 04 54 6f 6f 20 6d 61 6e 79"));
  EXPECT_FALSE(hs);
  EXPECT_EQ(hs.error, "server sent an error");
}

TEST(MysqlHandshakeResponse, DocumentExampleDecodesAndReencodes) {
  const auto r = decode_handshake_response(kDocResponse);
  ASSERT_TRUE(r) << r.error;
  EXPECT_EQ(r->capabilities, 0x000fa68du);
  EXPECT_EQ(r->max_packet_size, 16777216u);
  EXPECT_EQ(r->character_set, 8);
  EXPECT_EQ(r->username, "pam");
  EXPECT_EQ(r->auth_response.size(), 20u);
  EXPECT_EQ(r->database, "test");
  EXPECT_EQ(r->auth_plugin_name, "mysql_native_password");
  EXPECT_FALSE(is_ssl_request(kDocResponse));
  std::string again;
  encode_handshake_response(again, *r);
  EXPECT_EQ(again, kDocResponse);
  for (size_t cut = 0; cut + 1 < kDocResponse.size(); ++cut) {
    // Every prefix short of the plugin name's end fails, except the one ending after the
    // database (the plugin name then reads as empty, and re-encoding shows the difference).
    const auto t = decode_handshake_response(std::string_view(kDocResponse).substr(0, cut));
    if (t) {
      std::string e;
      encode_handshake_response(e, *t);
      EXPECT_NE(e, kDocResponse) << cut;
    }
  }
}

TEST(MysqlHandshakeResponse, ConnectAttributesLenencAuthAndMariaDbCapabilities) {
  HandshakeResponse41 r;
  r.capabilities = cap::kProtocol41 | cap::kSecureConnection | cap::kPluginAuth | cap::kPluginAuthLenencClientData |
                   cap::kConnectAttrs | cap::kConnectWithDb;  // bit 0 clear: MariaDB's extension bytes
  r.max_packet_size = 1 << 24;
  r.character_set = 45;
  r.mariadb_capabilities = mariadb_cap::kStmtBulkOperations;
  r.username = "app";
  r.auth_response = std::string(300, 'k');  // longer than a 1-byte length allows
  r.database = "shop";
  r.auth_plugin_name = "client_ed25519";
  r.connect_attrs = {{"_client_name", "libmariadb"}, {"_pid", "1234"}, {"program_name", "switchyard"}};
  std::string bytes;
  encode_handshake_response(bytes, r);
  const auto back = decode_handshake_response(bytes);
  ASSERT_TRUE(back) << back.error;
  EXPECT_EQ(back->auth_response, r.auth_response);
  EXPECT_EQ(back->mariadb_capabilities, mariadb_cap::kStmtBulkOperations);
  EXPECT_EQ(back->connect_attrs, r.connect_attrs);
  EXPECT_EQ(back->attr("_pid"), "1234");
  EXPECT_EQ(back->database, "shop");
  EXPECT_EQ(back->auth_plugin_name, "client_ed25519");
}

TEST(MysqlHandshakeResponse, SslRequestIsTheFirst32Bytes) {
  HandshakeResponse41 r;
  r.capabilities = cap::kProtocol41 | cap::kSecureConnection;
  r.max_packet_size = 1 << 24;
  r.character_set = 33;
  std::string bytes;
  encode_ssl_request(bytes, r);
  EXPECT_EQ(bytes.size(), kSslRequestLength);
  EXPECT_TRUE(is_ssl_request(bytes));
  const auto back = decode_handshake_response(bytes);
  ASSERT_TRUE(back) << back.error;
  EXPECT_TRUE(back->capabilities & cap::kSsl);
  EXPECT_TRUE(back->username.empty());
  // The full response after TLS starts with the same 32 bytes.
  r.capabilities |= cap::kSsl;
  r.username = "u";
  std::string full;
  encode_handshake_response(full, r);
  EXPECT_EQ(full.substr(0, kSslRequestLength), bytes);
}

TEST(MysqlHandshakeResponse, ProtocolBefore41IsRefused) {
  std::string bytes;
  put_u32(bytes, cap::kLongPassword);
  bytes.append(40, '\0');
  const auto r = decode_handshake_response(bytes);
  EXPECT_FALSE(r);
  EXPECT_EQ(r.error, "client does not speak protocol 4.1");
}

}  // namespace
}  // namespace switchyard::mysql
