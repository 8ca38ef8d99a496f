// Live-schema checks for migrations over MariaDB Connector/C; see mysql_schema_loader.h.
#include "catalog/mysql_schema_loader.h"

#include <mysql.h>

#include <algorithm>
#include <memory>
#include <vector>

#include "catalog/column_checks.h"
#include "catalog/mysql_connection.h"
#include "catalog/mysql_server_writers.h"
#include "rewrite/migration_facts.h"
#include "rewrite/mysql/column_mapping.h"
#include "rewrite/mysql/sql_text.h"

namespace switchyard::catalog {
namespace {

using rewrite::mysql::quote_identifier;

using Row = MysqlRow;

constexpr unsigned kReadTimeoutSeconds = 30;

std::optional<std::vector<Row>> query(MYSQL* c, const std::string& sql, std::string& error) {
  MysqlResult r = mysql_exec(c, sql);
  if (!r.ok) {
    error = r.error;
    return std::nullopt;
  }
  return std::move(r.rows);
}

std::string literal(MYSQL* c, const std::string& s) { return mysql_literal(c, s); }

std::string text(const std::optional<std::string>& v) { return v.value_or(""); }

std::string join(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

bool has_word(std::string extra, const char* word) {
  std::transform(extra.begin(), extra.end(), extra.begin(), [](unsigned char ch) { return std::tolower(ch); });
  return extra.find(word) != std::string::npos;
}

// Columns, primary key and unique indexes of `db`.`name`; exists=false if there is no such table.
bool read_relation(MYSQL* c, const std::string& db, const config::TableName& name, rewrite::RelationInfo& out,
                   std::string& error) {
  out = {};
  out.name = name;
  const std::string where = " WHERE TABLE_SCHEMA = " + literal(c, db) + " AND TABLE_NAME = " + literal(c, name.name);
  auto cols = query(c,
                    "SELECT COLUMN_NAME, COLUMN_TYPE, COLUMN_DEFAULT, IS_NULLABLE, EXTRA, COLLATION_NAME <> (SELECT "
                    "t.TABLE_COLLATION FROM information_schema.TABLES t WHERE t.TABLE_SCHEMA = c.TABLE_SCHEMA AND "
                    "t.TABLE_NAME = c.TABLE_NAME) FROM information_schema.COLUMNS c" +
                        where + " ORDER BY ORDINAL_POSITION",
                    error);
  if (!cols) return false;
  for (const Row& r : *cols) {
    rewrite::ColumnInfo col;
    col.name = text(r[0]);
    col.type = col.base_type = text(r[1]);
    col.default_expr = text(r[2]);
    col.not_null = text(r[3]) == "NO";
    const std::string extra = text(r[4]);
    col.auto_increment = has_word(extra, "auto_increment");
    // MariaDB and MySQL spell a generated column VIRTUAL GENERATED or STORED GENERATED (MySQL's
    // DEFAULT_GENERATED is a default expression, not a generated column).
    col.generated = has_word(extra, "virtual generated") || has_word(extra, "stored generated");
    col.own_collation = text(r[5]) == "1";  // NULL (not a string column) is not
    out.columns.push_back(std::move(col));
  }
  out.exists = !out.columns.empty();
  if (!out.exists) return true;
  // Unique indexes, the primary key among them; an index with an expression part (COLUMN_NAME
  // NULL, MySQL 8) names no column set and is left out.
  auto keys = query(c,
                    "SELECT INDEX_NAME, COLUMN_NAME FROM information_schema.STATISTICS" + where +
                        " AND NON_UNIQUE = 0 ORDER BY INDEX_NAME, SEQ_IN_INDEX",
                    error);
  if (!keys) return false;
  std::vector<std::string> partial;
  for (const Row& r : *keys) {
    const std::string index = text(r[0]);
    if (out.constraints.empty() || out.constraints.back().name != index)
      out.constraints.push_back({index, index == "PRIMARY" ? 'p' : 'u', {}});
    if (!r[1]) partial.push_back(index);
    out.constraints.back().columns.push_back(text(r[1]));
    if (index == "PRIMARY") out.primary_key.push_back(text(r[1]));
  }
  std::erase_if(out.constraints, [&](const rewrite::ConstraintInfo& k) {
    return std::find(partial.begin(), partial.end(), k.name) != partial.end();
  });
  for (auto& k : out.constraints) std::sort(k.columns.begin(), k.columns.end());
  return true;
}

class Checker {
 public:
  Checker(MYSQL* c, const MysqlControl& control, const config::Migration& m, size_t index)
      : c_(c), control_(control), m_(m), index_(index) {}

  bool fail(const std::string& key, const std::string& problem) {
    error_ = migration_error(m_, key, problem);
    return false;
  }
  const std::string& error() const { return error_; }

  // The database a configured schema names: "public" is the control connection's.
  bool database(const config::TableName& t, std::string& db) {
    db = t.schema == "public" ? control_.dbname : t.schema;
    if (!db.empty()) return true;
    return fail("table", "table " + t.to_string() + ": schema public stands for the control connection's database, "
                         "and control names none (set dbname)");
  }

  bool run(rewrite::ResolvedMigration& out) {
    out.spec = m_;
    if (!rewrite::mysql::is_column_kind(m_)) return run_tables(out);
    // The column kinds have one table: new_rel is old_rel.
    if (!database(m_.old_table, db_)) return false;
    std::string err;
    if (!read_relation(c_, db_, m_.old_table, out.old_rel, err)) return fail("table", err);
    out.new_rel = out.old_rel;
    // The expressions as the MySQL rewriter splices them (a rename's: the other column, backquoted).
    auto cm = rewrite::mysql::column_migration(out, index_, rewrite::mysql::LexicalSettings{}, err);
    if (!cm) return fail("expression", err);
    auto problem = check_columns(out, [&](bool up, size_t i, const rewrite::RelationInfo&, std::string& error) {
      return check_expression((up ? cm->up : cm->down)[i].expr.text(), error);
    });
    if (problem) return fail(problem->key, problem->problem);
    return true;
  }

  const std::string& db() const { return db_; }
  const std::string& new_db() const { return new_db_.empty() ? db_ : new_db_; }

 private:
  // rename_table, copy_table: both tables, where the phase needs them, keyed alike
  // (rewrite/migration_facts.h: a unique index on exactly the row key in each), and copy_table's
  // expressions resolved over the table each reads.
  bool run_tables(rewrite::ResolvedMigration& out) {
    if (!database(m_.old_table, db_) || !database(m_.new_table, new_db_)) return false;
    std::string err;
    if (!read_relation(c_, db_, m_.old_table, out.old_rel, err)) return fail("from", err);
    if (!read_relation(c_, new_db_, m_.new_table, out.new_rel, err)) return fail("to", err);
    const rewrite::PhaseShapes shapes = rewrite::phase_shapes(m_.phase);
    if (shapes.needs_old && !out.old_rel.exists)
      return fail("from", "table " + db_ + "." + m_.old_table.name + " does not exist");
    if (shapes.needs_new && !out.new_rel.exists)
      return fail("to", "table " + new_db_ + "." + m_.new_table.name + " does not exist (run `switchyard expand`, or create it)");
    const rewrite::RowKey key = rewrite::row_key(out);
    if (key.columns.empty())
      return fail("key", "the old table has no primary key: name the row key's columns with key:");
    std::vector<std::string> sorted = key.columns;
    std::sort(sorted.begin(), sorted.end());
    for (const rewrite::RelationInfo* rel : {&out.old_rel, &out.new_rel}) {
      if (!rel->exists) continue;
      const bool keyed = std::any_of(rel->constraints.begin(), rel->constraints.end(),
                                     [&](const rewrite::ConstraintInfo& k) { return k.columns == sorted; });
      if (!keyed)
        return fail("key", "table " + rel->name.name + " has no primary key or unique index on exactly the row key (" +
                               join(key.columns) + "); writes are mirrored by it");
    }
    if (m_.kind == config::MigrationKind::kCopyTable) {
      for (const auto* list : {&m_.up, &m_.down}) {
        const bool up = list == &m_.up;
        const std::string& db = up ? db_ : new_db_;
        const config::TableName& t = up ? m_.old_table : m_.new_table;
        if (!(up ? out.old_rel : out.new_rel).exists) continue;
        for (const config::ColumnMap& c : *list) {
          auto e = rewrite::mysql::MappedExpr::parse(c.expr, rewrite::mysql::LexicalSettings{}, err);
          if (!e) return fail(up ? "columns" : "down", "the expression for " + c.column + " " + err);
          const std::string sql = "SELECT " + e->text() + " FROM " + quote_identifier(db) + "." + quote_identifier(t.name) + " WHERE false";
          if (!query(c_, sql, err)) return fail(up ? "columns" : "down", "the expression for " + c.column + ": " + err);
        }
      }
    }
    return true;
  }

  // The server resolves the expression's columns and functions over the table without reading a
  // row. `expr` is a parsed expression's own text, parenthesised (column_mapping.h), so it
  // cannot close the parenthesis and add a clause or a statement of its own.
  bool check_expression(const std::string& expr, std::string& error) {
    const std::string sql = "SELECT " + expr + " FROM " + quote_identifier(db_) + "." + quote_identifier(m_.old_table.name) +
                            " WHERE false";
    return query(c_, sql, error).has_value();
  }

  MYSQL* c_;
  const MysqlControl& control_;
  const config::Migration& m_;
  size_t index_;
  std::string db_;
  std::string new_db_;
  std::string error_;
};

constexpr char kSystemSchemas[] = "('mysql', 'sys', 'information_schema', 'performance_schema')";

bool read_server_code(MYSQL* c, std::vector<MysqlRoutine>& routines, std::vector<MysqlTrigger>& triggers,
                      std::string& error) {
  auto r = query(c,
                 std::string("SELECT ROUTINE_SCHEMA, ROUTINE_NAME, ROUTINE_TYPE, ROUTINE_DEFINITION FROM "
                             "information_schema.ROUTINES WHERE ROUTINE_SCHEMA NOT IN ") +
                     kSystemSchemas + " ORDER BY 1, 2, 3",
                 error);
  if (!r) return false;
  for (const Row& row : *r) routines.push_back({text(row[0]), text(row[1]), text(row[2]) == "PROCEDURE", row[3]});
  auto t = query(c,
                 std::string("SELECT TRIGGER_NAME, EVENT_OBJECT_SCHEMA, EVENT_OBJECT_TABLE, ACTION_STATEMENT, ACTION_TIMING FROM "
                             "information_schema.TRIGGERS WHERE TRIGGER_SCHEMA NOT IN ") +
                     kSystemSchemas + " ORDER BY 2, 3, 1",
                 error);
  if (!t) return false;
  for (const Row& row : *t) triggers.push_back({text(row[0]), text(row[1]), text(row[2]), text(row[3]), text(row[4]) == "BEFORE"});
  return true;
}

}  // namespace

SchemaLoad load_mysql_schema(const config::Config& config) {
  SchemaLoad out;
  if (config.migrations.empty()) {
    out.ok = true;
    return out;
  }
  std::string err;
  auto control = parse_mysql_control(config.control, err);
  if (!control) {
    out.error = err;
    return out;
  }
  MysqlConn conn = connect_mysql(*control, kReadTimeoutSeconds, err);
  if (!conn) {
    out.error = "control: cannot connect: " + err;
    return out;
  }
  std::vector<std::string> databases;  // of each migration, in catalog order
  std::vector<std::string> new_databases;
  for (size_t i = 0; i < config.migrations.size(); ++i) {
    Checker checker(conn.get(), *control, config.migrations[i], i);
    rewrite::ResolvedMigration resolved;
    if (!checker.run(resolved)) {
      out.error = checker.error();
      return out;
    }
    databases.push_back(checker.db());
    new_databases.push_back(checker.new_db());
    out.catalog.migrations.push_back(std::move(resolved));
  }
  std::vector<MysqlRoutine> routines;
  std::vector<MysqlTrigger> triggers;
  if (!read_server_code(conn.get(), routines, triggers, err)) {
    out.error = "control: cannot read routines and triggers: " + err;
    return out;
  }
  for (size_t i = 0; i < out.catalog.migrations.size(); ++i) {
    auto& m = out.catalog.migrations[i];
    if (m.spec.phase == config::Phase::kOff) continue;
    m.server_writers = mysql_server_writers(m.spec.old_table, databases[i], routines, triggers);
    if (rewrite::is_two_table(m.spec))
      for (auto& w : mysql_server_writers(m.spec.new_table, new_databases[i], routines, triggers)) m.server_writers.push_back(std::move(w));
  }
  out.ok = true;
  return out;
}

}  // namespace switchyard::catalog
