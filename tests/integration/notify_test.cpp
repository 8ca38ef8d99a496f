// LISTEN/NOTIFY through switchyard: a notification with a payload sent on one proxied
// connection arrives, asynchronously, on another that listens.
#include <gtest/gtest.h>

#include "tests/support/integration_environment.h"
#include "tests/support/pg_connection.h"
#include "tests/support/relay_checks.h"

namespace switchyard::test_support {
namespace {

TEST(Notify, ReachesAListenerOnAnotherConnection) {
  const Endpoint& proxy = integration_env().proxied();
  PgConn listener = connect(proxy.conninfo(kAppDatabase, kSuperuser));
  PgConn sender = connect(proxy.conninfo(kAppDatabase, kSuperuser));
  ASSERT_EQ(PQstatus(listener.get()), CONNECTION_OK) << PQerrorMessage(listener.get());
  ASSERT_EQ(PQstatus(sender.get()), CONNECTION_OK) << PQerrorMessage(sender.get());
  PgResult listening = exec(listener.get(), "LISTEN switchyard_events");
  ASSERT_EQ(PQresultStatus(listening.get()), PGRES_COMMAND_OK) << describe(listening.get());

  PgResult sent = exec(sender.get(), "NOTIFY switchyard_events, 'hello through the proxy'");
  ASSERT_EQ(PQresultStatus(sent.get()), PGRES_COMMAND_OK) << describe(sent.get());
  Notification notification = next_notification(listener.get(), 5s);

  ASSERT_TRUE(notification) << "no notification within 5 s";
  EXPECT_STREQ(notification->relname, "switchyard_events");
  EXPECT_STREQ(notification->extra, "hello through the proxy");
}

}  // namespace
}  // namespace switchyard::test_support
