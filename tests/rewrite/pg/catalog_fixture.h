// A hand-built catalog of the seeds' migrations, for rewriter tests without a database:
// users.full_name -> display_name (rename_column); accounts.include 'X'/'' -> include_bool
// (change_column) and accounts.id from aid (add_column), composing on one table.
#pragma once

#include "rewrite/catalog.h"
#include "tests/rewrite/pg/volatility_fixture.h"

namespace switchyard::rewrite::testing {

inline ResolvedMigration column_migration(std::string name, std::string table, std::vector<config::ColumnMap> up,
                                          std::vector<config::ColumnMap> down, std::vector<ColumnInfo> columns,
                                          config::Phase phase) {
  ResolvedMigration m;
  m.spec.name = std::move(name);
  m.spec.old_table = m.spec.new_table = {"public", std::move(table)};
  m.spec.up = std::move(up);
  m.spec.down = std::move(down);
  m.spec.phase = phase;
  m.old_rel.name = m.spec.old_table;
  m.old_rel.exists = true;
  m.old_rel.columns = std::move(columns);
  m.new_rel = m.old_rel;
  return m;
}

inline Catalog seeds_catalog(config::Phase phase = config::Phase::kDualWrite) {
  const std::vector<ColumnInfo> users = {{"id", "integer", "int4", "", true},
                                         {"full_name", "text", "text", "", false},
                                         {"email", "text", "text", "", false},
                                         {"display_name", "text", "text", "", false}};
  const std::vector<ColumnInfo> accounts = {
      {"aid", "integer", "int4", "nextval('accounts_aid_seq'::regclass)", true},
      {"include", "character(1)", "bpchar", "", false},
      {"name", "text", "text", "'unnamed'::text", false},
      {"include_bool", "boolean", "bool", "", false},
      {"id", "integer", "int4", "", false}};
  Catalog c;
  c.volatility = builtin_volatility();
  c.migrations.push_back(column_migration("users-display-name", "users", {{"display_name", "full_name"}},
                                          {{"full_name", "display_name"}}, users, phase));
  c.migrations.push_back(column_migration("accounts-include-bool", "accounts",
                                          {{"include_bool", "CASE WHEN include = 'X' THEN true ELSE false END"}},
                                          {{"include", "CASE WHEN include_bool THEN 'X' ELSE '' END"}}, accounts, phase));
  c.migrations.push_back(column_migration("accounts-id", "accounts", {{"id", "aid"}}, {}, accounts, phase));
  return c;
}

}  // namespace switchyard::rewrite::testing
