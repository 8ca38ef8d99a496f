// Planning expand and contract DDL; see ddl_plan.h.
#include "jobs/ddl_plan.h"

#include <algorithm>

#include "jobs/sql_text.h"
#include "rewrite/migration_facts.h"
#include "rewrite/pg/expression_text.h"

namespace switchyard::jobs {
namespace {

using config::MigrationKind;

std::string rel_literal(const config::TableName& t) { return quote_literal(qualified(t)); }

std::string table_exists(const config::TableName& t) { return "SELECT to_regclass(" + rel_literal(t) + ") IS NOT NULL"; }

std::string attribute_test(const config::TableName& t, const std::string& col, const std::string& test) {
  return "SELECT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass(" + rel_literal(t) +
         ") AND attname = " + quote_literal(col) + " AND NOT attisdropped" + test + ")";
}

std::string constraint_test(const config::TableName& t, const std::string& name, const std::string& test) {
  return "SELECT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = to_regclass(" + rel_literal(t) +
         ") AND conname = " + quote_literal(name) + test + ")";
}

std::string valid_index_exists(const std::string& schema, const std::string& name) {
  return "SELECT EXISTS (SELECT 1 FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_namespace n ON "
         "n.oid = c.relnamespace WHERE n.nspname = " + quote_literal(schema) + " AND c.relname = " + quote_literal(name) +
         " AND i.indisvalid)";
}

// The old column `expr` is, when it is a bare column reference (id, "createdAt"), else "".
std::string bare_column(const std::string& expr, const rewrite::RelationInfo& rel) {
  const auto name = rewrite::pg::bare_column(expr);
  return name && rel.column(*name) ? *name : "";
}

void add_foreign_key(DdlPlan& plan, const config::TableName& table, const std::string& name,
                     const std::vector<std::string>& cols, const ForeignKeyFact& fk) {
  const std::string t = qualified(table);
  plan.steps.push_back({"ALTER TABLE " + t + " ADD CONSTRAINT " + quote_ident(name) + " FOREIGN KEY (" + column_list(cols) +
                            ") REFERENCES " + fk.references + fk.actions + " NOT VALID",
                        constraint_test(table, name, ""), ""});
  plan.steps.push_back({"ALTER TABLE " + t + " VALIDATE CONSTRAINT " + quote_ident(name),
                        constraint_test(table, name, " AND convalidated"), ""});
}

// A CHECK over a renamed column, over the new one: its names during the migration and after
// it, and its condition with the old name replaced (ddl_plan.h).
struct RenamedCheck {
  std::string final_name, guarded_name, expr, options;
  bool validated = true;  // the old one was; one left NOT VALID stays so (its rows were never checked)
};

std::vector<RenamedCheck> renamed_checks(const DdlFacts& f, const std::string& from, const std::string& to, DdlPlan& plan) {
  std::vector<RenamedCheck> out;
  for (const auto& c : f.old_checks) {
    if (std::find(c.columns.begin(), c.columns.end(), from) == c.columns.end()) continue;
    auto expr = rewrite::pg::with_column_renamed(c.expr, from, to);
    if (!expr) {
      plan.notes.push_back("CHECK " + c.name + " " + c.expr + " over " + from + " is not copied (" + expr.error().message +
                           "): add it over " + to + " by hand");
      continue;
    }
    const std::string final_name = renamed_object(c.name, from, to);
    out.push_back({final_name, fit_identifier(final_name + "_null_ok"), expr.value(), c.no_inherit ? " NO INHERIT" : "",
                   c.validated});
  }
  return out;
}

void expand_columns(const DdlFacts& f, DdlPlan& plan) {
  const auto& m = f.migration;
  const config::TableName& table = m.spec.old_table;
  const std::string from = replaced_column(m.spec);
  for (const auto& up : m.spec.up) {
    std::string type;
    if (m.spec.kind == MigrationKind::kRenameColumn) {
      if (const auto* old = m.old_rel.column(from)) type = old->type;
    } else if (auto it = f.new_types.find(up.column); it != f.new_types.end()) {
      type = it->second;
    }
    if (type.empty() && !m.old_rel.column(up.column)) {
      plan.error = no_type_error(up.column);
      return;
    }
    if (type.empty()) continue;  // it exists already; its type is what it is
    plan.steps.push_back({"ALTER TABLE " + qualified(table) + " ADD COLUMN IF NOT EXISTS " + quote_ident(up.column) + " " + type,
                          attribute_test(table, up.column, ""), ""});
  }
  if (m.spec.kind != MigrationKind::kRenameColumn) {
    plan.notes.push_back("indexes and constraints on the new column are not derived for a " +
                         std::string(config::to_string(m.spec.kind)) + ": create them before read_new");
    return;
  }
  const std::string to = m.spec.up.front().column;
  for (const auto& idx : f.old_indexes) {
    if (std::find(idx.columns.begin(), idx.columns.end(), from) == idx.columns.end()) continue;
    if (idx.primary || !idx.plain) {
      plan.notes.push_back("index " + idx.name + " on " + from + " is not copied (" +
                           (idx.primary ? "the primary key" : "expressions, a predicate or options") + "): copy it by hand");
      continue;
    }
    const std::string name = renamed_object(idx.name, from, to);
    const std::string qualified_index = quote_ident(table.schema) + "." + quote_ident(name);
    // An interrupted CREATE INDEX CONCURRENTLY leaves an invalid index that IF NOT EXISTS would
    // take for done: drop it first (a no-op when there is none).
    plan.steps.push_back({"DROP INDEX CONCURRENTLY IF EXISTS " + qualified_index, valid_index_exists(table.schema, name), ""});
    plan.steps.push_back({"CREATE " + std::string(idx.unique ? "UNIQUE " : "") + "INDEX CONCURRENTLY IF NOT EXISTS " +
                              quote_ident(name) + " ON " + qualified(table) + " USING " + idx.method + " (" +
                              column_list(replace_column(idx.columns, from, to)) + ")",
                          valid_index_exists(table.schema, name), qualified_index});
  }
  for (const auto& fk : f.old_foreign_keys) {
    if (std::find(fk.columns.begin(), fk.columns.end(), from) == fk.columns.end()) continue;
    add_foreign_key(plan, table, renamed_object(fk.name, from, to), replace_column(fk.columns, from, to), fk);
  }
  for (const auto& c : renamed_checks(f, from, to, plan)) {
    plan.steps.push_back({"ALTER TABLE " + qualified(table) + " ADD CONSTRAINT " + quote_ident(c.guarded_name) + " CHECK (" +
                              quote_ident(to) + " IS NULL OR (" + c.expr + "))" + c.options + " NOT VALID",
                          "SELECT (" + constraint_test(table, c.guarded_name, "") + ") OR (" +
                              constraint_test(table, c.final_name, "") + ")",
                          ""});
    plan.notes.push_back("CHECK " + c.final_name + " holds for " + to + " as " + c.guarded_name + ", but not yet where " +
                         to + " is NULL (rows the backfill has not reached): contract makes it exact");
  }
}

void expand_tables(const DdlFacts& f, DdlPlan& plan) {
  const auto& m = f.migration;
  const std::string old_t = qualified(m.spec.old_table), new_t = qualified(m.spec.new_table);
  if (m.spec.kind == MigrationKind::kRenameTable) {
    plan.steps.push_back({"CREATE TABLE IF NOT EXISTS " + new_t + " (LIKE " + old_t +
                              " INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING INDEXES INCLUDING STORAGE INCLUDING COMMENTS)",
                          table_exists(m.spec.new_table), ""});
    for (const auto& fk : f.old_foreign_keys) add_foreign_key(plan, m.spec.new_table, fk.name, fk.columns, fk);
    plan.notes.push_back("foreign keys of other tables that reference " + m.spec.old_table.to_string() + " are not moved");
    return;
  }
  const auto key = rewrite::row_key(m).columns;  // the one rule (rewrite/migration_facts.h)
  std::vector<std::string> defs;
  auto define = [&](const std::string& name, const std::string& expr) -> bool {
    const std::string source = bare_column(expr, m.old_rel);
    std::string type;
    if (auto it = f.new_types.find(name); it != f.new_types.end()) type = it->second;
    else if (!source.empty()) type = m.old_rel.column(source)->type;
    if (type.empty()) {
      plan.error = no_type_error(name);
      return false;
    }
    const bool is_key = std::find(key.begin(), key.end(), name) != key.end();
    const bool not_null = is_key || (!source.empty() && m.old_rel.column(source)->not_null);
    defs.push_back(quote_ident(name) + " " + type + (not_null ? " NOT NULL" : ""));
    return true;
  };
  for (const auto& k : key) {
    auto it = std::find_if(m.spec.up.begin(), m.spec.up.end(), [&](const config::ColumnMap& c) { return c.column == k; });
    if (!define(k, it == m.spec.up.end() ? quote_ident(k) : it->expr)) return;
  }
  for (const auto& up : m.spec.up)
    if (std::find(key.begin(), key.end(), up.column) == key.end() && !define(up.column, up.expr)) return;
  std::string body;
  for (const auto& d : defs) body += "  " + d + ",\n";
  plan.steps.push_back({"CREATE TABLE IF NOT EXISTS " + new_t + " (\n" + body + "  PRIMARY KEY (" + column_list(key) + "))",
                        table_exists(m.spec.new_table), ""});
  plan.notes.push_back("other indexes, foreign keys and defaults of " + m.spec.new_table.to_string() +
                       " are not derived from a copy_table: add them (CREATE INDEX CONCURRENTLY) before read_new");
}

void contract_columns(const DdlFacts& f, bool backup, DdlPlan& plan) {
  const auto& m = f.migration;
  const config::TableName& table = m.spec.old_table;
  const std::string t = qualified(table);
  const std::string from = replaced_column(m.spec);
  const auto* old_col = from.empty() ? nullptr : m.old_rel.column(from);
  if (old_col && old_col->not_null && !old_col->dropped) {
    for (const auto& up : m.spec.up) {
      const auto* nc = m.new_rel.column(up.column);
      if (!nc || nc->not_null) continue;
      const std::string check = fit_identifier(table.name + "_" + up.column + "_not_null");
      const std::string is_not_null = attribute_test(table, up.column, " AND attnotnull");
      plan.steps.push_back({"ALTER TABLE " + t + " ADD CONSTRAINT " + quote_ident(check) + " CHECK (" +
                                quote_ident(up.column) + " IS NOT NULL) NOT VALID",
                            "SELECT (" + is_not_null + ") OR (" + constraint_test(table, check, "") + ")", ""});
      plan.steps.push_back({"ALTER TABLE " + t + " VALIDATE CONSTRAINT " + quote_ident(check),
                            "SELECT (" + is_not_null + ") OR (" + constraint_test(table, check, " AND convalidated") + ")", ""});
      plan.steps.push_back({"ALTER TABLE " + t + " ALTER COLUMN " + quote_ident(up.column) + " SET NOT NULL", is_not_null, ""});
      plan.steps.push_back({"ALTER TABLE " + t + " DROP CONSTRAINT IF EXISTS " + quote_ident(check), "", ""});
    }
  }
  // A renamed column's CHECKs made exact (expand added them guarded for NULL): the exact one
  // added unchecked, validated without blocking writes, then the guarded one dropped.
  if (old_col && !old_col->dropped && m.spec.kind == MigrationKind::kRenameColumn) {
    for (const auto& c : renamed_checks(f, from, m.spec.up.front().column, plan)) {
      plan.steps.push_back({"ALTER TABLE " + t + " ADD CONSTRAINT " + quote_ident(c.final_name) + " CHECK (" + c.expr + ")" +
                                c.options + " NOT VALID",
                            constraint_test(table, c.final_name, ""), ""});
      if (c.validated)
        plan.steps.push_back({"ALTER TABLE " + t + " VALIDATE CONSTRAINT " + quote_ident(c.final_name),
                              constraint_test(table, c.final_name, " AND convalidated"), ""});
      else
        plan.notes.push_back("CHECK " + c.final_name + " is left NOT VALID, as the old column's was");
      plan.steps.push_back({"ALTER TABLE " + t + " DROP CONSTRAINT IF EXISTS " + quote_ident(c.guarded_name),
                            "SELECT NOT (" + constraint_test(table, c.guarded_name, "") + ")", ""});
    }
  }
  std::vector<std::string> drop;
  auto exists = [&](const std::string& name) {
    const auto* c = m.old_rel.column(name);
    return c && !c->dropped;
  };
  if (!columns_to_drop(m, exists, drop, plan)) return;
  if (backup) {
    const auto key = rewrite::row_key(m).columns;
    plan.steps.push_back({"CREATE SCHEMA IF NOT EXISTS switchyard", "", ""});
    plan.steps.push_back({"CREATE TABLE IF NOT EXISTS " + backup_table_name(m.spec.name) + " AS SELECT " +
                              column_list(key) + ", " + column_list(drop) + " FROM " + t, "", ""});
  }
  for (const auto& c : drop) plan.steps.push_back({"ALTER TABLE " + t + " DROP COLUMN IF EXISTS " + quote_ident(c), "", ""});
}

void contract_tables(const DdlFacts& f, bool backup, DdlPlan& plan) {
  const auto& m = f.migration;
  if (!m.old_rel.exists) {
    plan.notes.push_back("table " + m.spec.old_table.to_string() + " is already gone");
    return;
  }
  const std::string old_t = qualified(m.spec.old_table);
  for (const auto& s : f.owned_sequences)
    if (m.new_rel.column(s.column))
      plan.steps.push_back({"ALTER SEQUENCE " + s.sequence + " OWNED BY " + qualified(m.spec.new_table) + "." +
                                quote_ident(s.column), "", ""});
  if (!backup) {
    plan.steps.push_back({"DROP TABLE IF EXISTS " + old_t, "", ""});
    return;
  }
  const std::string name = fit_identifier(m.spec.name + "_backup");
  plan.steps.push_back({"CREATE SCHEMA IF NOT EXISTS switchyard", "", ""});
  plan.steps.push_back({"ALTER TABLE " + old_t + " RENAME TO " + quote_ident(name), "", ""});
  plan.steps.push_back({"ALTER TABLE " + quote_ident(m.spec.old_table.schema) + "." + quote_ident(name) +
                            " SET SCHEMA switchyard", "", ""});
}

}  // namespace

bool is_column_kind(MigrationKind k) { return k != MigrationKind::kRenameTable && k != MigrationKind::kCopyTable; }

std::string replaced_column(const config::Migration& m) {
  if (m.kind == MigrationKind::kRenameColumn || m.kind == MigrationKind::kChangeColumn) return m.down.front().column;
  return "";
}

std::string renamed_object(const std::string& name, const std::string& from, const std::string& to) {
  const auto at = name.find(from);
  return fit_identifier(at == std::string::npos ? name + "_" + to : name.substr(0, at) + to + name.substr(at + from.size()));
}

std::vector<std::string> replace_column(std::vector<std::string> cols, const std::string& from, const std::string& to) {
  for (auto& c : cols)
    if (c == from) c = to;
  return cols;
}

std::string contract_phase_problem(const config::Migration& m) {
  if (m.phase == config::Phase::kNewOnly) return "";
  return "contract is allowed only in phase new_only; the migration is in phase " + std::string(config::to_string(m.phase)) +
         " (move it to new_only first, and keep it there a while)";
}

bool columns_to_drop(const rewrite::ResolvedMigration& m, const std::function<bool(const std::string&)>& exists,
                     std::vector<std::string>& drop, DdlPlan& plan) {
  for (const auto& d : m.spec.down) {
    if (!exists(d.column)) continue;
    const auto& pk = m.old_rel.primary_key;
    if (std::find(pk.begin(), pk.end(), d.column) != pk.end()) {
      plan.error = "old column " + d.column + " is part of the primary key of " + m.spec.old_table.to_string() +
                   ": move the primary key first, then drop it by hand";
      return false;
    }
    drop.push_back(d.column);
  }
  if (drop.empty()) plan.notes.push_back("no old column left to drop");
  return !drop.empty();
}

std::string no_type_error(const std::string& column) {
  return "no type for new column " + column + ": pass --type " + column + "=TYPE";
}

std::string backup_table_name(const std::string& migration) {
  return "switchyard." + quote_ident(fit_identifier(migration + "_backup"));
}

DdlPlan plan_expand(const DdlFacts& facts) {
  DdlPlan plan;
  if (!facts.migration.old_rel.exists) {
    plan.error = "table " + facts.migration.spec.old_table.to_string() + " does not exist";
    return plan;
  }
  if (is_column_kind(facts.migration.spec.kind)) expand_columns(facts, plan);
  else expand_tables(facts, plan);
  return plan;
}

DdlPlan plan_contract(const DdlFacts& facts, bool backup) {
  DdlPlan plan;
  const auto& spec = facts.migration.spec;
  plan.error = contract_phase_problem(spec);
  if (!plan.error.empty()) return plan;
  if (is_column_kind(spec.kind)) contract_columns(facts, backup, plan);
  else contract_tables(facts, backup, plan);
  return plan;
}

}  // namespace switchyard::jobs
