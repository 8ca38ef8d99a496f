// Cancel and notification checks shared by the relay suites; see relay_checks.h.
#include "tests/support/relay_checks.h"

#include <gtest/gtest.h>

#include "tests/support/pg_connection.h"
#include "tests/support/wait.h"

namespace switchyard::test_support {
namespace {

// Whether PostgreSQL itself shows `sql` running.
bool shows_as_active(PGconn* direct, const std::string& sql) {
  return query_value(direct, "SELECT count(*) FROM pg_stat_activity WHERE state = 'active' AND query = '" + sql + "'") ==
         "1";
}

}  // namespace

void expect_cancel_stops_query(PGconn* conn, PGconn* direct, const std::string& sleep_sql) {
  ASSERT_EQ(PQsendQuery(conn, sleep_sql.c_str()), 1) << PQerrorMessage(conn);
  ASSERT_TRUE(eventually([&] { return shows_as_active(direct, sleep_sql); }, 10s, 100ms))
      << "the query never showed as active in pg_stat_activity";
  std::unique_ptr<PGcancel, void (*)(PGcancel*)> cancel(PQgetCancel(conn), PQfreeCancel);
  ASSERT_TRUE(cancel);
  char error[256] = "";
  ASSERT_EQ(PQcancel(cancel.get(), error, sizeof error), 1) << error;

  ASSERT_TRUE(result_ready(conn, 5s)) << "no answer within 5 s of the cancel request";
  PgResult result(PQgetResult(conn));
  EXPECT_EQ(PQresultStatus(result.get()), PGRES_FATAL_ERROR) << describe(result.get());
  EXPECT_EQ(sqlstate(result.get()), "57014") << describe(result.get());
  while (result_ready(conn, 5s) && PgResult(PQgetResult(conn))) {
  }
  EXPECT_EQ(query_value(conn, "SELECT 'still usable'"), "still usable");
}

Notification next_notification(PGconn* conn, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    PQconsumeInput(conn);
    if (PGnotify* notify = PQnotifies(conn)) return Notification(notify, PQfreemem);
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left <= 0ms || !wait_input(conn, left)) return Notification(PQnotifies(conn), PQfreemem);
  }
}

}  // namespace switchyard::test_support
