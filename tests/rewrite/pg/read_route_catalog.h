// The seeds' catalog (catalog_fixture.h) plus the two table kinds, for the read-routing golden
// tests: inovices renamed to invoices (rename_table), and legacy_accounts copied into account
// with accttype becoming the enum `type` (copy_table). account also has created_at, which the
// old shape cannot produce. Migration indexes: 0 users-display-name, 1 accounts-include-bool,
// 2 accounts-id, 3 invoices-rename, 4 account-copy.
#pragma once

#include "tests/rewrite/pg/catalog_fixture.h"

namespace switchyard::rewrite::testing {

inline ResolvedMigration table_migration(std::string name, config::MigrationKind kind, std::string from, std::string to,
                                         std::vector<ColumnInfo> old_columns, std::vector<ColumnInfo> new_columns,
                                         config::Phase phase) {
  ResolvedMigration m;
  m.spec.name = std::move(name);
  m.spec.kind = kind;
  m.spec.old_table = {"public", std::move(from)};
  m.spec.new_table = {"public", std::move(to)};
  m.spec.phase = phase;
  m.spec.key = {"id"};
  m.old_rel = {m.spec.old_table, true, std::move(old_columns), {"id"}};
  m.new_rel = {m.spec.new_table, true, std::move(new_columns), {"id"}};
  return m;
}

inline Catalog read_route_catalog(config::Phase phase) {
  Catalog c = seeds_catalog(phase);
  const std::vector<ColumnInfo> invoices = {{"id", "integer", "int4", "", true},
                                            {"customer", "text", "text", "", false},
                                            {"amount", "numeric(12,2)", "numeric", "", false}};
  auto rename = table_migration("invoices-rename", config::MigrationKind::kRenameTable, "inovices", "invoices", invoices,
                                invoices, phase);
  rename.spec.all_columns = true;
  c.migrations.push_back(std::move(rename));
  auto copy = table_migration("account-copy", config::MigrationKind::kCopyTable, "legacy_accounts", "account",
                              {{"id", "integer", "int4", "", true},
                               {"name", "character varying(191)", "varchar", "", false},
                               {"user_id", "integer", "int4", "", false},
                               {"accttype", "text", "text", "", false}},
                              {{"id", "integer", "int4", "", true},
                               {"name", "character varying(191)", "varchar", "", false},
                               {"user_id", "integer", "int4", "", false},
                               {"type", "account_type", "account_type", "", false},
                               {"created_at", "timestamp with time zone", "timestamptz", "now()", false}},
                              phase);
  copy.spec.up = {{"type", "CASE accttype WHEN 'CHECKING' THEN 'ASSET' WHEN 'SAVINGS' THEN 'ASSET' "
                           "WHEN 'CREDITLINE' THEN 'LIABILITY' END"}};
  copy.spec.down = {{"accttype", "CASE type WHEN 'ASSET' THEN 'CHECKING' WHEN 'LIABILITY' THEN 'CREDITLINE' END"}};
  c.migrations.push_back(std::move(copy));
  return c;
}

}  // namespace switchyard::rewrite::testing
