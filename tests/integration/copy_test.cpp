// 100,000 rows go into PostgreSQL with COPY FROM STDIN through switchyard and come back out
// with COPY TO STDOUT byte for byte; PostgreSQL's md5 of what it stored equals its md5 of the
// input.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "tests/support/integration_environment.h"
#include "tests/support/pg_connection.h"

namespace switchyard::test_support {
namespace {

constexpr int kRows = 100000;
// Odd-sized CopyData messages, so rows straddle message boundaries.
constexpr std::size_t kChunkBytes = 7919;

// COPY text format: "id<TAB>label<TAB>amount\n", ids in order; the label has non-ASCII bytes.
std::string copy_input() {
  std::string text;
  for (int id = 1; id <= kRows; ++id) {
    text += std::to_string(id) + "\trow-\xc3\xa9-" + std::to_string(id * 7 % 1000) + "\t" +
            std::to_string(id % 10000) + "." + std::to_string(10 + id % 90) + "\n";
  }
  return text;
}

// Sends `data` as CopyData messages and ends the COPY, never blocking for long (the connection
// is nonblocking meanwhile); the command's result, or null with PQerrorMessage set.
PgResult copy_in(PGconn* conn, const std::string& data) {
  PgResult started = exec(conn, "COPY copy_rows FROM STDIN");
  if (PQresultStatus(started.get()) != PGRES_COPY_IN) return started;
  PQsetnonblocking(conn, 1);
  int sent = 1;
  for (std::size_t at = 0; at < data.size() && sent == 1; at += kChunkBytes) {
    const int size = static_cast<int>(std::min(kChunkBytes, data.size() - at));
    while ((sent = PQputCopyData(conn, data.data() + at, size)) == 0 && flush_within(conn, 30s)) {
    }
  }
  if (sent == 1) {
    while ((sent = PQputCopyEnd(conn, nullptr)) == 0 && flush_within(conn, 30s)) {
    }
  }
  const bool flushed = sent == 1 && flush_within(conn, 30s);
  PQsetnonblocking(conn, 0);
  if (!flushed || !result_ready(conn, 60s)) return nullptr;
  PgResult done(PQgetResult(conn));
  while (result_ready(conn, 5s) && PgResult(PQgetResult(conn))) {
  }
  return done;
}

struct CopyOut {
  std::string data;
  std::size_t bytes = 0;
  std::string error;  // empty on success
};

// Streams COPY TO STDOUT into memory (a few MB), bounded by a minute.
CopyOut copy_out(PGconn* conn) {
  CopyOut out;
  PgResult started = exec(conn, "COPY (SELECT * FROM copy_rows ORDER BY id) TO STDOUT");
  if (PQresultStatus(started.get()) != PGRES_COPY_OUT) return {"", 0, describe(started.get())};
  const auto deadline = std::chrono::steady_clock::now() + 60s;
  while (true) {
    char* row = nullptr;
    const int got = PQgetCopyData(conn, &row, 1);
    if (got > 0) {
      out.data.append(row, static_cast<std::size_t>(got));
      out.bytes += static_cast<std::size_t>(got);
      PQfreemem(row);
    } else if (got == 0) {
      if (std::chrono::steady_clock::now() > deadline || !wait_input(conn, 10s)) return {"", 0, "COPY OUT stalled"};
    } else {
      break;  // -1: done; -2: error, reported by the result below
    }
  }
  if (!result_ready(conn, 10s)) return {"", 0, "no result after COPY OUT"};
  PgResult done(PQgetResult(conn));
  if (PQresultStatus(done.get()) != PGRES_COMMAND_OK) return {"", 0, describe(done.get())};
  while (result_ready(conn, 5s) && PgResult(PQgetResult(conn))) {
  }
  return out;
}

TEST(Copy, HundredThousandRowsRoundTripThroughTheProxyByteForByte) {
  IntegrationEnvironment& env = integration_env();
  PgConn conn = connect(env.proxied().conninfo(kAppDatabase, kSuperuser));
  ASSERT_EQ(PQstatus(conn.get()), CONNECTION_OK) << PQerrorMessage(conn.get());
  exec(conn.get(), "DROP TABLE IF EXISTS copy_rows");
  PgResult created = exec(conn.get(), "CREATE TABLE copy_rows (id int PRIMARY KEY, label text NOT NULL, amount numeric(12,2) NOT NULL)");
  ASSERT_EQ(PQresultStatus(created.get()), PGRES_COMMAND_OK) << describe(created.get());
  const std::string input = copy_input();

  PgResult copied = copy_in(conn.get(), input);
  ASSERT_EQ(PQresultStatus(copied.get()), PGRES_COMMAND_OK) << describe(copied.get()) << PQerrorMessage(conn.get());
  EXPECT_STREQ(PQcmdTuples(copied.get()), "100000");
  const CopyOut out = copy_out(conn.get());

  ASSERT_EQ(out.error, "");
  EXPECT_EQ(out.bytes, input.size());
  EXPECT_TRUE(out.data == input) << "COPY OUT returned different bytes than COPY IN took";
  // Checksums computed by PostgreSQL itself, directly: of the stored rows, and of the input.
  PgConn direct = connect(env.direct().conninfo(kAppDatabase, kSuperuser));
  const std::string stored = query_value(
      direct.get(), R"(SELECT md5(string_agg(format(E'%s\t%s\t%s', id, label, amount), E'\n' ORDER BY id) || E'\n')
                       FROM copy_rows)");
  const char* params[] = {input.c_str()};
  PgResult input_md5(PQexecParams(direct.get(), "SELECT md5($1)", 1, nullptr, params, nullptr, nullptr, 0));
  ASSERT_EQ(PQresultStatus(input_md5.get()), PGRES_TUPLES_OK) << describe(input_md5.get());
  EXPECT_EQ(stored, PQgetvalue(input_md5.get(), 0, 0));
}

}  // namespace
}  // namespace switchyard::test_support
