// Planning expand and contract DDL for MySQL; see mysql_ddl_plan.h.
#include "jobs/mysql_ddl_plan.h"

#include <algorithm>

#include "jobs/mysql_backfill_sql.h"
#include "jobs/sql_text.h"
#include "rewrite/migration_facts.h"
#include "rewrite/mysql/sql_text.h"

namespace switchyard::jobs {
namespace {

using config::MigrationKind;
using rewrite::mysql::quote_identifier;

// information_schema lookups: the database of `t` (public: the connection's) and its name.
class Lookups {
 public:
  explicit Lookups(const MysqlLiteral& literal) : literal_(literal) {}

  std::string where_table(const config::TableName& t) const {
    const std::string schema = t.schema.empty() || t.schema == "public" ? "DATABASE()" : literal_(t.schema);
    return "TABLE_SCHEMA = " + schema + " AND TABLE_NAME = " + literal_(t.name);
  }
  std::string table_exists(const config::TableName& t) const {
    return "SELECT EXISTS (SELECT 1 FROM information_schema.TABLES WHERE " + where_table(t) + ")";
  }
  std::string column_test(const config::TableName& t, const std::string& col, const std::string& test) const {
    return "SELECT EXISTS (SELECT 1 FROM information_schema.COLUMNS WHERE " + where_table(t) +
           " AND COLUMN_NAME = " + literal_(col) + test + ")";
  }
  std::string index_exists(const config::TableName& t, const std::string& name) const {
    return "SELECT EXISTS (SELECT 1 FROM information_schema.STATISTICS WHERE " + where_table(t) +
           " AND INDEX_NAME = " + literal_(name) + ")";
  }
  std::string foreign_key_exists(const config::TableName& t, const std::string& name) const {
    return "SELECT EXISTS (SELECT 1 FROM information_schema.TABLE_CONSTRAINTS WHERE " + where_table(t) +
           " AND CONSTRAINT_TYPE = 'FOREIGN KEY' AND CONSTRAINT_NAME = " + literal_(name) + ")";
  }
  std::string negated(const std::string& query) const { return "SELECT NOT (" + query + ")"; }
  std::string literal(const std::string& text) const { return literal_(text); }

