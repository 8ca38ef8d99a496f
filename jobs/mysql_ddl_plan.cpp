// Planning expand and contract DDL for MySQL; see mysql_ddl_plan.h.
#include "jobs/mysql_ddl_plan.h"

#include <algorithm>

#include "jobs/mysql_backfill_sql.h"
#include "jobs/sql_text.h"
#include "rewrite/migration_facts.h"
#include "rewrite/mysql/column_mapping.h"
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
  std::string check_exists(const config::TableName& t, const std::string& name, const std::string& test = "") const {
    const std::string schema = t.schema.empty() || t.schema == "public" ? "DATABASE()" : literal_(t.schema);
    return "SELECT EXISTS (SELECT 1 FROM information_schema.CHECK_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = " + schema +
           " AND TABLE_NAME = " + literal_(t.name) + " AND CONSTRAINT_NAME = " + literal_(name) + test + ")";
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

// A CHECK's condition as the MySQL parser reads it; nullopt (and a note) when it does not.
std::optional<rewrite::mysql::MappedExpr> read_check(const MysqlCheckFact& c, DdlPlan& plan) {
  std::string error;
  auto e = rewrite::mysql::MappedExpr::parse(c.clause, rewrite::mysql::LexicalSettings{}, error);
  const std::string note = "CHECK " + c.name + " (" + c.clause + ") is not read (" + error + "): see to it by hand";
  if (!e && std::find(plan.notes.begin(), plan.notes.end(), note) == plan.notes.end()) plan.notes.push_back(note);
  return e;
}

// Every CHECK over `from` but `to`'s own, with `from` replaced by `to`, ANDed (each one
// parenthesised); "" when there is none. Their names go to `names`.
std::string checks_renamed(const MysqlDdlFacts& f, const std::string& from, const std::string& to,
                           std::vector<std::string>& names, DdlPlan& plan) {
  const std::string old_folded = rewrite::mysql::fold(from), new_folded = rewrite::mysql::fold(to);
  std::string out;
  for (const auto& c : f.checks) {
    if (c.column_level && rewrite::mysql::fold(c.name) == new_folded) continue;
    const auto e = read_check(c, plan);
    if (!e || !e->reads().count(old_folded)) continue;
    out += (out.empty() ? "" : " AND ") + e->text([&](const std::string& col) -> std::optional<std::string> {
      if (col == old_folded) return quote_identifier(to);
      return std::nullopt;
    });
    names.push_back(c.name);
  }
  return out;
}

// The CHECK of column `col` itself, if it has one.
const MysqlCheckFact* column_check(const MysqlDdlFacts& f, const std::string& col) {
  for (const auto& c : f.checks)
    if (c.column_level && rewrite::mysql::fold(c.name) == rewrite::mysql::fold(col)) return &c;
  return nullptr;
}

// How MariaDB prints the guard expand puts before a renamed column's CHECK (see the header).
std::string guard_prefix(const std::string& col) { return quote_identifier(col) + " is null or "; }

std::string join(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : ", ") + s;
  return out;
}

