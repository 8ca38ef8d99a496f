// The two-table migrations the MySQL rewriter's tests use (tests/rewrite/mysql/table_writes_test.cpp,
// ddl_lint_test.cpp), in database app.
#pragma once

#include "rewrite/catalog.h"
#include "tests/rewrite/mysql/column_catalog.h"
#include "tests/rewrite/table_spec.h"

namespace switchyard::rewrite::mysql::testing {

// rename_table inovices -> invoices (the seeds'); copy_table legacy_accounts -> accounts2 with
// accttype mapped, and a down mapping back.
inline Catalog table_catalog(config::Phase phase) {
  Catalog c;
  ResolvedMigration r;
  r.spec = rewrite::testing::table_spec("invoices", config::MigrationKind::kRenameTable, {"app", "inovices"},
                                        {"app", "invoices"}, phase);
  r.old_rel.name = r.spec.old_table;
  r.old_rel.exists = true;
  r.old_rel.columns = {column("id", "int(11)", "", true), column("total", "decimal(10,2)", "NULL"), column("note", "varchar(40)", "NULL")};
  r.old_rel.primary_key = {"id"};
  r.new_rel = r.old_rel;
  r.new_rel.name = r.spec.new_table;
  c.migrations.push_back(r);
  ResolvedMigration k;
  k.spec = rewrite::testing::table_spec("accounts", config::MigrationKind::kCopyTable, {"app", "legacy_accounts"},
                                        {"app", "accounts2"}, phase);
  k.spec.up = {{"kind", "CASE accttype WHEN 'S' THEN 'savings' ELSE 'checking' END"}, {"name", "`name`"}};
  k.spec.down = {{"accttype", "CASE kind WHEN 'savings' THEN 'S' ELSE 'C' END"}, {"name", "`name`"}};
  k.old_rel.name = k.spec.old_table;
  k.old_rel.exists = true;
  k.old_rel.columns = {column("code", "varchar(10)"), column("accttype", "char(1)", "NULL"), column("name", "varchar(40)", "NULL")};
  k.old_rel.primary_key = {"code"};
  k.new_rel.name = k.spec.new_table;
  k.new_rel.exists = true;
  k.new_rel.columns = {column("code", "varchar(10)"), column("kind", "enum('savings','checking')", "NULL"), column("name", "varchar(40)", "NULL")};
  k.new_rel.primary_key = {"code"};
  c.migrations.push_back(k);
  return c;
}

}  // namespace switchyard::rewrite::mysql::testing
