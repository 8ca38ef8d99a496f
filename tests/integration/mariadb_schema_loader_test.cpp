// catalog::load_mysql_schema (catalog/mysql_schema_loader.h) against the shared MariaDB 10.11:
// the column facts it reads are the ones the MySQL rewriter's own tests build by hand
// (tests/rewrite/mysql/column_catalog.h), so the loaded catalog rewrites a statement the same
// way; and each way a migration can not fit the live schema is an error naming the migration
// and the key: a missing table, a new column not there yet in dual_write, an expression the
// server refuses, a control connection that fails. new_only after contract keeps the dropped old
// column as a ghost, and a trigger on the table is reported as a server writer.
#include <gtest/gtest.h>

#include "catalog/mysql_schema_loader.h"
#include "rewrite/mysql/rewriter.h"
#include "tests/integration/mariadb_relay_fixture.h"
#include "tests/rewrite/mysql/column_catalog.h"
#include "tests/support/net.h"

namespace switchyard::test_support {
namespace {

class MariaDbSchemaLoader : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string error;
    conn_ = connect_mariadb(tcp_login(shared_mariadb(), kMariaDbNativeUser, kMariaDbNativePassword), error);
    ASSERT_TRUE(conn_) << error;
    for (const char* sql : {"DROP DATABASE IF EXISTS schema_loader", "CREATE DATABASE schema_loader", "USE schema_loader",
                            "CREATE TABLE users (id INT PRIMARY KEY, full_name VARCHAR(100) NULL, email VARCHAR(100) NULL, "
                            "display_name VARCHAR(100) NULL)",
                            "CREATE TABLE accounts (aid INT PRIMARY KEY, include CHAR(1) NOT NULL DEFAULT '', "
                            "name VARCHAR(40) NULL, include_bool TINYINT(1) NULL, UNIQUE KEY by_name (name))"})
      ASSERT_TRUE(mariadb_query(conn_.get(), sql, error)) << sql << ": " << error;
  }
  void TearDown() override {
    std::string error;
    mariadb_query(conn_.get(), "DROP DATABASE IF EXISTS schema_loader", error);
  }
  // The two column migrations in `phase`, users' `up` as given.
  static catalog::SchemaLoad load(const std::string& phase, const std::string& control = mariadb_control_yaml("schema_loader"),
                                  const std::string& include_up = "CASE WHEN include = 'X' THEN 1 ELSE 0 END") {
    const std::string yaml = "protocol: mysql\n" + control +
                             "migrations:\n  - name: users_display_name\n    table: users\n"
                             "    rename_column: {from: full_name, to: display_name}\n    phase: " + phase + "\n"
                             "  - name: accounts_include_bool\n    table: accounts\n"
                             "    change_column: {from: include, to: include_bool, up: \"" + include_up +
                             "\", down: \"CASE WHEN include_bool THEN 'X' ELSE '' END\"}\n    phase: " + phase + "\n";
    auto parsed = config::parse_config(yaml, "t.yaml");
    if (!parsed) return {.ok = false, .catalog = {}, .error = "config: " + parsed.error.to_string()};
    return catalog::load_mysql_schema(*parsed.config);
  }
  MariaDbConn conn_;
};

TEST_F(MariaDbSchemaLoader, ReadsTheColumnsAndKeysAsTheRewritersTestsBuildThem) {
  const auto r = load("dual_write");
  ASSERT_TRUE(r.ok) << r.error;
  ASSERT_EQ(r.catalog.migrations.size(), 2u);
  const rewrite::RelationInfo& users = r.catalog.migrations[0].old_rel;
  ASSERT_TRUE(users.exists);
  ASSERT_EQ(users.columns.size(), 4u);
  EXPECT_EQ(users.columns[1].name, "full_name");
  EXPECT_EQ(users.columns[1].type, "varchar(100)");
  EXPECT_EQ(users.columns[1].default_expr, "NULL");
  EXPECT_FALSE(users.columns[1].not_null);
  EXPECT_EQ(users.primary_key, std::vector<std::string>{"id"});
  const rewrite::RelationInfo& accounts = r.catalog.migrations[1].old_rel;
  EXPECT_EQ(accounts.columns[1].type, "char(1)");
  EXPECT_EQ(accounts.columns[1].default_expr, "''");
  EXPECT_TRUE(accounts.columns[1].not_null);
  EXPECT_EQ(accounts.columns[3].type, "tinyint(1)");
  bool unique_by_name = false;
  for (const auto& c : accounts.constraints) unique_by_name |= c.name == "by_name" && c.type == 'u' && c.columns == std::vector<std::string>{"name"};
  EXPECT_TRUE(unique_by_name);
  // The loaded catalog rewrites as the hand-built one does.
  const rewrite::Catalog hand = rewrite::mysql::testing::column_catalog(config::Phase::kDualWrite);
  for (const char* sql : {"INSERT INTO users (id, full_name) VALUES (1, 'a')", "UPDATE users SET full_name = UPPER(email)",
                          "INSERT INTO accounts (aid, include) VALUES (1, 'X')",
                          "UPDATE accounts SET include_bool = 0 WHERE aid = 1"}) {
    const auto loaded = rewrite::mysql::rewrite_sql(sql, r.catalog);
    const auto expected = rewrite::mysql::rewrite_sql(sql, hand);
    EXPECT_EQ(loaded.kind, rewrite::RewriteResult::Kind::kRewritten) << sql << ": " << loaded.reason;
    EXPECT_EQ(loaded.sql, expected.sql) << sql;
  }
}

