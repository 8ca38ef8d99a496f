// Re-prepare is lazy (issue 9): a session holding 1,000 prepared reads of users (libpq
// PQprepare) flips to read_new; the reload re-prepares none of them, using 3 re-prepares exactly
// those 3 (which then read the new shape), /status counts the statements held and those still
// naming the old shape upstream, and using the rest re-prepares each once.
#include <gtest/gtest.h>

#include <cstdio>
#include <string>

#include "tests/support/admin_probe.h"
#include "tests/support/http_client.h"
#include "tests/support/migration_proxy.h"
#include "tests/support/net.h"

namespace switchyard::test_support {
namespace {

constexpr int kStatements = 1000;
constexpr char kMigration[] = "\"name\":\"users-display-name\"";

std::string statement_name(int i) { return "read_" + std::to_string(i); }

// Executes statement i on row i + 1 and returns the name it read ("<error>" on failure).
std::string execute(PGconn* conn, int i) {
  const std::string id = std::to_string(i + 1);
  const char* params[] = {id.c_str()};
  PgResult r(PQexecPrepared(conn, statement_name(i).c_str(), 1, params, nullptr, nullptr, 0));
  if (PQresultStatus(r.get()) != PGRES_TUPLES_OK || PQntuples(r.get()) != 1) {
    ADD_FAILURE() << statement_name(i) << ": " << describe(r.get());
    return "<error>";
  }
  return PQgetvalue(r.get(), 0, 0);
}

TEST(PreparedThousand, AFlipRepreparesOnlyTheStatementsUsedAgain) {
  const int admin_port = pick_free_port();
  std::string error;
  // Every row's shapes differ on purpose: what a read returns says which shape it came from.
  auto proxy = MigrationProxy::start(
      "prepared_thousand",
      "CREATE TABLE users (id int PRIMARY KEY, full_name text, display_name text);"
      "INSERT INTO users SELECT g, 'old-' || g, 'new-' || g FROM generate_series(1, 1000) g;",
      "migrations:\n  - name: users-display-name\n    table: users\n"
      "    rename_column: {from: full_name, to: display_name}\n    phase: dual_write\n"
      "admin: {listen: 127.0.0.1:" + std::to_string(admin_port) + "}\n",
      error);
  ASSERT_TRUE(proxy) << error;
  const auto get = [&](const char* target) { return http_request(admin_port, "GET", target).body; };
  const auto reprepares = [&] { return metric_sum(get("/metrics"), "switchyard_reprepares_total").value_or(-1); };
  const auto status = [&](const std::string& anchor, const std::string& key) {
    return status_number(get("/status"), anchor, key).value_or(-1);
  };

  PgConn conn = proxy->connect_proxied();
  ASSERT_EQ(PQstatus(conn.get()), CONNECTION_OK) << PQerrorMessage(conn.get());
  for (int i = 0; i < kStatements; ++i) {
    const std::string sql = "SELECT full_name, " + std::to_string(i) + " AS n FROM users WHERE id = $1";
    PgResult r(PQprepare(conn.get(), statement_name(i).c_str(), sql.c_str(), 0, nullptr));
    ASSERT_EQ(PQresultStatus(r.get()), PGRES_COMMAND_OK) << describe(r.get());
  }
  EXPECT_EQ(execute(conn.get(), 0), "old-1");
  EXPECT_EQ(status("\"sessions\":", "prepared_statements"), kStatements) << get("/status");
  EXPECT_EQ(status("\"sessions\":", "prepared_statements_max"), kStatements) << get("/status");

  const double before = reprepares();
  EXPECT_GE(before, 0) << "no switchyard_reprepares_total on /metrics";
  ASSERT_EQ(reload_phase(proxy->process(), admin_port, "    phase: read_new\n"), "");
  EXPECT_EQ(reprepares(), before) << "a reload re-prepares nothing by itself";

  for (int i : {10, 500, 999}) EXPECT_EQ(execute(conn.get(), i), "new-" + std::to_string(i + 1)) << statement_name(i);
  EXPECT_EQ(reprepares() - before, 3) << "only the 3 statements used again";
  EXPECT_EQ(status(kMigration, "sessions_behind"), 0) << get("/status");
  EXPECT_EQ(status(kMigration, "statements_old_shape"), kStatements - 3) << get("/status");

  int wrong = 0;
  for (int i = 0; i < kStatements; ++i) wrong += execute(conn.get(), i) != "new-" + std::to_string(i + 1);
  EXPECT_EQ(wrong, 0) << "statements that read the old shape after the flip";
  EXPECT_EQ(reprepares() - before, kStatements) << "each statement once, however often it is used";
  EXPECT_EQ(status(kMigration, "statements_old_shape"), 0) << get("/status");
  EXPECT_EQ(status("\"sessions\":", "prepared_statements"), kStatements) << get("/status");
  if (HasFailure()) std::fprintf(stderr, "--- switchyard log (tail) ---\n%s\n", proxy->log_tail().c_str());
}

}  // namespace
}  // namespace switchyard::test_support
