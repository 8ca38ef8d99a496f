// Resolved migrations as proxy::load_schema would build them for the seeds' tables, so the pure
// SQL generators of jobs/ can be tested as text without a database.
#pragma once

#include "jobs/ddl_plan.h"
#include "rewrite/catalog.h"

namespace switchyard::jobs::fixtures {

inline rewrite::RelationInfo relation(const std::string& name, std::vector<rewrite::ColumnInfo> columns,
                                      std::vector<std::string> pk) {
  rewrite::RelationInfo r;
  r.name = {"public", name};
  r.exists = true;
  r.columns = std::move(columns);
  r.primary_key = std::move(pk);
  return r;
}

// users (id int PK, full_name text NOT NULL, display_name text): rename_column full_name -> display_name.
inline rewrite::ResolvedMigration users_display_name() {
  rewrite::ResolvedMigration m;
  m.spec.name = "users-display-name";
  m.spec.kind = config::MigrationKind::kRenameColumn;
  m.spec.old_table = m.spec.new_table = {"public", "users"};
  m.spec.up = {{"display_name", "full_name"}};
  m.spec.down = {{"full_name", "display_name"}};
  m.spec.phase = config::Phase::kDualWrite;
  m.old_rel = relation("users",
                       {{"id", "integer", "int4", "", true}, {"full_name", "text", "text", "", true},
                        {"display_name", "text", "text", "", false}},
                       {"id"});
  m.new_rel = m.old_rel;
  return m;
}

// accounts (aid serial PK, include char(1), include_bool boolean): change_column.
inline rewrite::ResolvedMigration accounts_include_bool() {
  rewrite::ResolvedMigration m;
  m.spec.name = "accounts-include-bool";
  m.spec.kind = config::MigrationKind::kChangeColumn;
  m.spec.old_table = m.spec.new_table = {"public", "accounts"};
  m.spec.up = {{"include_bool", "CASE WHEN include = 'X' THEN true ELSE false END"}};
  m.spec.down = {{"include", "CASE WHEN include_bool THEN 'X' ELSE '' END"}};
  m.spec.phase = config::Phase::kDualWrite;
  m.old_rel = relation("accounts",
                       {{"aid", "integer", "int4", "nextval('accounts_aid_seq'::regclass)", true},
                        {"include", "character(1)", "bpchar", "", false},
                        {"include_bool", "boolean", "bool", "", false}},
                       {"aid"});
  m.new_rel = m.old_rel;
  return m;
}

// legacy_accounts (id, name, user_id, accttype) -> account (id, name, user_id, type).
inline rewrite::ResolvedMigration account_split() {
  rewrite::ResolvedMigration m;
  m.spec.name = "account-split";
  m.spec.kind = config::MigrationKind::kCopyTable;
  m.spec.old_table = {"public", "legacy_accounts"};
  m.spec.new_table = {"public", "account"};
  m.spec.key = {"id"};
  m.spec.up = {{"id", "id"}, {"name", "name"}, {"user_id", "user_id"},
               {"type", "CASE accttype WHEN 'CHECKING' THEN 'ASSET' WHEN 'SAVINGS' THEN 'ASSET' WHEN 'CREDITLINE' THEN "
                        "'LIABILITY' END"}};
  m.spec.down = {{"accttype", "CASE type WHEN 'LIABILITY' THEN 'CREDITLINE' ELSE 'CHECKING' END"}};
  m.spec.phase = config::Phase::kDualWrite;
  m.old_rel = relation("legacy_accounts",
                       {{"id", "integer", "int4", "", true}, {"name", "character varying(191)", "varchar", "", true},
                        {"user_id", "integer", "int4", "", true}, {"accttype", "text", "text", "", false}},
                       {"id"});
  m.new_rel = relation("account",
                       {{"id", "integer", "int4", "", true}, {"name", "character varying(191)", "varchar", "", true},
                        {"user_id", "integer", "int4", "", true}, {"type", "text", "text", "", false}},
                       {"id"});
  return m;
}

// Names that need quoting (camelCase, a space, a keyword, a quote), as an ORM such as Prisma
// writes them. "Order Items" (id, "createdAt", created_at): rename_column createdAt -> created_at.
inline rewrite::ResolvedMigration order_items_created_at() {
  rewrite::ResolvedMigration m;
  m.spec.name = "order-items-created-at";
  m.spec.kind = config::MigrationKind::kRenameColumn;
  m.spec.old_table = m.spec.new_table = {"public", "Order Items"};
  m.spec.up = {{"created_at", "\"createdAt\""}};
  m.spec.down = {{"createdAt", "created_at"}};
  m.spec.phase = config::Phase::kDualWrite;
  m.old_rel = relation("Order Items",
                       {{"id", "integer", "int4", "", true},
                        {"createdAt", "timestamp with time zone", "timestamptz", "", true},
                        {"created_at", "timestamp with time zone", "timestamptz", "", false}},
                       {"id"});
  m.new_rel = m.old_rel;
  return m;
}

// "user" ("userId" PK, "order" text, "order""no" int): change_column order -> order"no.
inline rewrite::ResolvedMigration user_order_no() {
  rewrite::ResolvedMigration m;
  m.spec.name = "user-order-no";
  m.spec.kind = config::MigrationKind::kChangeColumn;
  m.spec.old_table = m.spec.new_table = {"public", "user"};
  m.spec.up = {{"order\"no", "\"order\"::int4"}};
  m.spec.down = {{"order", "\"order\"\"no\"::text"}};
  m.spec.phase = config::Phase::kDualWrite;
  m.old_rel = relation("user",
                       {{"userId", "integer", "int4", "", true}, {"order", "text", "text", "", false},
                        {"order\"no", "integer", "int4", "", false}},
                       {"userId"});
  m.new_rel = m.old_rel;
  return m;
}

// "Old Accounts" ("accountId", "firstName", "lastName", "order") copied into "NewAccounts"
// ("accountId", "Display Name", "order").
inline rewrite::ResolvedMigration old_accounts_copy() {
  rewrite::ResolvedMigration m;
  m.spec.name = "old-accounts";
  m.spec.kind = config::MigrationKind::kCopyTable;
  m.spec.old_table = {"public", "Old Accounts"};
  m.spec.new_table = {"public", "NewAccounts"};
  m.spec.key = {"accountId"};
  m.spec.up = {{"Display Name", "\"firstName\" || ' ' || \"lastName\""}};
  m.spec.down = {{"firstName", "split_part(\"Display Name\", ' ', 1)"}, {"lastName", "split_part(\"Display Name\", ' ', 2)"}};
  m.spec.phase = config::Phase::kDualWrite;
  m.old_rel = relation("Old Accounts",
                       {{"accountId", "integer", "int4", "", true}, {"firstName", "text", "text", "", false},
                        {"lastName", "text", "text", "", false}, {"order", "text", "text", "", false}},
                       {"accountId"});
  m.new_rel = relation("NewAccounts",
                       {{"accountId", "integer", "int4", "", true}, {"Display Name", "text", "text", "", false},
                        {"order", "text", "text", "", false}},
                       {"accountId"});
  return m;
}

// The SQL of a plan's steps, in order.
inline std::vector<std::string> sql_of(const DdlPlan& p) {
  std::vector<std::string> out;
  for (const auto& s : p.steps) out.push_back(s.sql);
  return out;
}

}  // namespace switchyard::jobs::fixtures