TEST_F(MariaDbSchemaLoader, EachMisfitIsAnErrorNamingTheMigrationAndKey) {
  std::string error;
  // The new column not there yet: dual_write needs it.
  ASSERT_TRUE(mariadb_query(conn_.get(), "ALTER TABLE users DROP COLUMN display_name", error)) << error;
  auto r = load("dual_write");
  EXPECT_FALSE(r.ok);
  EXPECT_NE(r.error.find("migration users_display_name"), std::string::npos) << r.error;
  EXPECT_NE(r.error.find("display_name does not exist"), std::string::npos) << r.error;
  // An expression the server refuses names the server's reason.
  ASSERT_TRUE(mariadb_query(conn_.get(), "ALTER TABLE users ADD COLUMN display_name VARCHAR(100) NULL", error)) << error;
  r = load("dual_write", mariadb_control_yaml("schema_loader"), "CASE WHEN no_such_column = 'X' THEN 1 ELSE 0 END");
  EXPECT_FALSE(r.ok);
  EXPECT_NE(r.error.find("migration accounts_include_bool"), std::string::npos) << r.error;
  EXPECT_NE(r.error.find("no_such_column"), std::string::npos) << r.error;
  // A missing table.
  ASSERT_TRUE(mariadb_query(conn_.get(), "DROP TABLE accounts", error)) << error;
  r = load("dual_write");
  EXPECT_FALSE(r.ok);
  EXPECT_NE(r.error.find("accounts"), std::string::npos) << r.error;
  EXPECT_NE(r.error.find("does not exist"), std::string::npos) << r.error;
  // A control connection that fails.
  r = load("dual_write", "control: \"host=127.0.0.1 port=" + std::to_string(pick_free_port()) + " user=x dbname=schema_loader\"\n");
  EXPECT_FALSE(r.ok);
  EXPECT_NE(r.error.find("control: cannot connect"), std::string::npos) << r.error;
}

TEST_F(MariaDbSchemaLoader, NewOnlyAfterContractKeepsTheDroppedColumnAsAGhost) {
  std::string error;
  ASSERT_TRUE(mariadb_query(conn_.get(), "ALTER TABLE users DROP COLUMN full_name", error)) << error;
  ASSERT_TRUE(mariadb_query(conn_.get(), "ALTER TABLE accounts DROP COLUMN include", error)) << error;
  const auto r = load("new_only");
  ASSERT_TRUE(r.ok) << r.error;
  const auto* ghost = r.catalog.migrations[0].old_rel.column("full_name");
  ASSERT_NE(ghost, nullptr);
  EXPECT_TRUE(ghost->dropped);
  EXPECT_EQ(ghost->type, "varchar(100)");  // a rename's ghost has the new column's type
  // And in dual_write, that is an error: the old shape is needed.
  EXPECT_FALSE(load("dual_write").ok);
}

TEST_F(MariaDbSchemaLoader, ABeforeTriggerOnTheTableIsAServerWriterAndAnAfterOneIsNot) {
  std::string error;
  ASSERT_TRUE(mariadb_query(conn_.get(), "CREATE TRIGGER users_bi BEFORE INSERT ON users FOR EACH ROW SET NEW.full_name = UPPER(NEW.full_name)",
                            error)) << error;
  // An AFTER trigger cannot change its own table's row: an audit log is no writer.
  for (const char* sql : {"CREATE TABLE audit (id INT)", "CREATE TRIGGER users_ai AFTER INSERT ON users FOR EACH ROW INSERT INTO audit VALUES (NEW.id)"})
    ASSERT_TRUE(mariadb_query(conn_.get(), sql, error)) << sql << ": " << error;
  const auto r = load("dual_write");
  ASSERT_TRUE(r.ok) << r.error;
  const auto& writers = r.catalog.migrations[0].server_writers;
  ASSERT_EQ(writers.size(), 1u);
  EXPECT_EQ(writers[0].kind, rewrite::ServerWriter::Kind::kTrigger);
  EXPECT_NE(writers[0].description.find("users_bi"), std::string::npos) << writers[0].description;
  EXPECT_TRUE(r.catalog.migrations[1].server_writers.empty());
}

}  // namespace
}  // namespace switchyard::test_support
