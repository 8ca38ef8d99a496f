// The MySQL column rewriter (rewrite/mysql/rewriter.h) against a real MariaDB 10.11, as an
// oracle: two databases with the same tables and rows. In the reference one, BEFORE INSERT and
// BEFORE UPDATE triggers do the dual write (the new column from the old, or the old from the
// new, as each statement's shape says) and each statement runs as the client wrote it; in the
// other, there are no triggers and each statement runs as switchyard rewrites it, in every
// phase (dual_write, shadow, canary with either route, read_new, and new_only with the old
// columns dropped). After each statement both must agree: error, affected rows, the info string
// ("Rows matched: 3  Changed: 3  Warnings: 0"), warning codes, a read's column names and rows,
// and every table row by row (the new shape only, in new_only). Values that two databases cannot
// share (UUID(), RAND(), SYSDATE()) are compared through consistency checks instead: each row's
// new column equals up of its old one. The last test shows the comparison fails for a missing
// mirror, a mirror that evaluates a volatile value again, and a mirror missing from ON
// DUPLICATE KEY UPDATE. Prepared statements (COM_STMT_PREPARE) are compared the same way.
#include <mysql.h>

#include <gtest/gtest.h>

#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "rewrite/mysql/rewriter.h"
#include "tests/integration/mariadb_column_oracle.h"
#include "tests/rewrite/mysql/column_catalog.h"

