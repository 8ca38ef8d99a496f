// LISTEN/NOTIFY through switchyard: a notification with a payload sent on one proxied
// connection arrives, asynchronously, on another that listens.
#include <gtest/gtest.h>

#include "tests/support/integration_environment.h"
#include "tests/support/pg_connection.h"

namespace switchyard::test_support {
namespace {

using Notification = std::unique_ptr<PGnotify, void (*)(void*)>;

// The next notification on `conn`, waiting for its socket (bounded); null if none came.
Notification next_notification(PGconn* conn, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    PQconsumeInput(conn);
    if (PGnotify* notify = PQnotifies(conn)) return Notification(notify, PQfreemem);
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left <= 0ms || !wait_input(conn, left)) return Notification(PQnotifies(conn), PQfreemem);
  }
}

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
