// COPY ... FROM STDIN through the extended protocol (libpq's PQexecParams: Parse, Bind,
// Describe, Execute, Sync, then CopyData, CopyDone and Sync again) through switchyard. The
// server ignores the Sync that reaches it in copy-in mode and answers one ReadyForQuery for the
// two (protocol/pg/copy_in_syncs.h); the session must count the same, or it never gets back to
// a boundary (a later plain literal with a backslash on a migrated table would be refused as
// "sent before the results of the statements ahead of it") and, with a two-table migration,
// pairs later replies with the wrong requests (a rewritten UPDATE ... RETURNING would show the
// server's "SELECT n" tag). The COPY is of a table no migration names.
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "tests/support/migration_proxy.h"
#include "tests/support/pg_connection.h"

namespace switchyard::test_support {
namespace {

constexpr char kSetup[] =
    "CREATE TABLE inovices (id int PRIMARY KEY, customer text NOT NULL, amount numeric(12,2));"
    "CREATE TABLE invoices (id int PRIMARY KEY, customer text NOT NULL, amount numeric(12,2));"
    "INSERT INTO inovices SELECT g, 'c' || g, g FROM generate_series(1, 10) g;"
    "INSERT INTO invoices SELECT * FROM inovices;"
    "CREATE TABLE plain_rows (id int PRIMARY KEY, note text);";
constexpr char kMigration[] = R"(migrations:
  - name: invoices
    rename_table: {from: inovices, to: invoices}
    phase: dual_write
)";

// PQexecParams-style COPY FROM STDIN of `data` (the extended protocol even with no
// parameters), ended by CopyDone, or by CopyFail when `fail` is set. The final result.
PgResult extended_copy(PGconn* conn, const std::string& data, bool fail = false,
                       const char* sql = "COPY plain_rows FROM STDIN") {
  const int sent = PQsendQueryParams(conn, sql, 0, nullptr, nullptr, nullptr, nullptr, 0);
  PgResult started = await_result(conn, sent == 1, "COPY FROM STDIN");
  if (PQresultStatus(started.get()) != PGRES_COPY_IN) return started;
  if (PQputCopyData(conn, data.data(), static_cast<int>(data.size())) != 1) return nullptr;
  if (PQputCopyEnd(conn, fail ? "client gave up" : nullptr) != 1) return nullptr;
  return await_result(conn, true, "end of COPY");
}

// A statement through the extended protocol, bounded in time.
PgResult extended(PGconn* conn, const std::string& sql) {
  const int sent = PQsendQueryParams(conn, sql.c_str(), 0, nullptr, nullptr, nullptr, nullptr, 0);
  return await_result(conn, sent == 1, sql);
}

class CopyExtended : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string error;
    proxy_ = MigrationProxy::start("copy_extended", kSetup, kMigration, error);
    ASSERT_TRUE(proxy_) << error;
  }
  void TearDown() override {
    if (HasFailure() && proxy_) std::fprintf(stderr, "--- switchyard log (tail) ---\n%s\n", proxy_->log_tail().c_str());
  }
  std::unique_ptr<MigrationProxy> proxy_;
};

TEST_F(CopyExtended, TheSessionIsSettledAgainAfterTheCopy) {
  PgConn conn = proxy_->connect_proxied();
  ASSERT_EQ(PQstatus(conn.get()), CONNECTION_OK) << PQerrorMessage(conn.get());
  PgResult copied = extended_copy(conn.get(), "1\tone\n2\ttwo\n");
  ASSERT_EQ(PQresultStatus(copied.get()), PGRES_COMMAND_OK) << describe(copied.get());
  EXPECT_STREQ(PQcmdTuples(copied.get()), "2");

  // Plain literals with a backslash on the migrated table: planned only when nothing is in flight.
  PgResult plain = exec(conn.get(), R"(INSERT INTO inovices VALUES (200, 'back\slash', 1))");
  ASSERT_EQ(PQresultStatus(plain.get()), PGRES_COMMAND_OK) << describe(plain.get());
  EXPECT_STREQ(PQcmdStatus(plain.get()), "INSERT 0 1");
  PgResult escaped = exec(conn.get(), R"(UPDATE inovices SET customer = E'\\x' || customer WHERE id = 200)");
  ASSERT_EQ(PQresultStatus(escaped.get()), PGRES_COMMAND_OK) << describe(escaped.get());
  EXPECT_STREQ(PQcmdStatus(escaped.get()), "UPDATE 1");

  // A failed COPY (CopyFail) leaves the session settled too.
  PgResult failed = extended_copy(conn.get(), "3\tthree\n", true);
  EXPECT_EQ(PQresultStatus(failed.get()), PGRES_FATAL_ERROR) << describe(failed.get());
  EXPECT_EQ(sqlstate(failed.get()), "57014");
  PgResult again = exec(conn.get(), R"(INSERT INTO inovices VALUES (201, 'back\slash', 1))");
  ASSERT_EQ(PQresultStatus(again.get()), PGRES_COMMAND_OK) << describe(again.get());

  PgConn direct = proxy_->connect_direct();
  EXPECT_EQ(query_value(direct.get(), "SELECT count(*) FROM plain_rows"), "2");
  EXPECT_EQ(query_value(direct.get(), "SELECT customer FROM invoices WHERE id = 200"), "\\xback\\slash");
  EXPECT_EQ(query_value(direct.get(), "SELECT count(*) FROM invoices WHERE id = 201"), "1");
}

