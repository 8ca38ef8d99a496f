// What the rewriter knows about the live schema: each configured migration together with the
// columns of its old and new relations, as the proxy read them over its control connection
// (proxy/schema_loader.cpp). Plain data; the rewriter never does I/O.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "config/migration.h"
#include "rewrite/volatility.h"

namespace switchyard::rewrite {

struct ColumnInfo {
  std::string name;
  std::string type;          // format_type(), e.g. "character(1)", "timestamp with time zone"
  // The type without its modifier, by catalog name: "bpchar" for character(1), "numeric" for
  // numeric(12,2), "public.mood" for an enum. Casting to it never truncates or rounds. Built-in
  // types stay unqualified: libpg_query deparses pg_catalog.bpchar as `char`, which SQL reads
  // as character(1).
  std::string base_type;
  std::string default_expr;  // pg_get_expr() of the default; empty if none
  bool not_null = false;
  // In new_only, an old column that contract already dropped: known to the rewriter by name
  // (typed like its new column for a rename, untyped otherwise) so old-shaped writes can still be
  // translated, but absent from the table.
  bool dropped = false;
  bool generated = false;  // GENERATED ALWAYS AS (...) STORED: COPY without a column list skips it
  // MySQL: AUTO_INCREMENT. Its value is assigned after a row's other values, so an INSERT's
  // other expressions cannot read it (they see 0).
  bool auto_increment = false;
  // MySQL: its collation (and so maybe its character set) is not its table's default, so a
  // MODIFY that names none changes it (the DDL lint, rewrite/mysql/ddl_types.h).
  bool own_collation = false;
};

// A constraint ON CONFLICT ON CONSTRAINT may name: primary key, unique or exclusion.
struct ConstraintInfo {
  std::string name;
  char type = 'u';                   // pg_constraint.contype: 'p', 'u' or 'x'
  std::vector<std::string> columns;  // by name, sorted
};

struct RelationInfo {
  config::TableName name;
  bool exists = false;
  std::vector<ColumnInfo> columns;       // in attnum order, dropped columns left out
  std::vector<std::string> primary_key;  // in key order; empty if none
  // The tables whose TRUNCATE may also empty this one: those it references by a foreign key
  // (TRUNCATE ... CASCADE) and its inheritance or partition parents (TRUNCATE without ONLY),
  // transitively, this table left out. Loaded for the two-table kinds only.
  std::vector<config::TableName> truncated_with;
  std::vector<ConstraintInfo> constraints;  // by name

  const ColumnInfo* column(const std::string& n) const {
    for (const auto& c : columns)
      if (c.name == n) return &c;
    return nullptr;
  }
};

// Server-side code that writes a relation of a migration (proxy/routine_catalog.cpp finds it): a
// statement that runs it writes one shape only, behind the proxy's back.
struct ServerWriter {
  enum class Kind { kFunction, kProcedure, kTrigger, kRule, kView };
  Kind kind = Kind::kFunction;
  // kFunction, kProcedure: the routine's schema and name (overloads are one entry each).
  // kTrigger, kRule, kView: the table (or view) it belongs to; writing that runs it.
  config::TableName object;
  // For messages and /status: "function public.touch_user(integer)", "trigger audit on
  // public.orders", "rule orders_log on public.orders", "view public.active_users".
  std::string description;
  // What it writes, or the routine through which it does: "public.users", "function public.f(integer)".
  std::string via;
};
std::string_view to_string(ServerWriter::Kind k);

struct ResolvedMigration {
  config::Migration spec;
  RelationInfo old_rel;
  RelationInfo new_rel;  // the same as old_rel for the column kinds
  // Functions, procedures, triggers, rules and views that write old_rel or new_rel (loaded for
  // every phase but off; empty when the schema loader did not look).
  std::vector<ServerWriter> server_writers;
};

struct Catalog {
  std::vector<ResolvedMigration> migrations;
  // The server's functions, operators and casts, for may_be_volatile (rewrite/pg/expr.h).
  VolatilityCatalog volatility;
  // Unqualified names of every relation a migration touches, for the pre-filter.
  std::vector<std::string> relation_names() const {
    std::vector<std::string> out;
    for (const auto& m : migrations) {
      out.push_back(m.spec.old_table.name);
      out.push_back(m.spec.new_table.name);
    }
    return out;
  }
  // Unqualified names of the tables whose TRUNCATE may empty a relation of a two-table migration
  // (RelationInfo::truncated_with), for the pre-filter: `TRUNCATE customers CASCADE` names no
  // migrated table but may empty one.
  std::vector<std::string> truncate_names() const {
    std::vector<std::string> out;
    for (const auto& m : migrations)
      for (const auto* rel : {&m.old_rel, &m.new_rel})
        for (const auto& t : rel->truncated_with) out.push_back(t.name);
    return out;
  }
  // Unqualified names of the server writers' objects (the functions to call, the tables whose
  // triggers or rules write a migrated relation), for the pre-filter: `SELECT touch_user(1)`
  // names no migrated table but writes one.
  std::vector<std::string> server_writer_names() const {
    std::vector<std::string> out;
    for (const auto& m : migrations)
      for (const auto& w : m.server_writers) out.push_back(w.object.name);
    return out;
  }
};

}  // namespace switchyard::rewrite