void expand_columns(const MysqlDdlFacts& f, const Lookups& q, DdlPlan& plan) {
  const auto& m = f.migration;
  const config::TableName& table = m.spec.old_table;
  const std::string t = mysql_table(table);
  const std::string from = replaced_column(m.spec);
  std::string guarded_check;  // the new column's CHECK, for a rename (see the header)
  if (m.spec.kind == MigrationKind::kRenameColumn) {
    const std::string& to = m.spec.up.front().column;
    std::vector<std::string> names;
    const std::string exact = checks_renamed(f, from, to, names, plan);
    if (!exact.empty()) {
      guarded_check = " CHECK (" + quote_identifier(to) + " IS NULL OR (" + exact + "))";
      plan.notes.push_back("CHECK " + join(names) + " over " + from + " now holds for " + to + " too, as " + to +
                           "'s own CHECK, but not yet where " + to +
                           " is NULL (rows the backfill has not reached): contract makes it exact");
    }
  }
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
    plan.steps.push_back(online_alter(t, "ADD COLUMN " + quote_identifier(up.column) + " " + def + " NULL" + guarded_check,
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
  const bool rename = m.spec.kind == MigrationKind::kRenameColumn;
  // The replaced column's NOT NULL and, for a rename, its default, ON UPDATE and exact CHECK,
  // given to the new column in one MODIFY (which needs the whole definition, its CHECK too:
  // a MODIFY without one drops the column's own).
  if (old_col) {
    for (const auto& up : m.spec.up) {
      const auto* nc = f.column(up.column);
      if (!nc) continue;
      const bool not_null = !old_col->nullable;
      const auto& def_source = rename ? *old_col : *nc;
      const bool has_default = def_source.default_sql && *def_source.default_sql != "NULL";
      std::vector<std::string> names;
      const std::string exact = rename ? checks_renamed(f, from, up.column, names, plan) : "";
      const MysqlCheckFact* own = column_check(f, up.column);
      const std::string guard = guard_prefix(up.column);
      const bool guarded = own && own->clause.compare(0, guard.size(), guard) == 0;
      const bool check_pending = !exact.empty() && (!own || guarded);
      if ((not_null && nc->nullable) || (rename && has_default && nc->default_sql != old_col->default_sql) || check_pending) {
        std::string test = not_null ? " AND IS_NULLABLE = 'NO'" : "";
        if (rename && has_default) test += " AND COLUMN_DEFAULT = " + q.literal(*old_col->default_sql);
        std::string done = q.column_test(table, up.column, test);
        std::string check;
        if (check_pending) {
          // The rows first: a MODIFY in place does not read them.
          plan.steps.emplace_back("SIGNAL SQLSTATE '23000' SET MESSAGE_TEXT = " +
                                      q.literal(("rows of " + table.name + " break CHECK " + join(names) + " over " +
                                                 up.column).substr(0, 128)),
                                  "SELECT NOT EXISTS (SELECT 1 FROM " + t + " WHERE NOT (" + exact + "))");
          check = " CHECK (" + exact + ")";
          done = "SELECT (" + done + ") AND NOT (" +
                 q.check_exists(table, up.column, " AND CHECK_CLAUSE LIKE " + q.literal(guard + "%")) + ")";
        } else if (own) {
          check = " CHECK (" + own->clause + ")";  // exact already, or the operator's: kept as it is
        }
        plan.steps.push_back(online_alter(t, "MODIFY COLUMN " + quote_identifier(up.column) + " " +
                                                 mysql_column_definition(def_source, true) +
                                                 (not_null ? " NOT NULL" : " NULL") + check,
                                          done));
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
  const auto dropped = [&](const std::vector<std::string>& cols) {
    return std::any_of(drop.begin(), drop.end(), [&](const std::string& d) {
      return std::any_of(cols.begin(), cols.end(),
                         [&](const std::string& c) { return rewrite::mysql::fold(c) == rewrite::mysql::fold(d); });
    });
  };
  // The foreign keys over the old columns first: MariaDB refuses to drop a column or an index
  // one needs (expand copied those over a renamed column to the new one).
  for (const auto& fk : f.foreign_keys)
    if (dropped(fk.columns))
      plan.steps.push_back(online_alter(t, "DROP FOREIGN KEY " + quote_identifier(fk.name),
                                        q.negated(q.foreign_key_exists(table, fk.name))));
  // The table CHECKs that read an old column (DROP COLUMN fails on one); a dropped column's own
  // CHECK goes with it. A rename's live on in the new column's own CHECK.
  for (const auto& c : f.checks) {
    if (c.column_level && dropped({c.name})) continue;
    const auto e = read_check(c, plan);
    if (!e) continue;
    std::vector<std::string> reads;
    for (const auto& d : drop)
      if (e->reads().count(rewrite::mysql::fold(d))) reads.push_back(d);
    if (reads.empty()) continue;
    if (c.column_level) {
      plan.notes.push_back("column " + c.name + "'s CHECK (" + c.clause + ") reads " + join(reads) +
                           ": DROP COLUMN fails on it; MODIFY " + c.name + " without it by hand first");
      continue;
    }
    if (!rename)
      plan.notes.push_back("CHECK " + c.name + " (" + c.clause + ") reads " + join(reads) + " and is dropped with it; a " +
                           std::string(config::to_string(m.spec.kind)) +
                           " does not derive it over the new column: add one by hand if it should hold there");
    plan.steps.push_back(online_alter(t, "DROP CONSTRAINT " + quote_identifier(c.name), q.negated(q.check_exists(table, c.name))));
  }
  // Then the old columns' indexes (no rebuild; expand rebuilt the plain ones over the new
  // columns): a DROP COLUMN that must also change an index rebuilds the table, one that need not
  // is INSTANT.
  for (const auto& idx : f.indexes)
    if (!idx.primary && dropped(idx.columns))
      plan.steps.push_back(online_alter(t, "DROP INDEX " + quote_identifier(idx.name),
                                        q.negated(q.index_exists(table, idx.name))));
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
