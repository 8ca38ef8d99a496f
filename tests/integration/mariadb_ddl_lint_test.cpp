// The MySQL DDL lint (rewrite/mysql/ddl_lint.h) against a real MariaDB 10.11, with the server as
// the oracle of every rule: each form the lint flags for copying or locking is refused by
// MariaDB when ALGORITHM=INPLACE, LOCK=NONE is appended (ERR 1845 / 1846), and each form it lets
// through is accepted with LOCK=NONE. Through switchyard: under `ddl_lint: block` a flagged
// statement is answered with ERR 1235 (42000) naming the rule and the safe alternative, the
// schema is left as it was, the session stays usable, a multi-statement text runs none of its
// statements, and the blocked count rises; the let-through forms run; under `warn` a flagged
// statement runs, is logged with its rule and counted as warned.
#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "tests/integration/mariadb_relay_fixture.h"
#include "tests/support/admin_probe.h"
#include "tests/support/http_client.h"
#include "tests/support/net.h"

namespace switchyard::test_support {
namespace {

using Rows = std::vector<std::vector<std::string>>;

constexpr char kDatabase[] = "ddl_lint";

// Recreated before every case: each starts from the same populated tables. users is under a
// rename_column migration (so the proxy's catalog knows its column types); people and orgs
// under none.
const char* const kReset[] = {
    "DROP TABLE IF EXISTS people, persons, orgs, users, tags",
    "CREATE TABLE orgs (id int PRIMARY KEY)",
    "INSERT INTO orgs VALUES (1), (2)",
    "CREATE TABLE people (id int NOT NULL, name varchar(20), age int, org int, note text, "
    "g point NOT NULL DEFAULT (POINT(0, 0)))",
    "INSERT INTO people (id, name, age, org, note) VALUES (1, 'Ada', 36, 1, 'a'), (2, 'Grace', 85, 2, 'b')",
    "CREATE TABLE users (id int NOT NULL AUTO_INCREMENT PRIMARY KEY, full_name varchar(100), "
    "display_name varchar(100), email varchar(100), nick varchar(20) CHARACTER SET latin1, mood enum('a','b'))",
    "INSERT INTO users VALUES (1, 'Ada Lovelace', 'Ada Lovelace', 'ada@example.com', 'ada', 'a')",
};

std::string migrations_yaml() {
  return mariadb_control_yaml(kDatabase) +
         "migrations:\n  - name: users_display_name\n    table: users\n"
         "    rename_column: {from: full_name, to: display_name}\n    phase: dual_write\n";
}

// Columns with their types and nullability, and indexes, of every table of the database.
constexpr char kFingerprint[] =
    "SELECT GROUP_CONCAT(x ORDER BY x SEPARATOR ' ') FROM ("
    " SELECT CONCAT(TABLE_NAME, '.', COLUMN_NAME, ':', COLUMN_TYPE, ':', IS_NULLABLE, ':', IFNULL(COLLATION_NAME, ''), "
    "   ':', EXTRA) AS x FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = 'ddl_lint'"
    " UNION ALL SELECT CONCAT(TABLE_NAME, '#', INDEX_NAME, ':', COLUMN_NAME) FROM information_schema.STATISTICS"
    "   WHERE TABLE_SCHEMA = 'ddl_lint'"
    " UNION ALL SELECT CONCAT(TABLE_NAME, '>', CONSTRAINT_NAME) FROM information_schema.REFERENTIAL_CONSTRAINTS"
    "   WHERE CONSTRAINT_SCHEMA = 'ddl_lint') s";

struct Flagged {
  const char* sql;
  const char* rule;
  // Appended to see the server refuse it: ", ALGORITHM=INPLACE, LOCK=NONE" for ALTER TABLE.
  const char* guard;
};
constexpr char kAlterGuard[] = ", ALGORITHM=INPLACE, LOCK=NONE";
// Every form flagged for copying or locking the table.
const std::vector<Flagged> kCopiesOrLocks = {
    {"ALTER TABLE people MODIFY age bigint", "alter_column_type", kAlterGuard},
    {"ALTER TABLE people CHANGE age age int unsigned", "alter_column_type", kAlterGuard},
    {"ALTER TABLE users MODIFY email varchar(50)", "alter_column_type", kAlterGuard},
    {"ALTER TABLE users MODIFY email text", "alter_column_type", kAlterGuard},
    {"ALTER TABLE users MODIFY nick varchar(40)", "alter_column_type", kAlterGuard},
    {"ALTER TABLE users MODIFY mood enum('b','a')", "alter_column_type", kAlterGuard},
    {"ALTER TABLE people MODIFY id int NOT NULL AUTO_INCREMENT UNIQUE", "alter_column_type", kAlterGuard},
    {"ALTER TABLE people ADD FULLTEXT INDEX people_note (note)", "create_index", kAlterGuard},
    {"ALTER TABLE people ADD SPATIAL INDEX people_g (g)", "create_index", kAlterGuard},
    {"CREATE FULLTEXT INDEX people_note ON people (note)", "create_index", " ALGORITHM=INPLACE LOCK=NONE"},
    {"ALTER TABLE people ADD CONSTRAINT people_org FOREIGN KEY (org) REFERENCES orgs (id)", "add_foreign_key",
     kAlterGuard},
    {"ALTER TABLE people ADD COLUMN seq int AUTO_INCREMENT UNIQUE", "add_column_volatile_default", kAlterGuard},
    {"ALTER TABLE people ADD COLUMN next_age int AS (age + 1) STORED", "add_column_volatile_default", kAlterGuard},
};
// Flagged because they break clients or a migration, whatever the algorithm.
const std::vector<Flagged> kBreaks = {
    {"ALTER TABLE people RENAME COLUMN name TO full_name", "rename_column", ""},
    {"ALTER TABLE users CHANGE full_name name varchar(100)", "rename_column", ""},
    {"ALTER TABLE people RENAME TO persons", "rename_table", ""},
    {"RENAME TABLE people TO persons", "rename_table", ""},
    {"ALTER TABLE users DROP COLUMN display_name", "drop_column_in_use", ""},
    {"DROP TABLE users", "drop_table_in_use", ""},
    {"TRUNCATE TABLE users", "truncate_table_in_use", ""},
};
// Let through: each is done online by MariaDB 10.11 (the server accepts it with LOCK=NONE).
const std::vector<const char*> kOnline = {
    "ALTER TABLE people ADD INDEX people_name (name)",
    "CREATE UNIQUE INDEX people_id ON people (id)",
    "ALTER TABLE people ADD PRIMARY KEY (id)",
    "ALTER TABLE people ADD COLUMN nick varchar(20) NOT NULL",
    "ALTER TABLE people ADD COLUMN nick varchar(20) NOT NULL FIRST",
    "ALTER TABLE people ADD COLUMN seen datetime DEFAULT CURRENT_TIMESTAMP AFTER id",
    "ALTER TABLE people ADD COLUMN next_age int AS (age + 1) VIRTUAL",
    "ALTER TABLE people DROP COLUMN age",
    "ALTER TABLE users MODIFY email varchar(100) NOT NULL",
    "ALTER TABLE users MODIFY email varchar(300) DEFAULT ''",
    "ALTER TABLE users CHANGE email email varchar(200)",
    "ALTER TABLE users MODIFY mood enum('a','b','c')",
    "ALTER TABLE users MODIFY id integer NOT NULL AUTO_INCREMENT",
    "ALTER TABLE users MODIFY id int",  // AUTO_INCREMENT taken away
};

// "ERROR 1235 (42000): switchyard: ddl_lint RULE: ...; safe alternative: ..."
::testing::AssertionResult BlockedBy(const std::optional<Rows>& rows, const std::string& error, const std::string& rule) {
  const std::string expected = "ERROR 1235 (42000): switchyard: ddl_lint " + rule + ": ";
  if (!rows && error.rfind(expected, 0) == 0 && error.find("; safe alternative: ") != std::string::npos)
    return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "expected \"" << expected << "...\", got " << (rows ? "success" : error);
}

class MariaDbDdlLint : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    std::string error;
    auto admin = connect_mariadb(login_to(direct_target(), kMariaDbNativeUser, kMariaDbNativePassword), error);
    if (!admin || !mariadb_query(admin.get(), std::string("DROP DATABASE IF EXISTS ") + kDatabase, error) ||
        !mariadb_query(admin.get(), std::string("CREATE DATABASE ") + kDatabase, error)) {
      start_error_ = "cannot create the database: " + error;
      return;
    }
    if (!reset(admin.get(), error)) {
      start_error_ = error;
      return;
    }
    for (auto* p : {&blocking_, &warning_}) {
      const int admin_port = pick_free_port();
      (p == &blocking_ ? blocking_admin_ : warning_admin_) = admin_port;
      const std::string lint = p == &blocking_ ? "ddl_lint: block\n" : "";  // warn is the default
      *p = start_mysql_proxy(lint + "admin: {listen: 127.0.0.1:" + std::to_string(admin_port) + "}\n" + migrations_yaml(),
                             error)
               .release();
      if (*p == nullptr) {
        start_error_ = error;
        return;
      }
    }
  }
  static void TearDownTestSuite() {
    delete blocking_;
    delete warning_;
    blocking_ = warning_ = nullptr;
  }

