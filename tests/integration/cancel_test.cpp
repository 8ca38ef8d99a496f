// A query running through switchyard is cancelled with libpq's PQcancel, which sends a
// CancelRequest to the proxy's port: it ends within seconds with SQLSTATE 57014
// (query_canceled), and the session goes on.
#include <gtest/gtest.h>

#include "tests/support/integration_environment.h"
#include "tests/support/pg_connection.h"
#include "tests/support/wait.h"

namespace switchyard::test_support {
namespace {

constexpr char kSleep[] = "SELECT pg_sleep(60) /* cancel_test */";

// Whether PostgreSQL itself shows `sql` running.
bool shows_as_active(PGconn* direct, const std::string& sql) {
  return query_value(direct, "SELECT count(*) FROM pg_stat_activity WHERE state = 'active' AND query = '" + sql + "'") ==
         "1";
}

TEST(Cancel, StopsARunningQueryWithQueryCanceled) {
  IntegrationEnvironment& env = integration_env();
  PgConn conn = connect(env.proxied().conninfo(kAppDatabase, kSuperuser));
  ASSERT_EQ(PQstatus(conn.get()), CONNECTION_OK) << PQerrorMessage(conn.get());
  PgConn direct = connect(env.direct().conninfo(kAppDatabase, kSuperuser));
  ASSERT_EQ(PQstatus(direct.get()), CONNECTION_OK) << PQerrorMessage(direct.get());

  ASSERT_EQ(PQsendQuery(conn.get(), kSleep), 1) << PQerrorMessage(conn.get());
  ASSERT_TRUE(eventually([&] { return shows_as_active(direct.get(), kSleep); }, 10s, 100ms))
      << "the query never showed as active in pg_stat_activity";
  std::unique_ptr<PGcancel, void (*)(PGcancel*)> cancel(PQgetCancel(conn.get()), PQfreeCancel);
  ASSERT_TRUE(cancel);
  char error[256] = "";
  ASSERT_EQ(PQcancel(cancel.get(), error, sizeof error), 1) << error;

  ASSERT_TRUE(result_ready(conn.get(), 5s)) << "no answer within 5 s of the cancel request";
  PgResult result(PQgetResult(conn.get()));
  EXPECT_EQ(PQresultStatus(result.get()), PGRES_FATAL_ERROR) << describe(result.get());
  EXPECT_EQ(sqlstate(result.get()), "57014") << describe(result.get());
  while (result_ready(conn.get(), 5s) && PgResult(PQgetResult(conn.get()))) {
  }
  EXPECT_EQ(query_value(conn.get(), "SELECT 'still usable'"), "still usable");
}

}  // namespace
}  // namespace switchyard::test_support
