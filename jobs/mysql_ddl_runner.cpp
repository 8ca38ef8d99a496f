// The MySQL half of expand and contract: facts, probe, connection; see mysql_ddl_runner.h.
#include "jobs/mysql_ddl_runner.h"

#include <algorithm>

#include "catalog/mysql_connection.h"
#include "jobs/mysql_backfill_sql.h"
#include "jobs/mysql_ddl_plan.h"
#include "rewrite/mysql/column_mapping.h"
#include "rewrite/mysql/sql_text.h"

namespace switchyard::jobs {
namespace {

// An index build may take long: no read limit short enough to cut it.
constexpr unsigned kIoTimeoutSeconds = 24 * 3600;
constexpr unsigned kLockWaitTimeout = 1205, kDeadlock = 1213;
constexpr unsigned kAlgorithmNotSupported = 1845, kAlgorithmNotSupportedReason = 1846;
constexpr char kProbe[] = "`switchyard_type_probe`";

std::string text(const std::optional<std::string>& v) { return v.value_or(""); }

class MysqlDdlConnection : public DdlConnection {
 public:
  explicit MysqlDdlConnection(catalog::MysqlConn c) : c_(std::move(c)) {}
  MYSQL* raw() { return c_.get(); }
  std::string literal(const std::string& s) { return catalog::mysql_literal(c_.get(), s); }

  StepResult exec(const std::string& sql) override {
    const catalog::MysqlResult r = catalog::mysql_exec(c_.get(), sql);
    return {r.ok, r.code == kLockWaitTimeout || r.code == kDeadlock,
            r.code == kAlgorithmNotSupported || r.code == kAlgorithmNotSupportedReason, r.error,
            "error " + std::to_string(r.code)};
  }
  bool test(const std::string& query, bool& done, std::string& error) override {
    const catalog::MysqlResult r = catalog::mysql_exec(c_.get(), query);
    if (!r.ok || r.rows.empty() || r.rows[0].empty()) {
      error = r.ok ? "no row from " + query : r.error;
      return false;
    }
    done = text(r.rows[0][0]) == "1";
    return true;
  }