TEST_F(CopyExtended, RewrittenWritesAfterTheCopyKeepTheirTagsAndRows) {
  PgConn conn = proxy_->connect_proxied();
  ASSERT_EQ(PQstatus(conn.get()), CONNECTION_OK) << PQerrorMessage(conn.get());
  for (int round = 0; round < 2; ++round) {
    const std::string id = std::to_string(10 + round);
    PgResult copied = extended_copy(conn.get(), id + "\tcopied\n");
    ASSERT_EQ(PQresultStatus(copied.get()), PGRES_COMMAND_OK) << describe(copied.get());

    PgResult updated = extended(conn.get(), "UPDATE inovices SET amount = amount + 1 WHERE id <= 3 RETURNING id");
    ASSERT_EQ(PQresultStatus(updated.get()), PGRES_TUPLES_OK) << describe(updated.get());
    EXPECT_STREQ(PQcmdStatus(updated.get()), "UPDATE 3");
    ASSERT_EQ(PQntuples(updated.get()), 3);
    ASSERT_EQ(PQnfields(updated.get()), 1);
    EXPECT_STREQ(PQfname(updated.get(), 0), "id");

    PgResult inserted = extended(conn.get(), "INSERT INTO inovices VALUES (30" + id + ", 'z', 1)");
    ASSERT_EQ(PQresultStatus(inserted.get()), PGRES_COMMAND_OK) << describe(inserted.get());
    EXPECT_STREQ(PQcmdStatus(inserted.get()), "INSERT 0 1");

    PgResult deleted = exec(conn.get(), "DELETE FROM inovices WHERE id = " + std::to_string(4 + round));
    ASSERT_EQ(PQresultStatus(deleted.get()), PGRES_COMMAND_OK) << describe(deleted.get());
    EXPECT_STREQ(PQcmdStatus(deleted.get()), "DELETE 1");
  }
  PgConn direct = proxy_->connect_direct();
  EXPECT_EQ(query_value(direct.get(), "SELECT count(*) FROM plain_rows"), "2");
  // Both tables were kept in step.
  EXPECT_EQ(query_value(direct.get(), "SELECT count(*) FROM (SELECT * FROM inovices EXCEPT SELECT * FROM invoices) d"), "0");
  EXPECT_EQ(query_value(direct.get(), "SELECT sum(amount) FROM invoices WHERE id <= 3"), "12.00");
}

// A COPY into a migrated table that needs no mirror (no column list: every column, both shapes,
// as written) is relayed through the extended protocol too; one that needs a mirror is still
// refused there (CopyFromMigrated.ExtendedProtocolIsRefused).
TEST(CopyExtendedUnmirrored, ACopyIntoAMigratedTableThatNeedsNoMirrorRuns) {
  std::string error;
  auto proxy = MigrationProxy::start(
      "copy_extended_unmirrored", "CREATE TABLE users (id int PRIMARY KEY, full_name text, display_name text);",
      "migrations:\n  - name: users-display-name\n    table: users\n"
      "    rename_column: {from: full_name, to: display_name}\n    phase: dual_write\n",
      error);
  ASSERT_TRUE(proxy) << error;
  PgConn conn = proxy->connect_proxied();
  ASSERT_EQ(PQstatus(conn.get()), CONNECTION_OK) << PQerrorMessage(conn.get());
  PgResult copied = extended_copy(conn.get(), "1\tAda\tAda\n2\tBob\tBob\n", false, "COPY users FROM STDIN");
  ASSERT_EQ(PQresultStatus(copied.get()), PGRES_COMMAND_OK) << describe(copied.get()) << proxy->log_tail();
  EXPECT_STREQ(PQcmdTuples(copied.get()), "2");
  // Mirrored writes after it, with a backslash in a plain literal: the session is settled.
  PgResult updated = exec(conn.get(), R"(UPDATE users SET full_name = 'A\da' WHERE id = 1)");
  ASSERT_EQ(PQresultStatus(updated.get()), PGRES_COMMAND_OK) << describe(updated.get());
  EXPECT_STREQ(PQcmdStatus(updated.get()), "UPDATE 1");
  PgConn direct = proxy->connect_direct();
  EXPECT_EQ(query_value(direct.get(), "SELECT display_name FROM users WHERE id = 1"), "A\\da");
  EXPECT_EQ(query_value(direct.get(), "SELECT count(*) FROM users"), "2");
}

}  // namespace
}  // namespace switchyard::test_support
