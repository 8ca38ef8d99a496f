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
  m.old_rel = {m.spec.old_table, true, std::move(old_columns), {"id"}, {}, {}};
  m.new_rel = {m.spec.new_table, true, std::move(new_columns), {"id"}, {}, {}};
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

// Names that need quoting, across the five kinds (golden/quoted_names.txt; the integration
// tests create these tables from kQuotedSchema). Migration indexes:
//   0 order-items-created-at  "Order Items": rename_column createdAt -> created_at
//   1 order-items-order-no    "Order Items": change_column order (text) -> order"no (int)
//   2 order-items-total       "Order Items": add_column "Total Cents" = "qtyOrdered" * 100
//   3 user-plain-new          "user": rename_column src -> plainNew
//   4 legacy-invoices         rename_table "Legacy Invoices" -> "AppInvoices" (key "invoiceId")
//   5 old-accounts            copy_table "Old Accounts" -> "NewAccounts": "Display Name" from
//                             "firstName" and "lastName", "order" as is (key "accountId")
inline constexpr char kQuotedSchema[] = R"(
  CREATE TABLE "Order Items" (id int PRIMARY KEY, "createdAt" timestamptz, created_at timestamptz, "order" text,
                              "order""no" int, "qtyOrdered" int, "Total Cents" int);
  CREATE TABLE "user" (id int PRIMARY KEY, src text, "plainNew" text);
  CREATE TABLE "Legacy Invoices" ("invoiceId" int PRIMARY KEY, "amountDue" numeric(10,2), "order" text);
  CREATE TABLE "AppInvoices" ("invoiceId" int PRIMARY KEY, "amountDue" numeric(10,2), "order" text);
  CREATE TABLE "Old Accounts" ("accountId" int PRIMARY KEY, "firstName" text, "lastName" text, "order" text);
  CREATE TABLE "NewAccounts" ("accountId" int PRIMARY KEY, "Display Name" text, "order" text);
)";

inline Catalog quoted_catalog(config::Phase phase) {
  Catalog c;
  c.volatility = builtin_volatility();
  const std::vector<ColumnInfo> items = {{"id", "integer", "int4", "", true},
                                         {"createdAt", "timestamp with time zone", "timestamptz", "", false},
                                         {"created_at", "timestamp with time zone", "timestamptz", "", false},
                                         {"order", "text", "text", "", false},
                                         {"order\"no", "integer", "int4", "", false},
                                         {"qtyOrdered", "integer", "int4", "", false},
                                         {"Total Cents", "integer", "int4", "", false}};
  c.migrations.push_back(column_migration("order-items-created-at", "Order Items", {{"created_at", "\"createdAt\""}},
                                          {{"createdAt", "created_at"}}, items, phase));
  c.migrations.back().spec.kind = config::MigrationKind::kRenameColumn;
  c.migrations.push_back(column_migration("order-items-order-no", "Order Items", {{"order\"no", "\"order\"::int4"}},
                                          {{"order", "\"order\"\"no\"::text"}}, items, phase));
  c.migrations.back().spec.kind = config::MigrationKind::kChangeColumn;
  c.migrations.push_back(column_migration("order-items-total", "Order Items", {{"Total Cents", "\"qtyOrdered\" * 100"}}, {},
                                          items, phase));
  c.migrations.back().spec.kind = config::MigrationKind::kAddColumn;
  c.migrations.push_back(column_migration("user-plain-new", "user", {{"plainNew", "src"}}, {{"src", "\"plainNew\""}},
                                          {{"id", "integer", "int4", "", true},
                                           {"src", "text", "text", "", false},
                                           {"plainNew", "text", "text", "", false}},
                                          phase));
  for (auto& m : c.migrations) m.old_rel.primary_key = m.new_rel.primary_key = {"id"};
  const std::vector<ColumnInfo> invoices = {{"invoiceId", "integer", "int4", "", true},
                                            {"amountDue", "numeric(10,2)", "numeric", "", false},
                                            {"order", "text", "text", "", false}};
  auto rename = table_migration("legacy-invoices", config::MigrationKind::kRenameTable, "Legacy Invoices", "AppInvoices",
                                invoices, invoices, phase);
  rename.spec.all_columns = true;
  rename.spec.key = {"invoiceId"};
  rename.old_rel.primary_key = rename.new_rel.primary_key = {"invoiceId"};
  c.migrations.push_back(std::move(rename));
  auto copy = table_migration("old-accounts", config::MigrationKind::kCopyTable, "Old Accounts", "NewAccounts",
                              {{"accountId", "integer", "int4", "", true},
                               {"firstName", "text", "text", "", false},
                               {"lastName", "text", "text", "", false},
                               {"order", "text", "text", "", false}},
                              {{"accountId", "integer", "int4", "", true},
                               {"Display Name", "text", "text", "", false},
                               {"order", "text", "text", "", false}},
                              phase);
  copy.spec.key = {"accountId"};
  copy.old_rel.primary_key = copy.new_rel.primary_key = {"accountId"};
  copy.spec.up = {{"accountId", "\"accountId\""}, {"Display Name", "\"firstName\" || ' ' || \"lastName\""}, {"order", "\"order\""}};
  copy.spec.down = {{"firstName", "split_part(\"Display Name\", ' ', 1)"}, {"lastName", "split_part(\"Display Name\", ' ', 2)"}};
  c.migrations.push_back(std::move(copy));
  return c;
}

}  // namespace switchyard::rewrite::testing