 private:
  catalog::MysqlConn c_;
};

std::string where_table(MysqlDdlConnection& db, const config::TableName& t, const std::string& alias = "") {
  const std::string schema = t.schema.empty() || t.schema == "public" ? "DATABASE()" : db.literal(t.schema);
  return " WHERE " + alias + "TABLE_SCHEMA = " + schema + " AND " + alias + "TABLE_NAME = " + db.literal(t.name);
}

bool read_columns(MysqlDdlConnection& db, const config::TableName& t, std::vector<MysqlColumnFact>& out,
                  std::string& error) {
  const catalog::MysqlResult r = catalog::mysql_exec(
      db.raw(), "SELECT COLUMN_NAME, COLUMN_TYPE, IS_NULLABLE, COLUMN_DEFAULT, CHARACTER_SET_NAME, COLLATION_NAME, EXTRA "
                "FROM information_schema.COLUMNS" + where_table(db, t) + " ORDER BY ORDINAL_POSITION");
  if (!r.ok) {
    error = "cannot read the columns of " + t.to_string() + ": " + r.error;
    return false;
  }
  for (const auto& row : r.rows)
    out.push_back({text(row[0]), text(row[1]), text(row[2]) == "YES", row[3], text(row[4]), text(row[5]), text(row[6])});
  return true;
}

// Whole-column BTREE and HASH indexes are plain; a prefix (SUB_PART), an expression part
// (COLUMN_NAME NULL, MySQL 8) or a FULLTEXT / SPATIAL index is not.
bool read_indexes(MysqlDdlConnection& db, const config::TableName& t, std::vector<IndexFact>& out, std::string& error) {
  const catalog::MysqlResult r = catalog::mysql_exec(
      db.raw(), "SELECT INDEX_NAME, NON_UNIQUE, INDEX_TYPE, COLUMN_NAME, SUB_PART FROM information_schema.STATISTICS" +
                    where_table(db, t) + " ORDER BY INDEX_NAME, SEQ_IN_INDEX");
  if (!r.ok) {
    error = "cannot read the indexes of " + t.to_string() + ": " + r.error;
    return false;
  }
  for (const auto& row : r.rows) {
    const std::string name = text(row[0]), method = text(row[2]);
    if (out.empty() || out.back().name != name)
      out.push_back({name, text(row[1]) == "0", name == "PRIMARY", method == "BTREE" || method == "HASH", method, {}});
    if (!row[3] || row[4]) out.back().plain = false;
    out.back().columns.push_back(text(row[3]));
  }
  return true;
}

// The foreign keys `t` holds. A parent in t's own database keeps t's spelling of it, so plans
// compare and print it as the migration names it.
bool read_foreign_keys(MysqlDdlConnection& db, const config::TableName& t, std::vector<MysqlForeignKeyFact>& out,
                       std::string& error) {
  const catalog::MysqlResult r = catalog::mysql_exec(
      db.raw(),
      "SELECT k.CONSTRAINT_NAME, k.COLUMN_NAME, k.REFERENCED_TABLE_SCHEMA = k.TABLE_SCHEMA, k.REFERENCED_TABLE_SCHEMA, "
      "k.REFERENCED_TABLE_NAME, k.REFERENCED_COLUMN_NAME, r.UPDATE_RULE, r.DELETE_RULE "
      "FROM information_schema.KEY_COLUMN_USAGE AS k JOIN information_schema.REFERENTIAL_CONSTRAINTS AS r "
      "ON r.CONSTRAINT_SCHEMA = k.CONSTRAINT_SCHEMA AND r.CONSTRAINT_NAME = k.CONSTRAINT_NAME AND r.TABLE_NAME = k.TABLE_NAME" +
          where_table(db, t, "k.") + " AND k.REFERENCED_TABLE_NAME IS NOT NULL ORDER BY k.CONSTRAINT_NAME, k.ORDINAL_POSITION");
  if (!r.ok) {
    error = "cannot read the foreign keys of " + t.to_string() + ": " + r.error;
    return false;
  }
  for (const auto& row : r.rows) {
    const std::string name = text(row[0]);
    if (out.empty() || out.back().name != name) {
      MysqlForeignKeyFact fk;
      fk.name = name;
      fk.references = {text(row[2]) == "1" ? t.schema : text(row[3]), text(row[4])};
      fk.update_rule = text(row[6]);
      fk.delete_rule = text(row[7]);
      out.push_back(std::move(fk));
    }
    out.back().columns.push_back(text(row[1]));
    out.back().referenced_columns.push_back(text(row[5]));
  }
  return true;
}

// The CHECK constraints of `t`. LEVEL is MariaDB 10.5.10+; before it, a CHECK named after a
// column is taken for that column's own (the plan only needs to know which go with DROP COLUMN).
bool read_checks(MysqlDdlConnection& db, const config::TableName& t, const std::vector<MysqlColumnFact>& columns,
                 std::vector<MysqlCheckFact>& out, std::string& error) {
  const std::string schema = t.schema.empty() || t.schema == "public" ? "DATABASE()" : db.literal(t.schema);
  const std::string where = " FROM information_schema.CHECK_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = " + schema +
                            " AND TABLE_NAME = " + db.literal(t.name) + " ORDER BY CONSTRAINT_NAME";
  catalog::MysqlResult r = catalog::mysql_exec(db.raw(), "SELECT CONSTRAINT_NAME, CHECK_CLAUSE, LEVEL = 'Column'" + where);
  const bool has_level = r.ok;
  if (!r.ok) r = catalog::mysql_exec(db.raw(), "SELECT CONSTRAINT_NAME, CHECK_CLAUSE, NULL" + where);
  if (!r.ok) {
    error = "cannot read the CHECK constraints of " + t.to_string() + ": " + r.error;
    return false;
  }
  for (const auto& row : r.rows) {
    MysqlCheckFact c{text(row[0]), text(row[1]), text(row[2]) == "1"};
    if (!has_level)
      c.column_level = std::any_of(columns.begin(), columns.end(), [&](const MysqlColumnFact& col) {
        return rewrite::mysql::fold(col.name) == rewrite::mysql::fold(c.name);
      });
    out.push_back(std::move(c));
  }
  return true;
}

// The MySQL text of each new column's up (parenthesised, as the rewriter splices it), and the
// old column it is when it is nothing but that column.
struct UpText {
  std::string column, expr, bare;
};

bool up_texts(const rewrite::ResolvedMigration& m, std::vector<UpText>& out, std::string& error) {
  const rewrite::mysql::LexicalSettings settings;  // as the schema loader reads them
  if (rewrite::mysql::is_column_kind(m.spec)) {
    auto cm = rewrite::mysql::column_migration(m, 0, settings, error);
    if (!cm) return false;
    for (const auto& up : cm->up) out.push_back({up.column, up.expr.text(), up.expr.bare_column()});
    return true;
  }
  for (const auto& up : m.spec.up) {
    auto e = rewrite::mysql::MappedExpr::parse(up.expr, settings, error);
    if (!e) {
      error = "the expression for " + up.column + " " + error;
      return false;
    }
    out.push_back({up.column, e->text(), e->bare_column()});
  }
  return true;
}

// The server's definition of each expression's result, from a probe table of no rows.
bool probe_types(MysqlDdlConnection& db, const config::TableName& t, const std::vector<UpText>& ups,
                 std::map<std::string, std::string>& out, std::string& error) {
  if (ups.empty()) return true;
  std::string select;
  for (const auto& u : ups) select += std::string(select.empty() ? "" : ", ") + u.expr + " AS " + rewrite::mysql::quote_identifier(u.column);
  const std::string create = std::string("CREATE TEMPORARY TABLE ") + kProbe + " AS SELECT " + select + " FROM " +
                             mysql_table(t) + " WHERE FALSE";
  catalog::MysqlResult r = catalog::mysql_exec(db.raw(), create);
  if (!r.ok) {
    error = "cannot infer the types of the new columns (pass --type COLUMN=TYPE): " + r.error;
    return false;
  }
  r = catalog::mysql_exec(db.raw(), std::string("SHOW FULL COLUMNS FROM ") + kProbe);
  catalog::mysql_exec(db.raw(), std::string("DROP TEMPORARY TABLE IF EXISTS ") + kProbe);
  if (!r.ok) {
    error = "cannot read the probe's columns: " + r.error;
    return false;
  }
  // Field, Type, Collation, Null, Key, Default, Extra, Privileges, Comment.
  for (const auto& row : r.rows)
    out[text(row[0])] = text(row[1]) + (row[2] ? " COLLATE " + *row[2] : "");
  return true;
}

}  // namespace

bool prepare_mysql_ddl(const config::Config& config, const rewrite::ResolvedMigration& m, bool expand,
                       const DdlOptions& o, DdlPrepared& out, std::string& error) {
  auto control = catalog::parse_mysql_control(config.control, error);
  if (!control) return false;
  auto conn = catalog::connect_mysql(*control, kIoTimeoutSeconds, error);
  if (!conn) {
    error = "control: cannot connect: " + error;
    return false;
  }
  // information_schema.COLUMNS.COLUMN_DEFAULT is SQL text on MariaDB 10.2+, but a bare value on
  // MySQL 8, which the plans would copy as SQL: refused there until it is read apart and tested.
  const std::string version = mysql_get_server_info(conn.get());
  if (version.find("MariaDB") == std::string::npos) {
    error = "expand and contract under protocol: mysql run on MariaDB only for now (the server is MySQL " + version +
            "); run the DDL by hand (docs/backfill.md, \"expand and contract under MySQL\")";
    return false;
  }
  auto db = std::make_unique<MysqlDdlConnection>(std::move(conn));
  MysqlDdlFacts facts;
  facts.migration = m;
  facts.new_types = o.types;
  if (m.old_rel.exists &&
      (!read_columns(*db, m.spec.old_table, facts.columns, error) || !read_indexes(*db, m.spec.old_table, facts.indexes, error) ||
       !read_foreign_keys(*db, m.spec.old_table, facts.foreign_keys, error) ||
       !read_checks(*db, m.spec.old_table, facts.columns, facts.checks, error)))
    return false;
  const bool infer = expand && m.old_rel.exists && m.spec.kind != config::MigrationKind::kRenameColumn &&
                     m.spec.kind != config::MigrationKind::kRenameTable;
  if (infer) {
    std::vector<UpText> ups, unknown;
    if (!up_texts(m, ups, error)) return false;
    for (const auto& u : ups) {
      if (!u.bare.empty())
        if (const auto* c = facts.column(u.bare)) facts.copied_from[u.column] = c->name;
      const bool exists = m.spec.same_table() && facts.column(u.column);
      if (!facts.new_types.count(u.column) && !exists && (m.spec.same_table() || !facts.copied_from.count(u.column)))
        unknown.push_back(u);
    }
    if (!probe_types(*db, m.spec.old_table, unknown, facts.new_types, error)) return false;
  }
  const MysqlLiteral literal = [raw = db.get()](const std::string& s) { return raw->literal(s); };
  out.plan = expand ? plan_mysql_expand(facts, literal) : plan_mysql_contract(facts, o.backup, literal);
  const std::string seconds = std::to_string(mysql_lock_wait_seconds(o.lock_timeout_ms));
  out.dialect = {mysql_session_setup(o.lock_timeout_ms), "lock_wait_timeout (" + seconds + " s)",
                 "information_schema.PROCESSLIST, and METADATA_LOCK_INFO where the plugin is loaded"};
  if (o.lock_timeout_ms % 1000 != 0)
    out.plan.notes.push_back("MySQL's lock_wait_timeout is whole seconds: --lock-timeout-ms " +
                             std::to_string(o.lock_timeout_ms) + " waits up to " + seconds + " s per attempt");
  out.connection = std::move(db);
  return true;
}

}  // namespace switchyard::jobs
