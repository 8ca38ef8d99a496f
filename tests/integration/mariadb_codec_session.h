// A raw MySQL session logged in by switchyard's own codecs (mysql_native_password), for tests
// that must put bytes on the wire themselves: the MariaDB wire tests, and pipelining through the
// proxy. Uses the server from shared_mariadb() unless given another endpoint.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <string>

#include "protocol/mysql/auth.h"
#include "protocol/mysql/constants.h"
#include "protocol/mysql/handshake.h"
#include "tests/support/mariadb_environment.h"
#include "tests/support/mariadb_server.h"
#include "tests/support/mysql_raw_client.h"

namespace switchyard::test_support {

// A raw connection logged in by the codecs alone.
struct CodecSession {
  std::unique_ptr<MysqlRawClient> client;
  mysql::HandshakeV10 greeting;
  std::string greeting_bytes;
  uint32_t capabilities = 0;  // agreed on
};

inline uint32_t client_capabilities(bool deprecate_eof) {
  return mysql::cap::kLongPassword | mysql::cap::kProtocol41 | mysql::cap::kSecureConnection | mysql::cap::kPluginAuth |
         mysql::cap::kPluginAuthLenencClientData | mysql::cap::kConnectWithDb | mysql::cap::kTransactions | mysql::cap::kMultiStatements |
         mysql::cap::kMultiResults | mysql::cap::kPsMultiResults | mysql::cap::kConnectAttrs | mysql::cap::kLocalFiles | mysql::cap::kSessionTrack |
         (deprecate_eof ? mysql::cap::kDeprecateEof : 0);
}

// Reads the greeting and logs in as `user` with a mysql_native_password scramble; the server's
// final OK or ERR goes to `last`.
// `host`/`port`: the server by default, or switchyard in front of it.
inline CodecSession open_session(bool deprecate_eof, const std::string& password, std::optional<MysqlPacket>& last,
                                 std::string host = "", int port = 0) {
  MariaDbServer& s = shared_mariadb();
  CodecSession session;
  session.client = std::make_unique<MysqlRawClient>(host.empty() ? s.host() : host, port == 0 ? s.port() : port);
  EXPECT_TRUE(session.client->connected()) << session.client->error();
  const auto hello = session.client->read();
  EXPECT_TRUE(hello) << session.client->error();
  if (!hello) return session;
  session.greeting_bytes = hello->payload;
  const auto greeting = mysql::decode_handshake_v10(hello->payload);
  EXPECT_TRUE(greeting) << greeting.error;
  if (!greeting) return session;
  session.greeting = *greeting;
  session.capabilities = client_capabilities(deprecate_eof) & greeting->capabilities;

  mysql::HandshakeResponse41 response;
  response.capabilities = session.capabilities;
  response.max_packet_size = 16u << 20;
  response.character_set = 45;  // utf8mb4_general_ci
  response.username = kMariaDbNativeUser;
  response.auth_response = mysql::native_password_scramble(password, greeting->scramble());
  response.database = kMariaDbAppDatabase;
  response.auth_plugin_name = mysql::kNativePasswordPlugin;
  response.connect_attrs = {{"_client_name", "switchyard-codec-test"}};
  std::string payload;
  mysql::encode_handshake_response(payload, response);
  EXPECT_TRUE(session.client->send(hello->last_sequence_id + 1, payload));
  last = session.client->read();
  // A server whose default plugin differs asks to switch; answer with the new nonce.
  if (last && mysql::classify_auth_reply(last->payload) == mysql::AuthReply::kSwitch) {
    const auto sw = mysql::decode_auth_switch_request(last->payload);
    EXPECT_TRUE(sw);
    EXPECT_EQ(sw->plugin_name, mysql::kNativePasswordPlugin);
    EXPECT_TRUE(session.client->send(last->last_sequence_id + 1, mysql::native_password_scramble(password, sw->nonce())));
    last = session.client->read();
  }
  session.client->take_received();
  return session;
}

}  // namespace switchyard::test_support
