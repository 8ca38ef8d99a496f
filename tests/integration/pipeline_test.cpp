// libpq pipeline mode through switchyard: queries queued before an error succeed, the failing
// one reports its error, the rest of the batch is aborted up to the Sync, and the connection
// goes on working afterwards.
#include <gtest/gtest.h>

#include <thread>
#include <vector>

#include "tests/support/integration_environment.h"
#include "tests/support/pg_connection.h"

namespace switchyard::test_support {
namespace {

// The next result of the pipeline; null when libpq has none to give within 5 s.
PgResult next_result(PGconn* conn) {
  if (!result_ready(conn, 5s)) return nullptr;
  return PgResult(PQgetResult(conn));
}

// Queues `sql` with one text parameter.
bool send(PGconn* conn, const char* sql, const char* parameter) {
  return PQsendQueryParams(conn, sql, 1, nullptr, &parameter, nullptr, nullptr, 0) == 1;
}

// Reads one query's result and the null that ends it; returns the result's status.
ExecStatusType query_result(PGconn* conn, std::string& value, std::string& detail) {
  PgResult result = next_result(conn);
  if (!result) {
    detail = "no result: " + std::string(PQerrorMessage(conn));
    return PGRES_NONFATAL_ERROR;
  }
  detail = describe(result.get());
  if (PQresultStatus(result.get()) == PGRES_TUPLES_OK && PQntuples(result.get()) == 1) {
    value = PQgetvalue(result.get(), 0, 0);
  }
  if (next_result(conn)) detail += " (followed by another result instead of the end of the query)";
  return PQresultStatus(result.get());
}

TEST(Pipeline, AnErrorAbortsTheRestOfTheBatchUntilSync) {
  PgConn conn = connect(integration_env().proxied().conninfo(kAppDatabase, kSuperuser));
  ASSERT_EQ(PQstatus(conn.get()), CONNECTION_OK) << PQerrorMessage(conn.get());
  ASSERT_EQ(PQenterPipelineMode(conn.get()), 1);

  ASSERT_TRUE(send(conn.get(), "SELECT $1::int + 1", "1"));
  ASSERT_TRUE(send(conn.get(), "SELECT upper($1)", "second"));
  ASSERT_TRUE(send(conn.get(), "SELECT 10 / $1::int", "0"));
  ASSERT_TRUE(send(conn.get(), "SELECT $1::int * 2", "4"));
  ASSERT_TRUE(send(conn.get(), "SELECT length($1)", "fifth"));
  ASSERT_EQ(PQpipelineSync(conn.get()), 1) << PQerrorMessage(conn.get());

  std::string value, detail;
  EXPECT_EQ(query_result(conn.get(), value, detail), PGRES_TUPLES_OK) << detail;
  EXPECT_EQ(value, "2");
  EXPECT_EQ(query_result(conn.get(), value, detail), PGRES_TUPLES_OK) << detail;
  EXPECT_EQ(value, "SECOND");
  EXPECT_EQ(query_result(conn.get(), value, detail), PGRES_FATAL_ERROR) << detail;
  EXPECT_NE(detail.find("22012"), std::string::npos) << detail;
  EXPECT_EQ(query_result(conn.get(), value, detail), PGRES_PIPELINE_ABORTED) << detail;
  EXPECT_EQ(query_result(conn.get(), value, detail), PGRES_PIPELINE_ABORTED) << detail;
  PgResult sync = next_result(conn.get());
  EXPECT_EQ(PQresultStatus(sync.get()), PGRES_PIPELINE_SYNC) << describe(sync.get());

  ASSERT_EQ(PQexitPipelineMode(conn.get()), 1) << PQerrorMessage(conn.get());
  EXPECT_EQ(query_value(conn.get(), "SELECT 'usable after the pipeline'"), "usable after the pipeline");
}

// Both directions full at once: 8,000 queries with 2 KB answers (16 MB, more than the loopback
// buffers hold) sent without waiting, then a pause with nothing read, then everything read. The
// client's socket fills, so the proxy's writes to it come back partial and go async, and the
// server's fills behind them. Every answer arrives, in order.
TEST(Pipeline, BothDirectionsFullAtOnceLoseNothing) {
  PgConn conn = connect(integration_env().proxied().conninfo(kAppDatabase, kSuperuser));
  ASSERT_EQ(PQstatus(conn.get()), CONNECTION_OK) << PQerrorMessage(conn.get());
  ASSERT_EQ(PQsetnonblocking(conn.get(), 1), 0);
  ASSERT_EQ(PQenterPipelineMode(conn.get()), 1);
  constexpr int kQueries = 8000;
  for (int i = 0; i < kQueries; ++i) {
    const std::string n = std::to_string(i);
    ASSERT_TRUE(send(conn.get(), "SELECT $1::int, repeat(md5($1::text), 64)", n.c_str())) << PQerrorMessage(conn.get());
  }
  ASSERT_EQ(PQpipelineSync(conn.get()), 1) << PQerrorMessage(conn.get());
  ASSERT_TRUE(flush_within(conn.get(), 30s)) << PQerrorMessage(conn.get());
  std::this_thread::sleep_for(1500ms);  // nothing read: every buffer on the way fills
  for (int i = 0; i < kQueries; ++i) {
    std::string value, detail;
    ASSERT_EQ(query_result(conn.get(), value, detail), PGRES_TUPLES_OK) << "query " << i << ": " << detail;
    ASSERT_EQ(value, std::to_string(i));
  }
  PgResult sync = next_result(conn.get());
  EXPECT_EQ(PQresultStatus(sync.get()), PGRES_PIPELINE_SYNC) << describe(sync.get());
  ASSERT_EQ(PQexitPipelineMode(conn.get()), 1) << PQerrorMessage(conn.get());
  ASSERT_EQ(PQsetnonblocking(conn.get(), 0), 0);
  EXPECT_EQ(query_value(conn.get(), "SELECT 'usable after'"), "usable after");
}

}  // namespace
}  // namespace switchyard::test_support
