// Garbage after a good startup ends only that session: switchyard closes the socket (perhaps
// after an ErrorResponse), while another client's connection works before and after.
#include <gtest/gtest.h>

#include "tests/support/integration_environment.h"
#include "tests/support/pg_connection.h"
#include "tests/support/raw_client.h"
#include "protocol/pg/backend.h"
#include "protocol/pg/startup.h"

namespace switchyard::test_support {
namespace {

// 64 bytes no frontend message starts with: type 0xFF, then a length field that reads as a
// negative number, then junk.
std::string garbage() {
  std::string bytes = "\xff\xfe\xed\xfa\xce";
  for (int i = 0; bytes.size() < 64; ++i) bytes.push_back(static_cast<char>(i * 37 + 11));
  return bytes;
}

std::string query(std::string sql) {
  std::string out;
  sql.push_back('\0');
  pg::encode_message(out, 'Q', sql);
  return out;
}

std::string app_startup() {
  return pg::encode_startup(pg::kProtocol3, {{"user", kSuperuser}, {"database", kAppDatabase}});
}

TEST(Garbage, AfterStartupClosesThatSessionOnly) {
  const Endpoint& proxy = integration_env().proxied();
  PgConn bystander = connect(proxy.conninfo(kAppDatabase, kSuperuser));
  ASSERT_EQ(PQstatus(bystander.get()), CONNECTION_OK) << PQerrorMessage(bystander.get());
  EXPECT_EQ(query_value(bystander.get(), "SELECT 'before'"), "before");
  RawClient raw(proxy);
  ASSERT_TRUE(raw.connected()) << raw.error();
  ASSERT_TRUE(raw.send(app_startup()));
  ASSERT_TRUE(raw.read_until('Z')) << "no ReadyForQuery after startup; received: " << printable(raw.received());

  ASSERT_TRUE(raw.send(garbage())) << raw.error();

  EXPECT_TRUE(raw.wait_closed(5s)) << "the proxy kept the socket open; received: " << printable(raw.received());
  EXPECT_EQ(query_value(bystander.get(), "SELECT 'after'"), "after");
  PgConn newcomer = connect(proxy.conninfo(kAppDatabase, kSuperuser));
  ASSERT_EQ(PQstatus(newcomer.get()), CONNECTION_OK) << PQerrorMessage(newcomer.get());
  EXPECT_EQ(query_value(newcomer.get(), "SELECT 'new session'"), "new session");
}

TEST(Garbage, AValidQueryOnARawSessionIsAnswered) {
  RawClient raw(integration_env().proxied());
  ASSERT_TRUE(raw.connected()) << raw.error();
  ASSERT_TRUE(raw.send(app_startup()));
  ASSERT_TRUE(raw.read_until('Z')) << printable(raw.received());

  ASSERT_TRUE(raw.send(query("SELECT 'raw'")));

  ASSERT_TRUE(raw.read_until('Z')) << printable(raw.received());
  EXPECT_NE(raw.received().find("raw"), std::string::npos) << printable(raw.received());
}

}  // namespace
}  // namespace switchyard::test_support