  static bool reset(MYSQL* c, std::string& error) {
    if (!mariadb_query(c, std::string("USE ") + kDatabase, error)) return false;
    for (const char* sql : kReset)
      if (!mariadb_query(c, sql, error)) return false;
    return true;
  }

  void SetUp() override {
    ASSERT_TRUE(start_error_.empty() && blocking_ && warning_) << start_error_;
    direct_ = connect(direct_target());
    ASSERT_TRUE(direct_);
    reset_tables();
  }
  void TearDown() override {
    if (!HasFailure()) return;
    for (auto* p : {blocking_, warning_})
      if (p != nullptr) std::fprintf(stderr, "--- switchyard log ---\n%s\n", p->log().c_str());
  }

  void reset_tables() {
    std::string error;
    ASSERT_TRUE(reset(direct_.get(), error)) << error;
  }
  static MariaDbConn connect(const MysqlTarget& t, bool multi_statements = false) {
    std::string error;
    MariaDbLogin login = login_to(t, kMariaDbNativeUser, kMariaDbNativePassword);
    login.database = kDatabase;
    login.multi_statements = multi_statements;
    MariaDbConn c = connect_mariadb(login, error);
    EXPECT_TRUE(c) << error;
    return c;
  }
  // The schema (kFingerprint) and the number of users' rows.
  std::string fingerprint() {
    std::string error;
    auto rows = mariadb_query(direct_.get(), kFingerprint, error);
    EXPECT_TRUE(rows && rows->size() == 1) << error;
    auto users = mariadb_query(direct_.get(), "SELECT COUNT(*) FROM users", error);
    return (rows && rows->size() == 1 ? (*rows)[0][0] : "") + " users:" + (users ? (*users)[0][0] : "none");
  }
  static double metric(int admin_port, const std::string& action) {
    return metric_sum(http_request(admin_port, "GET", "/metrics").body,
                      "switchyard_ddl_lint_total{action=\"" + action + "\"}")
        .value_or(-1);
  }

