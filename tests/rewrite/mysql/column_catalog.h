// The schema and column migrations the MySQL rewriter's tests use (unit tests and the MariaDB
// oracle, tests/integration/mariadb_column_rewrite_test.cpp):
//   users:    rename_column full_name -> display_name
//   accounts: change_column include CHAR(1) 'X'/'' -> include_bool BOOLEAN
//   ledger:   add_column id from aid (AUTO_INCREMENT), which an INSERT cannot mirror
//   items:    add_column price_cents from ROUND(price * 100), down price := price_cents / 100 as DECIMAL(10,2)
// each in one phase, as the test asks. `dropped`: in new_only, the old columns are gone.
#pragma once

#include "rewrite/catalog.h"

namespace switchyard::rewrite::mysql::testing {

inline ColumnInfo column(std::string name, std::string type, std::string default_expr = "", bool auto_increment = false) {
  ColumnInfo c;
  c.name = std::move(name);
  c.type = std::move(type);
  c.base_type = c.type;
  c.default_expr = std::move(default_expr);
  c.auto_increment = auto_increment;
  return c;
}

inline ResolvedMigration column_migration(std::string name, config::MigrationKind kind, std::string table,
                                          std::vector<config::ColumnMap> up, std::vector<config::ColumnMap> down,
                                          std::vector<ColumnInfo> columns, config::Phase phase) {
  ResolvedMigration m;
  m.spec.name = std::move(name);
  m.spec.kind = kind;
  m.spec.old_table.schema = "app";
  m.spec.old_table.name = std::move(table);
  m.spec.new_table = m.spec.old_table;
  m.spec.up = std::move(up);
  m.spec.down = std::move(down);
  m.spec.phase = phase;
  m.old_rel.name = m.spec.old_table;
  m.old_rel.exists = true;
  m.old_rel.columns = std::move(columns);
  m.old_rel.primary_key = {m.old_rel.columns.front().name};
  m.new_rel = m.old_rel;
  return m;
}

// `dropped`: mark the old columns dropped (new_only after contract).
inline Catalog column_catalog(config::Phase phase, bool dropped = false) {
  using config::MigrationKind;
  Catalog c;
  std::vector<ColumnInfo> users{column("id", "int(11)"), column("full_name", "varchar(100)", "NULL"),
                                column("email", "varchar(100)", "NULL"), column("display_name", "varchar(100)", "NULL")};
  std::vector<ColumnInfo> accounts{column("aid", "int(11)"), column("include", "char(1)", "''"),
                                   column("name", "varchar(40)", "NULL"), column("include_bool", "tinyint(1)", "NULL")};
  std::vector<ColumnInfo> ledger{column("aid", "int(11)", "", true), column("amount", "int(11)", "NULL"),
                                 column("id", "int(11)", "NULL")};
  std::vector<ColumnInfo> items{column("sku", "int(11)"), column("price", "decimal(10,2)", "NULL"),
                                column("note", "varchar(40)", "NULL"), column("price_cents", "int(11)", "NULL")};
  if (dropped) {
    users[1].dropped = true;
    accounts[1].dropped = true;
    items[1].dropped = true;
  }
  c.migrations.push_back(column_migration("users_display_name", MigrationKind::kRenameColumn, "users",
                                          {{"display_name", "\"full_name\""}}, {{"full_name", "\"display_name\""}}, users, phase));
  c.migrations.push_back(column_migration("accounts_include_bool", MigrationKind::kChangeColumn, "accounts",
                                          {{"include_bool", "CASE WHEN include = 'X' THEN 1 ELSE 0 END"}},
                                          {{"include", "CASE WHEN include_bool THEN 'X' ELSE '' END"}}, accounts, phase));
  c.migrations.push_back(column_migration("ledger_id", MigrationKind::kAddColumn, "ledger", {{"id", "aid"}}, {}, ledger, phase));
  c.migrations.push_back(column_migration("items_price_cents", MigrationKind::kAddColumn, "items",
                                          {{"price_cents", "ROUND(price * 100)"}}, {{"price", "CAST(price_cents / 100 AS DECIMAL(10,2))"}}, items, phase));
  return c;
}

}  // namespace switchyard::rewrite::mysql::testing