namespace switchyard::test_support {
namespace {

using config::Phase;
using column_oracle::kRuns;
using column_oracle::must;
using column_oracle::Oracle;
using column_oracle::OracleCase;
using column_oracle::PhaseRun;
using column_oracle::Rows;

TEST(MariaDbColumnRewrite, EveryStatementAgreesWithTheTriggerReferenceInEveryPhase) {
  std::set<std::string> shapes;
  int runs = 0, rewritten = 0, unchanged = 0;
  std::vector<std::string> refusals;
  for (const bool new_only : {false, true}) {
    Oracle oracle;
    const std::string opened = oracle.open(new_only);
    ASSERT_EQ(opened, "");
    for (const PhaseRun& run : kRuns) {
      if ((run.phase == Phase::kNewOnly) != new_only) continue;
      const rewrite::Catalog catalog = rewrite::mysql::testing::column_catalog(run.phase, new_only);
      for (const OracleCase& k : column_oracle::kCases) {
        if (new_only && k.dual_only) continue;
        const rewrite::RewriteResult r = rewrite::mysql::rewrite_sql(k.sql, catalog, run.route);
        if (r.kind == rewrite::RewriteResult::Kind::kRefused) {
          refusals.push_back(std::string(run.label) + ": " + k.sql + ": " + r.reason);
          continue;
        }
        ++runs;
        shapes.insert(k.sql);
        (r.kind == rewrite::RewriteResult::Kind::kRewritten ? rewritten : unchanged)++;
        const std::string sent = r.kind == rewrite::RewriteResult::Kind::kRewritten ? r.sql : k.sql;
        EXPECT_EQ(oracle.compare(k, sent), "") << run.label << ": " << k.sql << "\n  sent: " << sent;
      }
    }
  }
  EXPECT_TRUE(refusals.empty()) << refusals.size() << " refused, the first: " << refusals.front();
  EXPECT_GE(shapes.size(), 80u);
  // Most runs are rewrites (a test of relaying would prove nothing).
  EXPECT_GE(rewritten, runs * 2 / 3) << rewritten << " rewritten, " << unchanged << " unchanged of " << runs;
  std::cout << runs << " runs of " << shapes.size() << " statements: " << rewritten << " rewritten, " << unchanged
            << " relayed as written\n";
}

// Prepared statements bind ? by position: a rewrite keeps them, in every phase.
TEST(MariaDbColumnRewrite, PreparedStatementsBindTheSameParametersInEveryPhase) {
  struct Prepared {
    OracleCase k;
    std::vector<std::string> params;
  };
  const Prepared cases[] = {
      {{"INSERT INTO users (id, full_name) VALUES (?, ?)", "old"}, {"60", "P"}},
      {{"INSERT INTO users (id, full_name) VALUES (?, ?) ON DUPLICATE KEY UPDATE full_name = ?", "old"}, {"1", "x", "y"}},
      {{"INSERT INTO users SET id = ?, display_name = ?", "new"}, {"61", "D"}},
      {{"UPDATE users SET full_name = ? WHERE id = ?", "old"}, {"Q", "2"}},
      {{"UPDATE accounts SET include = ? WHERE aid = ?", "old"}, {"", "1"}},
      {{"UPDATE accounts SET include_bool = ? WHERE aid > ?", "new"}, {"1", "1"}},
      {{"INSERT INTO items (sku, price) VALUES (?, ?), (?, ?)", "old"}, {"20", "1.5", "21", "2.25"}},
      {{"UPDATE items SET price = ? ORDER BY sku LIMIT ?", "old"}, {"3.5", "2"}},
      {{"DELETE FROM items WHERE price > ?", ""}, {"3"}},
  };
  int runs = 0;
  for (const bool new_only : {false, true}) {
    Oracle oracle;
    ASSERT_EQ(oracle.open(new_only), "");
    for (const PhaseRun& run : kRuns) {
      if ((run.phase == Phase::kNewOnly) != new_only) continue;
      const auto catalog = rewrite::mysql::testing::column_catalog(run.phase, new_only);
      for (const Prepared& p : cases) {
        const rewrite::RewriteResult r = rewrite::mysql::rewrite_sql(p.k.sql, catalog, run.route);
        ASSERT_NE(r.kind, rewrite::RewriteResult::Kind::kRefused) << run.label << ": " << p.k.sql << ": " << r.reason;
        const std::string sent = r.kind == rewrite::RewriteResult::Kind::kRewritten ? r.sql : p.k.sql;
        EXPECT_EQ(oracle.compare(p.k, sent, &p.params), "") << run.label << ": " << p.k.sql << "\n  sent: " << sent;
        ++runs;
      }
    }
  }
  EXPECT_EQ(runs, 6 * 9);
}

// The session's lexical settings are followed: under ANSI_QUOTES "x" is an identifier, under
// NO_BACKSLASH_ESCAPES a backslash is an ordinary character; the rewrite reads and writes alike.
TEST(MariaDbColumnRewrite, FollowsAnsiQuotesAndNoBackslashEscapes) {
  const OracleCase ansi[] = {
      {R"(INSERT INTO "users" ("id", "full_name") VALUES (70, 'q"q'))", "old"},
      {R"(UPDATE "users" SET "full_name" = CONCAT("full_name", '!') WHERE "id" = 1)", "old"},
      {R"(INSERT INTO accounts ("aid", "include") VALUES (1, '') ON DUPLICATE KEY UPDATE "include" = VALUES("include"))", "old"},
      {R"(SELECT "full_name", "id" FROM "users" ORDER BY "id")", ""},
  };
  const OracleCase raw[] = {
      {R"(INSERT INTO users (id, full_name) VALUES (71, 'a''c'))", "old"},
      {R"(UPDATE users SET full_name = CONCAT(full_name, '
') WHERE id = 2)", "old"},
  };
  int runs = 0;
  for (const bool new_only : {false, true}) {
    for (const bool quotes : {true, false}) {
      Oracle oracle;
      ASSERT_EQ(oracle.open(new_only), "");
      ASSERT_EQ(oracle.add_sql_mode(quotes ? ",ANSI_QUOTES" : ",NO_BACKSLASH_ESCAPES"), "");
      rewrite::mysql::LexicalSettings settings;
      settings.ansi_quotes = quotes;
      settings.no_backslash_escapes = !quotes;
      for (const PhaseRun& run : kRuns) {
        if ((run.phase == Phase::kNewOnly) != new_only) continue;
        const auto catalog = rewrite::mysql::testing::column_catalog(run.phase, new_only);
        for (const OracleCase& k : quotes ? std::vector<OracleCase>(std::begin(ansi), std::end(ansi))
                                          : std::vector<OracleCase>(std::begin(raw), std::end(raw))) {
          const rewrite::RewriteResult r = rewrite::mysql::rewrite_sql(k.sql, catalog, run.route, settings);
          ASSERT_NE(r.kind, rewrite::RewriteResult::Kind::kRefused) << run.label << ": " << k.sql << ": " << r.reason;
          const std::string sent = r.kind == rewrite::RewriteResult::Kind::kRewritten ? r.sql : k.sql;
          EXPECT_EQ(oracle.compare(k, sent), "") << run.label << ": " << k.sql << "\n  sent: " << sent;
          ++runs;
        }
      }
    }
  }
  EXPECT_EQ(runs, 6 * 6);
}

// What the rewrites rely on, asked of the server directly, so that a server that evaluates
// otherwise fails here by name: an INSERT's value reads a column set earlier in its row, a
// single-table SET and an ON DUPLICATE KEY UPDATE apply left to right; and what they refuse for:
// an AUTO_INCREMENT column reads as 0 and a current_timestamp() default as NULL in the row.
TEST(MariaDbColumnRewrite, MariaDbEvaluatesAsTheRewritesAssume) {
  MariaDbServer& s = shared_mariadb();
  std::string error;
  MariaDbConn c = connect_mariadb(tcp_login(s, kMariaDbNativeUser, kMariaDbNativePassword), error);
  ASSERT_TRUE(c) << error;
  for (const char* sql : {"DROP DATABASE IF EXISTS oracle_rules", "CREATE DATABASE oracle_rules", "USE oracle_rules",
                          "CREATE TABLE t (id INT PRIMARY KEY AUTO_INCREMENT, a VARCHAR(40), b VARCHAR(40), "
                          "ts DATETIME(6) DEFAULT CURRENT_TIMESTAMP(6), n VARCHAR(40))",
                          "INSERT INTO t (id, a, b) VALUES (1, UUID(), a)", "INSERT INTO t SET id = 2, a = RAND(), b = a",
                          "INSERT INTO t (a, n) VALUES ('x', id)", "INSERT INTO t (id, a, n) VALUES (4, 'y', ts)",
                          "UPDATE t SET a = UUID(), b = a WHERE id = 1",
                          "INSERT INTO t (id, a) VALUES (2, 'z') ON DUPLICATE KEY UPDATE a = UUID(), b = a"})
    ASSERT_EQ(must(c.get(), sql), "");
  const auto rows = mariadb_query(c.get(), "SELECT id, a = b, n FROM t ORDER BY id", error);
  ASSERT_TRUE(rows) << error;
  EXPECT_EQ(*rows, (Rows{{"1", "1", "NULL"}, {"2", "1", "NULL"}, {"3", "NULL", "0"}, {"4", "NULL", "NULL"}}));
  EXPECT_EQ(must(c.get(), "DROP DATABASE oracle_rules"), "");
}

// Under sql_mode SIMULTANEOUS_ASSIGNMENT (MariaDB 10.3.5+) an UPDATE's SET, and an ON DUPLICATE
// KEY UPDATE, read the row as it was (asked of the server first), so a mirror reading the column
// just set would copy the old value, and one computed from the value assigned would skip its
// conversion to the column's type: with LexicalSettings::simultaneous_assignment the rewriter
// refuses SET lists that need a mirror. Every statement again, in every phase: what it does not
// refuse agrees with the trigger reference.
TEST(MariaDbColumnRewrite, SimultaneousAssignmentRefusesSetMirrorsAndKeepsTheRest) {
  MariaDbServer& s = shared_mariadb();
  std::string error;
  MariaDbConn c = connect_mariadb(tcp_login(s, kMariaDbNativeUser, kMariaDbNativePassword), error);
  ASSERT_TRUE(c) << error;
  for (const char* sql : {"DROP DATABASE IF EXISTS oracle_simultaneous", "CREATE DATABASE oracle_simultaneous", "USE oracle_simultaneous",
                          "SET SESSION sql_mode = CONCAT(@@sql_mode, ',SIMULTANEOUS_ASSIGNMENT')",
                          "CREATE TABLE t (id INT PRIMARY KEY, a VARCHAR(40), b VARCHAR(40))",
                          "INSERT INTO t VALUES (1, 'old', 'old'), (2, 'old', 'old')", "UPDATE t SET a = 'new', b = a WHERE id = 1",
                          "INSERT INTO t (id, a) VALUES (2, 'new') ON DUPLICATE KEY UPDATE a = 'new', b = a", "DROP DATABASE oracle_simultaneous"})
    ASSERT_EQ(must(c.get(), sql), "");
  // (the SELECT between would show b = 'old' in both rows; the comparison below depends on it)
  rewrite::mysql::LexicalSettings settings;
  settings.simultaneous_assignment = true;
  int runs = 0, refused = 0;
  for (const bool new_only : {false, true}) {
    Oracle oracle;
    ASSERT_EQ(oracle.open(new_only), "");
    ASSERT_EQ(oracle.add_sql_mode(",SIMULTANEOUS_ASSIGNMENT"), "");
    for (const PhaseRun& run : kRuns) {
      if ((run.phase == Phase::kNewOnly) != new_only) continue;
      const auto catalog = rewrite::mysql::testing::column_catalog(run.phase, new_only);
      for (const OracleCase& k : column_oracle::kCases) {
        if (new_only && k.dual_only) continue;
        const rewrite::RewriteResult r = rewrite::mysql::rewrite_sql(k.sql, catalog, run.route, settings);
        if (r.kind == rewrite::RewriteResult::Kind::kRefused) {
          // Only a SET list (UPDATE, ON DUPLICATE KEY UPDATE) may be refused for the mode.
          const std::string sql = k.sql;
          EXPECT_TRUE(sql.rfind("UPDATE", 0) == 0 || sql.find("ON DUPLICATE KEY UPDATE") != std::string::npos)
              << run.label << ": " << k.sql << ": " << r.reason;
          ++refused;
          continue;
        }
        const std::string sent = r.kind == rewrite::RewriteResult::Kind::kRewritten ? r.sql : k.sql;
        EXPECT_EQ(oracle.compare(k, sent), "") << run.label << ": " << k.sql << "\n  sent: " << sent;
        ++runs;
      }
    }
  }
  EXPECT_GE(runs, 350);
  std::cout << runs << " runs under SIMULTANEOUS_ASSIGNMENT, " << refused << " refused\n";
}

TEST(MariaDbColumnRewrite, TheComparisonCatchesABrokenMirror) {
  Oracle oracle;
  ASSERT_EQ(oracle.open(false), "");
  // No mirror: display_name keeps the old value.
  EXPECT_NE(oracle.compare({"UPDATE users SET full_name = 'Zed' WHERE id = 1", "old"}, "UPDATE users SET full_name = 'Zed' WHERE id = 1"),
            "");
  // A mirror that evaluates the volatile value again.
  EXPECT_NE(oracle.compare({"UPDATE items SET price = RAND() * 10 ORDER BY sku LIMIT 2", "old", true},
                           "UPDATE items SET price = RAND() * 10, price_cents = ROUND(RAND() * 10 * 100) ORDER BY sku LIMIT 2"),
            "");
  // The INSERT mirrored, the ON DUPLICATE KEY UPDATE not.
  EXPECT_NE(oracle.compare({"INSERT INTO users (id, full_name) VALUES (1, 'x') ON DUPLICATE KEY UPDATE full_name = VALUES(full_name)",
                            "old"},
                           "INSERT INTO users (id, full_name, display_name) VALUES (1, 'x', full_name) ON DUPLICATE KEY UPDATE "
                           "full_name = VALUES(full_name)"),
            "");
  // And the rewrite itself agrees.
  const auto catalog = rewrite::mysql::testing::column_catalog(Phase::kDualWrite);
  const OracleCase k{"UPDATE users SET full_name = 'Zed' WHERE id = 1", "old"};
  EXPECT_EQ(oracle.compare(k, rewrite::mysql::rewrite_sql(k.sql, catalog, {}).sql), "");
}

}  // namespace
}  // namespace switchyard::test_support
