// A query running through switchyard is cancelled with libpq's PQcancel, which sends a
// CancelRequest to the proxy's port: it ends within seconds with SQLSTATE 57014
// (query_canceled), and the session goes on.
#include <gtest/gtest.h>

#include "tests/support/integration_environment.h"
#include "tests/support/pg_connection.h"
#include "tests/support/relay_checks.h"

namespace switchyard::test_support {
namespace {

constexpr char kSleep[] = "SELECT pg_sleep(60) /* cancel_test */";

TEST(Cancel, StopsARunningQueryWithQueryCanceled) {
  IntegrationEnvironment& env = integration_env();
  PgConn conn = connect(env.proxied().conninfo(kAppDatabase, kSuperuser));
  ASSERT_EQ(PQstatus(conn.get()), CONNECTION_OK) << PQerrorMessage(conn.get());
  PgConn direct = connect(env.direct().conninfo(kAppDatabase, kSuperuser));
  ASSERT_EQ(PQstatus(direct.get()), CONNECTION_OK) << PQerrorMessage(direct.get());

  expect_cancel_stops_query(conn.get(), direct.get(), kSleep);
}

}  // namespace
}  // namespace switchyard::test_support