  static inline ProxyProcess* blocking_ = nullptr;
  static inline ProxyProcess* warning_ = nullptr;
  static inline int blocking_admin_ = 0;
  static inline int warning_admin_ = 0;
  static inline std::string start_error_;
  MariaDbConn direct_;
};

TEST_F(MariaDbDdlLint, TheServerRefusesEachFlaggedFormWithLockNoneAndAcceptsEachLetThroughForm) {
  for (const auto& f : kCopiesOrLocks) {
    reset_tables();
    std::string error;
    const std::string guarded = std::string(f.sql) + f.guard;
    EXPECT_FALSE(mariadb_query(direct_.get(), guarded, error)) << guarded << ": the server did it online";
    EXPECT_TRUE(error.rfind("ERROR 1845 (0A000)", 0) == 0 || error.rfind("ERROR 1846 (0A000)", 0) == 0)
        << guarded << ": " << error;
  }
  for (const char* sql : kOnline) {
    reset_tables();
    std::string error;
    const std::string guarded = std::string(sql) + (std::string(sql).rfind("CREATE", 0) == 0 ? " LOCK=NONE" : ", LOCK=NONE");
    EXPECT_TRUE(mariadb_query(direct_.get(), guarded, error)) << guarded << ": " << error;
  }
}

TEST_F(MariaDbDdlLint, BlockAnswersEachFlaggedStatementWithErr1235AndChangesNothing) {
  MariaDbConn client = connect(target_of(*blocking_));
  ASSERT_TRUE(client);
  const std::string before = fingerprint();
  const double blocked_before = metric(blocking_admin_, "blocked");
  size_t statements = 0;
  for (const auto* list : {&kCopiesOrLocks, &kBreaks})
    for (const auto& f : *list) {
      std::string error;
      const auto rows = mariadb_query(client.get(), f.sql, error);
      EXPECT_TRUE(BlockedBy(rows, error, f.rule)) << f.sql;
      ++statements;
      EXPECT_TRUE(mariadb_query(client.get(), "SELECT COUNT(*) FROM people", error)) << "after " << f.sql << ": " << error;
    }
  EXPECT_EQ(fingerprint(), before);
  std::string error;
  EXPECT_EQ(mariadb_query(direct_.get(), "SELECT COUNT(*) FROM users", error), (Rows{{"1"}})) << error;
  EXPECT_TRUE(eventually([&] { return metric(blocking_admin_, "blocked") == blocked_before + statements; }, 5s))
      << metric(blocking_admin_, "blocked") << " blocked, expected " << blocked_before + statements;
}

