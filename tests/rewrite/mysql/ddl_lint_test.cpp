// The MySQL DDL lint: each rule caught, each safe form let through, the way MySQL text is read
// (comments, backticks, versioned comments, case, qualified names), and the in-use rules
// following the migrations' phases. Whether each flagged form really copies or locks on MariaDB
// 10.11 is tests/integration/mariadb_ddl_lint_test.cpp's question.
#include "rewrite/mysql/ddl_lint.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "rewrite/ddl_usage.h"
#include "tests/rewrite/mysql/table_catalog.h"

namespace switchyard::rewrite::mysql {
namespace {

using config::Phase;
using Rules = std::vector<std::string>;

// The rewriter tests' column migrations (users, accounts, ledger, items in database app; see
// column_catalog.h), with a latin1 column and an enum in users, and their two-table ones
// (app.inovices renamed to app.invoices, legacy_accounts copied to accounts2; table_catalog.h).
Catalog lint_catalog(Phase phase) {
  Catalog c = testing::column_catalog(phase);
  ColumnInfo nick = testing::column("nick", "varchar(20)", "NULL");
  nick.own_collation = true;
  c.migrations[0].old_rel.columns.push_back(nick);
  c.migrations[0].old_rel.columns.push_back(testing::column("mood", "enum('a','b')", "NULL"));
  c.migrations[0].new_rel.columns = c.migrations[0].old_rel.columns;
  for (auto& m : testing::table_catalog(phase).migrations) c.migrations.push_back(std::move(m));
  return c;
}

Lexical session(std::string database = "app") {
  Lexical l;
  l.database = std::move(database);
  return l;
}

Rules rules_of(std::string_view sql, Phase phase = Phase::kDualWrite, const Lexical& lexical = session()) {
  Rules out;
  for (const auto& f : lint_ddl(sql, lint_catalog(phase), lexical)) out.push_back(f.rule);
  return out;
}

struct Case {
  const char* sql;
  Rules rules;
};

void expect_rules(const std::vector<Case>& cases) {
  for (const auto& c : cases) EXPECT_EQ(rules_of(c.sql), c.rules) << c.sql;
}

TEST(MysqlDdlLint, CatchesEachRule) {
  expect_rules({
      {"ALTER TABLE people RENAME COLUMN name TO full_name", {"rename_column"}},
      {"ALTER TABLE people CHANGE name full_name varchar(20), LOCK=NONE", {"rename_column"}},
      {"ALTER TABLE people CHANGE COLUMN name full_name varchar(20)", {"rename_column", "alter_column_type"}},
      {"ALTER TABLE people RENAME TO persons", {"rename_table"}},
      {"ALTER TABLE people RENAME AS persons", {"rename_table"}},
      {"RENAME TABLE people TO persons, orgs TO organisations", {"rename_table", "rename_table"}},
      {"RENAME TABLE IF EXISTS people WAIT 5 TO persons", {"rename_table"}},
      {"ALTER TABLE people MODIFY age bigint", {"alter_column_type"}},
      {"ALTER TABLE users MODIFY email varchar(50)", {"alter_column_type"}},          // shorter
      {"ALTER TABLE users MODIFY email text", {"alter_column_type"}},                 // another type
      {"ALTER TABLE users MODIFY nick varchar(40)", {"alter_column_type"}},           // latin1 to the table's utf8mb4
      {"ALTER TABLE users MODIFY email varchar(200) CHARACTER SET latin1", {"alter_column_type"}},
      {"ALTER TABLE users MODIFY mood enum('b','a')", {"alter_column_type"}},         // reordered
      {"ALTER TABLE users MODIFY id int(11) unsigned", {"alter_column_type"}},
      {"ALTER TABLE users MODIFY id int AUTO_INCREMENT", {"alter_column_type"}},
      {"ALTER TABLE items MODIFY price decimal(12,2)", {"alter_column_type"}},
      {"ALTER TABLE people MODIFY age bigint, ALGORITHM=INPLACE", {"alter_column_type"}},
      {"ALTER TABLE people ADD FULLTEXT INDEX ft (note)", {"create_index"}},
      {"ALTER TABLE people ADD SPATIAL KEY (g), ALGORITHM=INPLACE", {"create_index"}},
      {"CREATE FULLTEXT INDEX ft ON people (note)", {"create_index"}},
      {"ALTER TABLE people ADD FOREIGN KEY (org) REFERENCES orgs (id)", {"add_foreign_key"}},
      {"ALTER TABLE people ADD CONSTRAINT people_org FOREIGN KEY (org) REFERENCES orgs (id)", {"add_foreign_key"}},
      {"ALTER TABLE people ADD CONSTRAINT FOREIGN KEY (org) REFERENCES orgs (id), LOCK=SHARED", {"add_foreign_key"}},
      {"ALTER TABLE people ADD COLUMN seq int AUTO_INCREMENT UNIQUE", {"add_column_volatile_default"}},
      {"ALTER TABLE people ADD COLUMN next_age int AS (age + 1) STORED", {"add_column_volatile_default"}},
      {"ALTER TABLE people ADD next_age int GENERATED ALWAYS AS (age + 1) PERSISTENT", {"add_column_volatile_default"}},
      {"ALTER TABLE people ADD (a int, seq int AUTO_INCREMENT, UNIQUE (seq))", {"add_column_volatile_default"}},
      {"ALTER TABLE users DROP COLUMN full_name", {"drop_column_in_use"}},
      {"ALTER TABLE users DROP display_name", {"drop_column_in_use"}},
      {"ALTER TABLE accounts DROP COLUMN IF EXISTS include", {"drop_column_in_use"}},
      {"DROP TABLE inovices", {"drop_table_in_use"}},
      {"DROP TABLE IF EXISTS people, invoices", {"drop_table_in_use"}},
      {"TRUNCATE TABLE invoices", {"truncate_table_in_use"}},
      {"TRUNCATE users", {"truncate_table_in_use"}},
  });
}

TEST(MysqlDdlLint, LetsTheSafeFormsThrough) {
  expect_rules({
      {"ALTER TABLE people MODIFY age bigint, ALGORITHM=INPLACE, LOCK=NONE", {}},
      {"ALTER TABLE people MODIFY age bigint, LOCK = NONE", {}},
      {"ALTER TABLE people LOCK=NONE, MODIFY age bigint", {}},
      {"ALTER TABLE people MODIFY age bigint, ALGORITHM INSTANT", {}},
      {"ALTER TABLE users MODIFY email varchar(100)", {}},                     // the same type
      {"ALTER TABLE users MODIFY email varchar(300) NOT NULL DEFAULT ''", {}},  // longer
      {"ALTER TABLE users CHANGE email email varchar(200)", {}},
      {"ALTER TABLE users MODIFY id integer NOT NULL", {}},                     // int(11) is int
      {"ALTER TABLE users MODIFY mood enum('a','b','c')", {}},
      {"ALTER TABLE items MODIFY price numeric(10,2) AFTER sku", {}},
      {"ALTER TABLE ledger MODIFY aid int AUTO_INCREMENT", {}},
      {"ALTER TABLE ledger MODIFY aid int", {}},  // AUTO_INCREMENT taken away: in place
      {"ALTER TABLE people ADD INDEX (name)", {}},
      {"ALTER TABLE people ADD UNIQUE KEY u (name), ADD PRIMARY KEY (id)", {}},
      {"CREATE UNIQUE INDEX people_name ON people (name)", {}},
      {"CREATE FULLTEXT INDEX ft ON people (note) LOCK=NONE", {}},
      {"ALTER TABLE people ADD FULLTEXT (note), LOCK=NONE", {}},
      {"ALTER TABLE people ADD FOREIGN KEY (org) REFERENCES orgs (id), ALGORITHM=INPLACE", {}},
      {"SET foreign_key_checks = 0; ALTER TABLE people ADD FOREIGN KEY (org) REFERENCES orgs (id); SET foreign_key_checks = 1", {}},
      {"SET SESSION foreign_key_checks=OFF; ALTER TABLE people ADD FOREIGN KEY (org) REFERENCES orgs (id)", {}},
      {"SET @@session.foreign_key_checks = 0, @x = 1; ALTER TABLE people ADD FOREIGN KEY (org) REFERENCES orgs (id)", {}},
      {"ALTER TABLE people ADD COLUMN nick varchar(20) NOT NULL", {}},
      {"ALTER TABLE people ADD COLUMN nick varchar(20) NOT NULL FIRST", {}},
      {"ALTER TABLE people ADD COLUMN c datetime DEFAULT CURRENT_TIMESTAMP AFTER id", {}},
      {"ALTER TABLE people ADD COLUMN next_age int AS (age + 1) VIRTUAL", {}},
      {"ALTER TABLE people ADD COLUMN seq int AUTO_INCREMENT UNIQUE, ALGORITHM=INSTANT", {}},
      {"ALTER TABLE people DROP COLUMN age, DROP INDEX name, DROP FOREIGN KEY fk, DROP PRIMARY KEY", {}},
      {"ALTER TABLE users DROP COLUMN email", {}},
      {"ALTER TABLE users RENAME INDEX a TO b", {}},
      {"CREATE TABLE tags (id int PRIMARY KEY, note text); ALTER TABLE tags ADD FULLTEXT (note); "
       "ALTER TABLE tags RENAME COLUMN note TO body",
       {}},
      {"DROP TABLE people", {}},
      {"TRUNCATE TABLE people", {}},
      {"SELECT * FROM users WHERE note = 'ALTER TABLE users DROP COLUMN full_name'", {}},
      {"ALTER TABLE users MODIFY id bigint /* switchyard:allow alter_column_type */", {}},
  });
}

TEST(MysqlDdlLint, ReadsMysqlText) {
  expect_rules({
      // Comments, backticks, case.
      {"/* a */ alter table `people` -- x\n rename column `name` to `full name`", {"rename_column"}},
      {"# maintenance\nAlter Table PEOPLE Modify AGE BIGINT", {"alter_column_type"}},
      {"ALTER TABLE `Users` DROP COLUMN `FULL_NAME`", {"drop_column_in_use"}},
      {"ALTER TABLE people /* LOCK=NONE */ MODIFY age bigint", {"alter_column_type"}},
      // Versioned comments are code (MariaDB 10.11 reads /*!50100 and /*M!100100) unless newer.
      {"ALTER TABLE people MODIFY age bigint /*!50100 , LOCK=NONE */", {}},
      {"ALTER TABLE people MODIFY age bigint /*M!100100 , ALGORITHM=INSTANT */", {}},
      {"ALTER TABLE people MODIFY age bigint /*M!999999 , LOCK=NONE */", {"alter_column_type"}},
      {"/*!40014 SET FOREIGN_KEY_CHECKS=0 */; ALTER TABLE people ADD FOREIGN KEY (org) REFERENCES orgs (id)", {}},
      {"/*!50100ALTER TABLE people RENAME TO persons*/", {"rename_table"}},
      // Qualified names: app is the session's database and the migrations'.
      {"ALTER TABLE app.users DROP COLUMN full_name", {"drop_column_in_use"}},
      {"ALTER TABLE `app`.`users` DROP COLUMN full_name", {"drop_column_in_use"}},
      {"ALTER TABLE other.users DROP COLUMN full_name", {}},
      {"DROP TABLE app.invoices, other.invoices", {"drop_table_in_use"}},
      // Several statements, each its own findings, in text order.
      {"ALTER TABLE people RENAME TO persons; ALTER TABLE persons MODIFY age bigint", {"rename_table", "alter_column_type"}},
      // A text that does not scan: the server says why.
      {"ALTER TABLE people RENAME TO 'persons", {}},
  });
  // Another current database: an unqualified name is looked up there.
  EXPECT_EQ(rules_of("ALTER TABLE users DROP COLUMN full_name", Phase::kDualWrite, session("other")), Rules{});
  EXPECT_EQ(rules_of("ALTER TABLE app.users DROP COLUMN full_name", Phase::kDualWrite, session("other")),
            Rules{"drop_column_in_use"});
  // ANSI_QUOTES: "x" is an identifier.
  Lexical ansi = session();
  ansi.mysql.ansi_quotes = true;
  EXPECT_EQ(rules_of("ALTER TABLE \"users\" DROP COLUMN \"full_name\"", Phase::kDualWrite, ansi), Rules{"drop_column_in_use"});
}

TEST(MysqlDdlLint, InUseRulesFollowThePhase) {
  // new_only: the old column and table are no longer used; the new ones are.
  EXPECT_EQ(rules_of("ALTER TABLE users DROP COLUMN full_name", Phase::kNewOnly), Rules{});
  EXPECT_EQ(rules_of("ALTER TABLE users DROP COLUMN display_name", Phase::kNewOnly), Rules{"drop_column_in_use"});
  EXPECT_EQ(rules_of("DROP TABLE inovices", Phase::kNewOnly), Rules{});
  EXPECT_EQ(rules_of("DROP TABLE invoices", Phase::kNewOnly), Rules{"drop_table_in_use"});
  // A column an up expression reads is the old side's: accounts.include feeds include_bool.
  EXPECT_EQ(rules_of("ALTER TABLE accounts DROP COLUMN include", Phase::kReadNew), Rules{"drop_column_in_use"});
  EXPECT_EQ(rules_of("ALTER TABLE accounts DROP COLUMN include", Phase::kNewOnly), Rules{});
}

TEST(MysqlDdlLint, FindingsNameTheObjectsTheMigrationAndTheSafeAlternative) {
  const auto findings = lint_ddl("ALTER TABLE app.users CHANGE full_name name varchar(100); ALTER TABLE items MODIFY "
                                 "price decimal(12,2); ALTER TABLE people ADD FOREIGN KEY (org) REFERENCES orgs (id)",
                                 lint_catalog(Phase::kShadow), session());
  ASSERT_EQ(findings.size(), 3u);
  EXPECT_EQ(findings[0].rule, "rename_column");
  EXPECT_NE(findings[0].message.find("app.users.full_name, which migration users_display_name (phase shadow) uses"),
            std::string::npos)
      << findings[0].message;
  EXPECT_NE(findings[0].alternative.find("rename_column migration"), std::string::npos);
  EXPECT_EQ(findings[1].rule, "alter_column_type");
  EXPECT_NE(findings[1].message.find("items.price (decimal(12,2) from decimal(10,2))"), std::string::npos)
      << findings[1].message;
  EXPECT_NE(findings[1].alternative.find("ALGORITHM=INPLACE, LOCK=NONE"), std::string::npos);
  EXPECT_NE(findings[2].alternative.find("SET foreign_key_checks = 0"), std::string::npos);
  EXPECT_EQ(rewrite::ddl::describe(findings[2]).rfind("switchyard: ddl_lint add_foreign_key: adds a foreign key on people", 0), 0u);
}

TEST(MysqlDdlLint, TheKeywordScanErrsWide) {
  for (const char* sql : {"ALTER TABLE t ADD x int", "rename table a to b", "select 1; DROP TABLE t", "Create index i on t (a)",
                          "TRUNCATE t", "SELECT 'drop'", "/*!50100ALTER TABLE t RENAME TO u*/"})
    EXPECT_TRUE(may_be_ddl(sql)) << sql;
  for (const char* sql : {"SELECT * FROM users", "INSERT INTO dropped VALUES (1)", "UPDATE creates SET a = 1"})
    EXPECT_FALSE(may_be_ddl(sql)) << sql;
}

}  // namespace
}  // namespace switchyard::rewrite::mysql