 private:
  const MysqlLiteral& literal_;
};

// An ALTER TABLE in its online forms: INSTANT, else INPLACE without locking writers.
DdlStep online_alter(const std::string& table, const std::string& change, std::string done_if) {
  DdlStep step("ALTER TABLE " + table + " " + change + ", ALGORITHM=INSTANT", std::move(done_if));
  step.fallbacks = {"ALTER TABLE " + table + " " + change + ", ALGORITHM=INPLACE, LOCK=NONE"};
  step.by_hand = "ALTER TABLE " + table + " " + change;
  return step;
}

// `fk`'s copy on `table` over `cols`, named `name`: added in place with checks off, then the
// rows it did not check are checked (mysql_ddl_plan.h).
void add_foreign_key(const Lookups& q, const config::TableName& table, const std::string& name,
                     const std::vector<std::string>& cols, const MysqlForeignKeyFact& fk, DdlPlan& plan) {
  const std::string t = mysql_table(table), parent = mysql_table(fk.references);
  // information_schema says RESTRICT for a rule left unsaid (and NO ACTION for one said
  // RESTRICT; InnoDB treats the two alike): an unsaid rule is copied unsaid.
  const auto rule = [](const char* on, const std::string& r) { return r == "RESTRICT" ? "" : std::string(on) + r; };
  const std::string add = "ADD CONSTRAINT " + quote_identifier(name) + " FOREIGN KEY (" + mysql_columns(cols) +
                          ") REFERENCES " + parent + " (" + mysql_columns(fk.referenced_columns) + ")" +
                          rule(" ON DELETE ", fk.delete_rule) + rule(" ON UPDATE ", fk.update_rule);
  DdlStep step("SET STATEMENT foreign_key_checks=0 FOR ALTER TABLE " + t + " " + add + ", ALGORITHM=INPLACE, LOCK=NONE",
               q.foreign_key_exists(table, name));
  step.by_hand = "ALTER TABLE " + t + " " + add;
  plan.steps.push_back(std::move(step));
  std::string filled, matched;
  for (size_t i = 0; i < cols.size(); ++i) {
    filled += (i ? " AND c." : "c.") + quote_identifier(cols[i]) + " IS NOT NULL";
    matched += std::string(i ? " AND " : "") + "p." + quote_identifier(fk.referenced_columns[i]) + " = c." +
               quote_identifier(cols[i]);
  }
  const std::string no_orphans = "SELECT NOT EXISTS (SELECT 1 FROM " + t + " AS c WHERE " + filled +
                                 " AND NOT EXISTS (SELECT 1 FROM " + parent + " AS p WHERE " + matched + "))";
  // MESSAGE_TEXT holds at most 128 characters.
  plan.steps.emplace_back("SIGNAL SQLSTATE '23000' SET MESSAGE_TEXT = " +
                              q.literal(("rows of " + table.name + " break foreign key " + name).substr(0, 128)),
                          no_orphans);
}

void expand_columns(const MysqlDdlFacts& f, const Lookups& q, DdlPlan& plan) {
  const auto& m = f.migration;
  const config::TableName& table = m.spec.old_table;
  const std::string t = mysql_table(table);
  const std::string from = replaced_column(m.spec);
  for (const auto& up : m.spec.up) {
    std::string def;
    if (m.spec.kind == MigrationKind::kRenameColumn) {
      // No default yet: a row the backfill has not reached stays NULL (verify counts it
      // missing, and contract's NOT NULL fails on it); contract gives the default.
      if (const auto* old = f.column(from)) def = mysql_column_definition(*old, false);
    } else if (auto it = f.new_types.find(up.column); it != f.new_types.end()) {
      def = it->second;
    }
    if (def.empty() && !f.column(up.column)) {
      plan.error = no_type_error(up.column);
      return;
    }
    if (def.empty()) continue;  // it exists already; its type is what it is
    plan.steps.push_back(online_alter(t, "ADD COLUMN " + quote_identifier(up.column) + " " + def + " NULL",
                                      q.column_test(table, up.column, "")));
  }
  if (m.spec.kind != MigrationKind::kRenameColumn) {
    plan.notes.push_back("indexes and constraints on the new column are not derived for a " +
                         std::string(config::to_string(m.spec.kind)) + ": create them before read_new");
    return;
  }
  const std::string& to = m.spec.up.front().column;
  for (const auto& idx : f.indexes) {
    if (std::find(idx.columns.begin(), idx.columns.end(), from) == idx.columns.end()) continue;
    if (idx.primary || !idx.plain) {
      plan.notes.push_back("index " + idx.name + " on " + from + " is not copied (" +
                           (idx.primary ? "the primary key" : "a prefix, an expression or a " + idx.method + " index") +
                           "): copy it by hand");
      continue;
    }
    const std::string name = renamed_object(idx.name, from, to);
    const std::string add = "ADD " + std::string(idx.unique ? "UNIQUE " : "") + "INDEX " + quote_identifier(name) + " (" +
                            mysql_columns(replace_column(idx.columns, from, to)) + ")" +
                            (idx.method == "HASH" ? " USING HASH" : "");
    DdlStep step("ALTER TABLE " + t + " " + add + ", ALGORITHM=INPLACE, LOCK=NONE", q.index_exists(table, name));
    step.by_hand = "ALTER TABLE " + t + " " + add;
    plan.steps.push_back(std::move(step));
  }
  for (const auto& fk : f.foreign_keys) {
    if (std::find(fk.columns.begin(), fk.columns.end(), from) == fk.columns.end()) continue;
    add_foreign_key(q, table, renamed_object(fk.name, from, to), replace_column(fk.columns, from, to), fk, plan);
  }
  plan.notes.push_back("CHECK constraints over " + from +
                       " are not copied under protocol: mysql: add them by hand before read_new if it has any");
}

void expand_tables(const MysqlDdlFacts& f, const Lookups& q, DdlPlan& plan) {
  const auto& m = f.migration;
  const std::string old_t = mysql_table(m.spec.old_table), new_t = mysql_table(m.spec.new_table);
  if (m.spec.kind == MigrationKind::kRenameTable) {
    plan.steps.emplace_back("CREATE TABLE " + new_t + " LIKE " + old_t, q.table_exists(m.spec.new_table));
    for (const auto& fk : f.foreign_keys) {
      if (rewrite::mysql::fold(fk.references.name) == rewrite::mysql::fold(m.spec.old_table.name) &&
          rewrite::mysql::fold(fk.references.schema) == rewrite::mysql::fold(m.spec.old_table.schema)) {
        plan.notes.push_back("foreign key " + fk.name + " references " + m.spec.old_table.to_string() +
                             " itself: not copied (the backfill's order would break it); add it to " +
                             m.spec.new_table.to_string() + " by hand after the backfill");
        continue;
      }
      add_foreign_key(q, m.spec.new_table, renamed_object(fk.name, m.spec.old_table.name, m.spec.new_table.name),
                      fk.columns, fk, plan);
    }
    plan.notes.push_back("foreign keys of other tables that reference " + m.spec.old_table.to_string() +
                         " are not moved: point them at " + m.spec.new_table.to_string() + " by hand before contract");
    return;
  }
  const auto key = rewrite::row_key(m).columns;  // the one rule (rewrite/migration_facts.h)
  std::vector<std::string> defs;
  auto define = [&](const std::string& name) -> bool {
    const auto source = f.copied_from.find(name);
    const MysqlColumnFact* old = source == f.copied_from.end() ? nullptr : f.column(source->second);
    std::string def;
    if (auto it = f.new_types.find(name); it != f.new_types.end()) def = it->second;
    else if (old) def = mysql_column_definition(*old, false);
    if (def.empty()) {
      plan.error = no_type_error(name);
      return false;
    }
    const bool is_key = std::find(key.begin(), key.end(), name) != key.end();
    const bool not_null = is_key || (old && !old->nullable);
    defs.push_back(quote_identifier(name) + " " + def + (not_null ? " NOT NULL" : " NULL"));
    return true;
  };
  for (const auto& k : key)
    if (!define(k)) return;
  for (const auto& up : m.spec.up)
    if (std::find(key.begin(), key.end(), up.column) == key.end() && !define(up.column)) return;
  std::string body;
  for (const auto& d : defs) body += "  " + d + ",\n";
  plan.steps.emplace_back("CREATE TABLE " + new_t + " (\n" + body + "  PRIMARY KEY (" + mysql_columns(key) + "))",
                          q.table_exists(m.spec.new_table));
  plan.notes.push_back("other indexes, foreign keys and defaults of " + m.spec.new_table.to_string() +
                       " are not derived from a copy_table: add them (ALGORITHM=INPLACE, LOCK=NONE) before read_new");
}

void contract_columns(const MysqlDdlFacts& f, bool backup, const Lookups& q, DdlPlan& plan) {
  const auto& m = f.migration;
  const config::TableName& table = m.spec.old_table;
  const std::string t = mysql_table(table);
  const std::string from = replaced_column(m.spec);
  const auto* old_col = from.empty() ? nullptr : f.column(from);
  // The replaced column's NOT NULL and, for a rename, its default and ON UPDATE, given to the new
  // column in one MODIFY (which needs the whole definition).
  if (old_col) {
    const bool rename = m.spec.kind == MigrationKind::kRenameColumn;
    for (const auto& up : m.spec.up) {
      const auto* nc = f.column(up.column);
      if (!nc) continue;
      const bool not_null = !old_col->nullable;
      const auto& def_source = rename ? *old_col : *nc;
      const bool has_default = def_source.default_sql && *def_source.default_sql != "NULL";
      if ((not_null && nc->nullable) || (rename && has_default && nc->default_sql != old_col->default_sql)) {
        std::string test = not_null ? " AND IS_NULLABLE = 'NO'" : "";
        if (rename && has_default) test += " AND COLUMN_DEFAULT = " + q.literal(*old_col->default_sql);
        plan.steps.push_back(online_alter(t, "MODIFY COLUMN " + quote_identifier(up.column) + " " +
                                                 mysql_column_definition(def_source, true) + (not_null ? " NOT NULL" : " NULL"),
                                          q.column_test(table, up.column, test)));
      }
    }
  }
  std::vector<std::string> drop;
  if (!columns_to_drop(m, [&](const std::string& name) { return f.column(name) != nullptr; }, drop, plan)) return;
  if (backup) {
    const auto key = rewrite::row_key(m).columns;
    plan.steps.emplace_back("CREATE DATABASE IF NOT EXISTS `switchyard`");
    // Under REPEATABLE READ InnoDB share-locks every row CREATE ... SELECT reads, holding up the
    // writers for the whole copy; READ COMMITTED reads a snapshot instead.
    plan.steps.emplace_back("SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED");
    plan.steps.emplace_back("CREATE TABLE IF NOT EXISTS " + mysql_backup_table(m.spec.name) + " AS SELECT " +
                            mysql_columns(key) + ", " + mysql_columns(drop) + " FROM " + t);
  }
  // The foreign keys over the old columns first: MariaDB refuses to drop a column or an index
  // one needs (expand copied those over a renamed column to the new one).
  for (const auto& fk : f.foreign_keys) {
    const bool over_old = std::any_of(drop.begin(), drop.end(), [&](const std::string& c) {
      return std::find(fk.columns.begin(), fk.columns.end(), c) != fk.columns.end();
    });
    if (over_old)
      plan.steps.push_back(online_alter(t, "DROP FOREIGN KEY " + quote_identifier(fk.name),
                                        q.negated(q.foreign_key_exists(table, fk.name))));
  }
  // Then the old columns' indexes (no rebuild; expand rebuilt the plain ones over the new
  // columns): a DROP COLUMN that must also change an index rebuilds the table, one that need not
  // is INSTANT.
  for (const auto& idx : f.indexes) {
    if (idx.primary) continue;
    const bool over_old = std::any_of(drop.begin(), drop.end(), [&](const std::string& c) {
      return std::find(idx.columns.begin(), idx.columns.end(), c) != idx.columns.end();
    });
    if (over_old)
      plan.steps.push_back(online_alter(t, "DROP INDEX " + quote_identifier(idx.name),
                                        q.negated(q.index_exists(table, idx.name))));
  }
  for (const auto& c : drop)
    plan.steps.push_back(online_alter(t, "DROP COLUMN " + quote_identifier(c), q.negated(q.column_test(table, c, ""))));
}

void contract_tables(const MysqlDdlFacts& f, bool backup, const Lookups& q, DdlPlan& plan) {
  const auto& m = f.migration;
  if (!m.old_rel.exists) {
    plan.notes.push_back("table " + m.spec.old_table.to_string() + " is already gone");
    return;
  }
  const std::string old_t = mysql_table(m.spec.old_table);
  const std::string gone = q.negated(q.table_exists(m.spec.old_table));
  if (!backup) {
    plan.steps.emplace_back("DROP TABLE " + old_t, gone);
    return;
  }
  plan.steps.emplace_back("CREATE DATABASE IF NOT EXISTS `switchyard`");
  plan.steps.emplace_back("RENAME TABLE " + old_t + " TO " + mysql_backup_table(m.spec.name), gone);
}

}  // namespace

const MysqlColumnFact* MysqlDdlFacts::column(const std::string& name) const {
  const std::string folded = rewrite::mysql::fold(name);
  for (const auto& c : columns)
    if (rewrite::mysql::fold(c.name) == folded) return &c;
  return nullptr;
}

std::string mysql_column_definition(const MysqlColumnFact& c, bool with_default) {
  std::string out = c.type;
  if (!c.charset.empty()) out += " CHARACTER SET " + c.charset;
  if (!c.collation.empty()) out += " COLLATE " + c.collation;
  if (!with_default) return out;
  if (c.default_sql && *c.default_sql != "NULL") out += " DEFAULT " + *c.default_sql;
  std::string extra = c.extra;
  std::transform(extra.begin(), extra.end(), extra.begin(), [](unsigned char ch) { return std::tolower(ch); });
  if (const auto at = extra.find("on update "); at != std::string::npos) out += " ON UPDATE " + c.extra.substr(at + 10);
  return out;
}

int mysql_lock_wait_seconds(int lock_timeout_ms) { return std::max(1, (lock_timeout_ms + 999) / 1000); }

std::string mysql_session_setup(int lock_timeout_ms) {
  return "SET SESSION lock_wait_timeout = " + std::to_string(mysql_lock_wait_seconds(lock_timeout_ms)) +
         ", SESSION sql_mode = TRIM(BOTH ',' FROM CONCAT(@@SESSION.sql_mode, ',STRICT_ALL_TABLES'))";
}

std::string mysql_backup_table(const std::string& migration) {
  return "`switchyard`." + quote_identifier(fit_identifier(migration + "_backup"));
}

DdlPlan plan_mysql_expand(const MysqlDdlFacts& facts, const MysqlLiteral& literal) {
  DdlPlan plan;
  if (!facts.migration.old_rel.exists) {
    plan.error = "table " + facts.migration.spec.old_table.to_string() + " does not exist";
    return plan;
  }
  const Lookups q(literal);
  if (is_column_kind(facts.migration.spec.kind)) expand_columns(facts, q, plan);
  else expand_tables(facts, q, plan);
  return plan;
}

DdlPlan plan_mysql_contract(const MysqlDdlFacts& facts, bool backup, const MysqlLiteral& literal) {
  DdlPlan plan;
  plan.error = contract_phase_problem(facts.migration.spec);
  if (!plan.error.empty()) return plan;
  const Lookups q(literal);
  if (is_column_kind(facts.migration.spec.kind)) contract_columns(facts, backup, q, plan);
  else contract_tables(facts, backup, q, plan);
  return plan;
}

}  // namespace switchyard::jobs