TEST_F(MariaDbDdlLint, BlockRunsNoStatementOfAMultiStatementTextWithAFinding) {
  MariaDbConn client = connect(target_of(*blocking_), true);
  ASSERT_TRUE(client);
  const std::string before = fingerprint();
  std::string error;
  const auto rows = mariadb_query(
      client.get(), "ALTER TABLE people ADD COLUMN nick varchar(20); ALTER TABLE people MODIFY age bigint", error);
  EXPECT_TRUE(BlockedBy(rows, error, "alter_column_type"));
  EXPECT_EQ(fingerprint(), before);
  // The safe alternatives the findings name go through.
  EXPECT_TRUE(mariadb_query(client.get(), "ALTER TABLE people MODIFY age int NOT NULL, ALGORITHM=INPLACE, LOCK=NONE; "
                                          "SET foreign_key_checks = 0; ALTER TABLE people ADD CONSTRAINT people_org "
                                          "FOREIGN KEY (org) REFERENCES orgs (id), ALGORITHM=INPLACE, LOCK=NONE; "
                                          "SET foreign_key_checks = 1",
                            error))
      << error;
  EXPECT_NE(fingerprint(), before);
  EXPECT_EQ(mariadb_query(direct_.get(), "SELECT COUNT(*) FROM information_schema.REFERENTIAL_CONSTRAINTS WHERE "
                                         "CONSTRAINT_SCHEMA = 'ddl_lint' AND CONSTRAINT_NAME = 'people_org'",
                          error),
            (Rows{{"1"}}))
      << error;
  // A statement the server refuses for LOCK=NONE is the server's ERR, not the lint's.
  const auto refused = mariadb_query(client.get(), "ALTER TABLE people MODIFY age bigint, LOCK=NONE", error);
  EXPECT_FALSE(refused);
  EXPECT_EQ(error.rfind("ERROR 1846 (0A000)", 0), 0u) << error;
}

TEST_F(MariaDbDdlLint, TheLetThroughFormsRunUnderBlock) {
  MariaDbConn client = connect(target_of(*blocking_));
  ASSERT_TRUE(client);
  for (const char* sql : kOnline) {
    reset_tables();
    std::string error;
    EXPECT_TRUE(mariadb_query(client.get(), sql, error)) << sql << ": " << error;
  }
}

TEST_F(MariaDbDdlLint, WarnRunsEachFlaggedStatementLogsAndCountsIt) {
  MariaDbConn client = connect(target_of(*warning_));
  ASSERT_TRUE(client);
  for (const auto* list : {&kCopiesOrLocks, &kBreaks})
    for (const auto& f : *list) {
      reset_tables();
      const double warned_before = metric(warning_admin_, "warned");
      const size_t offset = warning_->log().size();
      const std::string before = fingerprint();
      std::string error;
      EXPECT_TRUE(mariadb_query(client.get(), f.sql, error)) << f.sql << ": " << error;
      EXPECT_NE(fingerprint(), before) << f.sql << " did not run";
      const std::string expected = std::string("ddl_lint ") + f.rule + ": ";
      EXPECT_TRUE(eventually([&] { return warning_->log(offset).find(expected) != std::string::npos; }, 5s))
          << f.sql << ": no \"" << expected << "\" in the log";
      EXPECT_GE(metric(warning_admin_, "warned"), warned_before + 1) << f.sql;
    }
  EXPECT_EQ(metric(warning_admin_, "blocked"), 0);
}

TEST_F(MariaDbDdlLint, WorksWithoutMigrations) {
  std::string error;
  auto plain = start_mysql_proxy("ddl_lint: block\n", error);  // no control connection, no migration
  ASSERT_TRUE(plain) << error;
  MariaDbConn client = connect(target_of(*plain));
  ASSERT_TRUE(client);
  const auto renamed = mariadb_query(client.get(), "ALTER TABLE people RENAME COLUMN name TO full_name", error);
  EXPECT_TRUE(BlockedBy(renamed, error, "rename_column")) << plain->log();
  EXPECT_TRUE(mariadb_query(client.get(), "ALTER TABLE people ADD COLUMN nick varchar(20)", error)) << error;
  EXPECT_EQ(mariadb_query(client.get(), "SELECT COUNT(name), COUNT(nick) FROM people", error), (Rows{{"2", "0"}})) << error;
}

}  // namespace
}  // namespace switchyard::test_support
