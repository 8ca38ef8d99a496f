// The DDL lint: every dangerous form is caught with its rule, the safe forms pass, non-DDL never
// reaches the parser, and the drop rules follow the migrations' phases.
#include "rewrite/pg/ddl_lint.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/rewrite/pg/catalog_fixture.h"
#include "tests/rewrite/table_spec.h"

namespace switchyard::rewrite::pg {
namespace {

using config::Phase;
using Rules = std::vector<std::string>;

// The seeds' migrations on users and accounts, inovices renamed to invoices, and orders (whose
// column types the widening rule needs) under an add_column migration.
Catalog lint_catalog(Phase phase) {
  Catalog c = testing::seeds_catalog(phase);
  c.migrations.push_back(testing::column_migration("orders-total", "orders", {{"total_cents", "(amount * 100)::bigint"}},
                                                   {},
                                                   {{"id", "integer", "int4", "", true},
                                                    {"code", "character varying(10)", "varchar", "", false},
                                                    {"amount", "numeric(10,2)", "numeric", "", false},
                                                    {"note", "text", "text", "", false},
                                                    {"total_cents", "bigint", "int8", "", false}},
                                                   phase));
  ResolvedMigration rename;
  rename.spec = rewrite::testing::table_spec("invoices-rename", config::MigrationKind::kRenameTable,
                                             {"public", "inovices"}, {"public", "invoices"}, phase);
  rename.spec.all_columns = true;
  rename.old_rel.name = rename.spec.old_table;
  rename.new_rel.name = rename.spec.new_table;
  rename.old_rel.exists = rename.new_rel.exists = true;
  c.migrations.push_back(rename);
  return c;
}

Rules rules_of(std::string_view sql, Phase phase = Phase::kDualWrite) {
  Rules out;
  for (const auto& f : lint_ddl(sql, lint_catalog(phase))) out.push_back(f.rule);
  return out;
}

struct Case {
  const char* sql;
  Rules rules;
};

TEST(DdlLint, CatchesEveryDangerousForm) {
  const std::vector<Case> cases = {
      {"ALTER TABLE users RENAME COLUMN email TO mail", {"rename_column"}},
      {"ALTER TABLE people RENAME name TO full_name", {"rename_column"}},
      {"ALTER TABLE people RENAME TO persons", {"rename_table"}},
      {"ALTER TABLE people ALTER COLUMN age TYPE bigint", {"alter_column_type"}},
      {"ALTER TABLE people ALTER age TYPE varchar(40)", {"alter_column_type"}},  // old type unknown
      {"ALTER TABLE orders ALTER COLUMN code TYPE varchar(5)", {"alter_column_type"}},
      {"ALTER TABLE orders ALTER COLUMN code TYPE varchar(40) USING upper(code)", {"alter_column_type"}},
      {"ALTER TABLE orders ALTER COLUMN code TYPE varchar(40) COLLATE \"C\"", {"alter_column_type"}},
      {"ALTER TABLE orders ALTER COLUMN amount TYPE numeric(12,4)", {"alter_column_type"}},
      {"ALTER TABLE orders ALTER COLUMN amount TYPE numeric(8,2)", {"alter_column_type"}},
      {"ALTER TABLE orders ALTER COLUMN note TYPE varchar(20)", {"alter_column_type"}},
      {"ALTER TABLE orders ALTER COLUMN id TYPE bigint", {"alter_column_type"}},
      {"ALTER TABLE people ADD COLUMN age int NOT NULL", {"add_column_not_null"}},
      {"ALTER TABLE people ADD age int PRIMARY KEY", {"add_column_not_null"}},
      {"ALTER TABLE people ADD COLUMN n int NOT NULL DEFAULT NULL", {"add_column_not_null"}},
      {"ALTER TABLE people ADD COLUMN token uuid NOT NULL DEFAULT gen_random_uuid()", {"add_column_not_null"}},
      {"ALTER TABLE people ADD COLUMN seq bigserial", {"add_column_volatile_default"}},
      {"ALTER TABLE people ADD COLUMN r float8 DEFAULT random()", {"add_column_volatile_default"}},
      {"ALTER TABLE people ADD COLUMN k int GENERATED ALWAYS AS IDENTITY", {"add_column_volatile_default"}},
      {"ALTER TABLE people ADD COLUMN g int GENERATED ALWAYS AS (age + 1) STORED", {"add_column_volatile_default"}},
      {"ALTER TABLE people ALTER COLUMN name SET NOT NULL", {"set_not_null"}},
      {"CREATE INDEX people_name ON people (name)", {"create_index"}},
      {"create unique index on app.people using btree (lower(name)) where name is not null", {"create_index"}},
      {"ALTER TABLE people ADD CONSTRAINT people_org FOREIGN KEY (org) REFERENCES orgs (id)", {"add_foreign_key"}},
      {"ALTER TABLE people ADD FOREIGN KEY (org) REFERENCES orgs", {"add_foreign_key"}},
      {"ALTER TABLE people ADD CONSTRAINT age_positive CHECK (age > 0)", {"add_check"}},
      {"ALTER TABLE people ADD PRIMARY KEY (id)", {"add_index_constraint"}},
      {"ALTER TABLE people ADD CONSTRAINT people_mail UNIQUE (mail)", {"add_index_constraint"}},
      // An active migration's columns and tables.
      {"ALTER TABLE users DROP COLUMN full_name", {"drop_column_in_use"}},      // old side, before new_only
      {"ALTER TABLE users DROP COLUMN display_name", {"drop_column_in_use"}},   // new side
      {"ALTER TABLE accounts DROP COLUMN aid", {"drop_column_in_use"}},         // read by accounts-id's up
      {"ALTER TABLE public.accounts DROP include_bool CASCADE", {"drop_column_in_use"}},
      {"ALTER TABLE orders DROP COLUMN amount", {"drop_column_in_use"}},        // read by orders-total's up
      {"ALTER TABLE inovices DROP COLUMN amount", {"drop_column_in_use"}},      // any column under rename_table
      {"DROP TABLE users", {"drop_table_in_use"}},
      {"DROP TABLE IF EXISTS people, public.inovices CASCADE", {"drop_table_in_use"}},
      {"DROP TABLE invoices", {"drop_table_in_use"}},
      // Several in one text, in text order; case, comments and a transaction around them.
      {"BEGIN; ALTER TABLE people RENAME COLUMN a TO b; CREATE INDEX ON people (b); COMMIT",
       {"rename_column", "create_index"}},
      {"/* deploy 42 /* nested */ */ -- step 1\n alter table PEOPLE rename to persons", {"rename_table"}},
      {"ALTER TABLE people ADD COLUMN x int NOT NULL, ALTER COLUMN name SET NOT NULL",
       {"add_column_not_null", "set_not_null"}},
      // A marker switches off only the rules it names.
      {"ALTER TABLE people ALTER name SET NOT NULL, ADD CHECK (age > 0) /* switchyard:allow set_not_null */",
       {"add_check"}},
  };
  for (const auto& c : cases) EXPECT_EQ(rules_of(c.sql), c.rules) << c.sql;
}

TEST(DdlLint, LetsTheSafeFormsThrough) {
  for (const char* sql : {
           "CREATE INDEX CONCURRENTLY people_name ON people (name)",
           "CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS people_mail ON people (mail)",
           "CREATE INDEX parent_k ON ONLY parent (k)",
           "ALTER TABLE people ADD CONSTRAINT people_org FOREIGN KEY (org) REFERENCES orgs (id) NOT VALID",
           "ALTER TABLE people ADD CONSTRAINT age_positive CHECK (age > 0) NOT VALID",
           "ALTER TABLE people VALIDATE CONSTRAINT age_positive",
           "ALTER TABLE people ADD CONSTRAINT people_pk PRIMARY KEY USING INDEX people_id_idx",
           "ALTER TABLE people ADD COLUMN nick text",
           "ALTER TABLE people ADD COLUMN nick text DEFAULT NULL",
           "ALTER TABLE people ADD COLUMN score int NOT NULL DEFAULT 0",
           "ALTER TABLE people ADD COLUMN created timestamptz NOT NULL DEFAULT now()",
           "ALTER TABLE people ADD COLUMN status text NOT NULL DEFAULT 'new' CHECK (status <> '')",
           "ALTER TABLE people ALTER COLUMN name DROP NOT NULL, ALTER COLUMN score SET DEFAULT 1",
           "ALTER TABLE orders ALTER COLUMN code TYPE varchar(40)",
           "ALTER TABLE orders ALTER COLUMN code TYPE character varying(10)",
           "ALTER TABLE orders ALTER COLUMN code TYPE text",
           "ALTER TABLE public.orders ALTER COLUMN code TYPE varchar",
           "ALTER TABLE orders ALTER COLUMN amount TYPE numeric(14,2)",
           "ALTER TABLE orders ALTER COLUMN amount TYPE decimal",
           "ALTER TABLE orders ALTER COLUMN note TYPE varchar",
           "ALTER TABLE users DROP COLUMN email",
           "ALTER TABLE accounts DROP COLUMN name",
           "DROP TABLE people",
           "DROP VIEW users",
           "ALTER INDEX people_name RENAME TO people_name_idx",
           "ALTER TABLE people RENAME CONSTRAINT a TO b",
           "DROP INDEX CONCURRENTLY people_name",
           // A table created in the same text is new and empty.
           "CREATE TABLE t (id int PRIMARY KEY, name text); CREATE INDEX t_name ON t (name); "
           "ALTER TABLE t ADD CONSTRAINT t_id CHECK (id > 0), ADD c int NOT NULL, ALTER name SET NOT NULL",
           "CREATE TABLE app.t AS SELECT 1 AS id; CREATE INDEX ON t (id)",
           // Not DDL, or not SQL.
           "SELECT * FROM users",
           "UPDATE users SET full_name = 'x' WHERE id = 1",
           "INSERT INTO people (name) VALUES ('ALTER TABLE people RENAME TO x')",
           "ALTER TABLE people RENAME",
           "",
           "ALTER TABLE people ALTER COLUMN name SET NOT NULL -- switchyard:allow set_not_null, create_index",
       }) {
    EXPECT_EQ(rules_of(sql), Rules{}) << sql;
  }
}

TEST(DdlLint, DropRulesFollowThePhase) {
  // In new_only the old side is no longer used: contract may drop it, but not the new side.
  EXPECT_EQ(rules_of("ALTER TABLE users DROP COLUMN full_name", Phase::kNewOnly), Rules{});
  EXPECT_EQ(rules_of("ALTER TABLE accounts DROP COLUMN include", Phase::kNewOnly), Rules{});
  EXPECT_EQ(rules_of("DROP TABLE inovices", Phase::kNewOnly), Rules{});
  EXPECT_EQ(rules_of("ALTER TABLE users DROP COLUMN display_name", Phase::kNewOnly), Rules{"drop_column_in_use"});
  EXPECT_EQ(rules_of("ALTER TABLE accounts DROP COLUMN include_bool", Phase::kNewOnly), Rules{"drop_column_in_use"});
  EXPECT_EQ(rules_of("DROP TABLE invoices", Phase::kNewOnly), Rules{"drop_table_in_use"});
  EXPECT_EQ(rules_of("DROP TABLE users", Phase::kNewOnly), Rules{"drop_table_in_use"});
  EXPECT_EQ(rules_of("DROP TABLE other_schema.users", Phase::kNewOnly), Rules{});
}

TEST(DdlLint, FindingsNameTheObjectsAndTheSafeAlternative) {
  const auto findings = lint_ddl("ALTER TABLE app.people ALTER COLUMN name SET NOT NULL; DROP TABLE users",
                                 lint_catalog(Phase::kShadow));
  ASSERT_EQ(findings.size(), 2u);
  EXPECT_EQ(findings[0].rule, "set_not_null");
  EXPECT_NE(findings[0].message.find("app.people.name"), std::string::npos) << findings[0].message;
  EXPECT_NE(findings[0].alternative.find("CHECK (name IS NOT NULL) NOT VALID"), std::string::npos);
  EXPECT_NE(findings[1].message.find("migration users-display-name (phase shadow)"), std::string::npos)
      << findings[1].message;
  const std::string text = describe(findings[0]);
  EXPECT_TRUE(text.starts_with("switchyard: ddl_lint set_not_null: SET NOT NULL on app.people.name ")) << text;
  EXPECT_NE(text.find("; safe alternative: ADD CONSTRAINT"), std::string::npos) << text;
}

TEST(DdlLint, OnlyDdlReachesTheParser) {
  for (const char* sql : {"ALTER TABLE t RENAME TO u", "  create index on t (a)", "Drop table t",
                          "-- migration 7\n/* a /* nested */ comment */\n\tALTER TABLE t ADD c int",
                          "SELECT 1; DROP TABLE t", "BEGIN;ALTER TABLE t ADD c int;COMMIT", "SELECT ';'; create table x ()",
                          "SELECT 1; -- a carriage return ends a comment too\rALTER TABLE t ADD c int"})
    EXPECT_TRUE(may_be_ddl(sql)) << sql;
  for (const char* sql : {"", " ; ", "SELECT 1", "SELECT created, dropped FROM alterations",
                          "INSERT INTO t VALUES ('alter'); UPDATE dropbox SET created = now()",
                          "altered", "dropbox", "create_thing()", "WITH x AS (SELECT 1) SELECT 'a; b'",
                          "-- ALTER TABLE t RENAME TO u\nSELECT 1", "/* DROP TABLE t */ SELECT 1"})
    EXPECT_FALSE(may_be_ddl(sql)) << sql;
}

}  // namespace
}  // namespace switchyard::rewrite::pg
