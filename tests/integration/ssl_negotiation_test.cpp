// SSLRequest handling by switchyard, which speaks no TLS to clients: a bare SSLRequest is
// answered 'N' and the plain session continues; bytes sent along with the SSLRequest (which a
// man in the middle could have injected) end the connection; libpq's sslmode=prefer gets in
// and sslmode=require is refused.
#include <gtest/gtest.h>

#include "tests/support/integration_environment.h"
#include "tests/support/pg_connection.h"
#include "tests/support/raw_client.h"
#include "tests/support/text_assertions.h"
#include "protocol/pg/startup.h"

namespace switchyard::test_support {
namespace {

std::string app_startup() {
  return pg::encode_startup(pg::kProtocol3, {{"user", kSuperuser}, {"database", kAppDatabase}});
}
std::string ssl_request() { return pg::encode_request_code(pg::kSslRequestCode); }

TEST(SslNegotiation, SslRequestIsAnsweredWithN) {
  RawClient raw(integration_env().proxied());
  ASSERT_TRUE(raw.connected()) << raw.error();

  ASSERT_TRUE(raw.send(ssl_request()));

  EXPECT_EQ(raw.read_byte(), std::optional<char>('N')) << printable(raw.received());
  ASSERT_TRUE(raw.send(app_startup()));
  EXPECT_TRUE(raw.read_until('Z')) << "no ReadyForQuery after 'N' and a startup: " << printable(raw.received());
}

TEST(SslNegotiation, BytesSentAlongWithTheSslRequestCloseTheConnection) {
  RawClient raw(integration_env().proxied());
  ASSERT_TRUE(raw.connected()) << raw.error();

  ASSERT_TRUE(raw.send(ssl_request() + app_startup()));

  EXPECT_TRUE(raw.wait_closed(5s)) << "still open; received: " << printable(raw.received());
  const std::string ready_for_query("Z\0\0\0\5", 5);
  EXPECT_EQ(raw.received().find(ready_for_query), std::string::npos)
      << "the startup was served: " << printable(raw.received());
}

TEST(SslNegotiation, LibpqPreferFallsBackToPlain) {
  PgConn conn = connect(integration_env().proxied().conninfo(kAppDatabase, kSuperuser) + " sslmode=prefer");
  ASSERT_EQ(PQstatus(conn.get()), CONNECTION_OK) << PQerrorMessage(conn.get());
  EXPECT_EQ(PQsslInUse(conn.get()), 0);
  EXPECT_EQ(query_value(conn.get(), "SELECT 'plain'"), "plain");
}

TEST(SslNegotiation, LibpqRequireIsRefused) {
  PgConn conn = connect(integration_env().proxied().conninfo(kAppDatabase, kSuperuser) + " sslmode=require");
  EXPECT_EQ(PQstatus(conn.get()), CONNECTION_BAD);
  EXPECT_TRUE(Contains(PQerrorMessage(conn.get()), "SSL"));
}

}  // namespace
}  // namespace switchyard::test_support
