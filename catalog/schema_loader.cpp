// Live-schema checks for migrations over libpq; see schema_loader.h.
#include "catalog/schema_loader.h"

#include <libpq-fe.h>

#include <vector>

#include "catalog/column_checks.h"
#include "catalog/libpq_result.h"
#include "catalog/routine_catalog.h"
#include "config/identifier.h"
#include "rewrite/migration_facts.h"
#include "rewrite/pg/expression_text.h"

namespace switchyard::catalog {
namespace {

using config::Phase;

// Columns and primary key of one table; exists=false if there is no such table.
bool read_relation(PGconn* c, const config::TableName& name, rewrite::RelationInfo& out, std::string& error) {
  out = {};
  out.name = name;
  Result cols = exec(c, R"(
      SELECT a.attname, format_type(a.atttypid, a.atttypmod), CASE WHEN tn.nspname = 'pg_catalog' THEN quote_ident(ty.typname)
                  ELSE quote_ident(tn.nspname) || '.' || quote_ident(ty.typname) END,
             coalesce(pg_get_expr(d.adbin, d.adrelid), ''), a.attnotnull, a.attgenerated <> ''
        FROM pg_attribute a
        JOIN pg_class t ON t.oid = a.attrelid
        JOIN pg_namespace n ON n.oid = t.relnamespace
        JOIN pg_type ty ON ty.oid = a.atttypid
        JOIN pg_namespace tn ON tn.oid = ty.typnamespace
        LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
       WHERE n.nspname = $1 AND t.relname = $2 AND t.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped
       ORDER BY a.attnum)",
                     {name.schema, name.name});
  if (PQresultStatus(cols.get()) != PGRES_TUPLES_OK) {
    error = first_line(PQresultErrorMessage(cols.get()));
    return false;
  }
  for (int i = 0; i < PQntuples(cols.get()); ++i) {
    out.columns.push_back({PQgetvalue(cols.get(), i, 0), PQgetvalue(cols.get(), i, 1), PQgetvalue(cols.get(), i, 2),
                           PQgetvalue(cols.get(), i, 3), PQgetvalue(cols.get(), i, 4)[0] == 't'});
    out.columns.back().generated = PQgetvalue(cols.get(), i, 5)[0] == 't';
  }
  out.exists = !out.columns.empty();
  if (!out.exists) return true;
  Result pk = exec(c, R"(
      SELECT a.attname
        FROM pg_index i
        JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord) ON true
        JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
       WHERE i.indrelid = (quote_ident($1) || '.' || quote_ident($2))::regclass AND i.indisprimary
       ORDER BY k.ord)",
                   {name.schema, name.name});
  if (PQresultStatus(pk.get()) != PGRES_TUPLES_OK) {
    error = first_line(PQresultErrorMessage(pk.get()));
    return false;
  }
  for (int i = 0; i < PQntuples(pk.get()); ++i) out.primary_key.push_back(PQgetvalue(pk.get(), i, 0));
  Result cons = exec(c, R"(
      SELECT c.conname, c.contype, a.attname
        FROM pg_constraint c
        JOIN LATERAL unnest(c.conkey) AS k(attnum) ON true
        JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum
       WHERE c.conrelid = (quote_ident($1) || '.' || quote_ident($2))::regclass AND c.contype IN ('p', 'u', 'x')
       ORDER BY c.conname, a.attname)",
                     {name.schema, name.name});
  if (PQresultStatus(cons.get()) != PGRES_TUPLES_OK) {
    error = first_line(PQresultErrorMessage(cons.get()));
    return false;
  }
  for (int i = 0; i < PQntuples(cons.get()); ++i) {
    if (out.constraints.empty() || out.constraints.back().name != PQgetvalue(cons.get(), i, 0))
      out.constraints.push_back({PQgetvalue(cons.get(), i, 0), PQgetvalue(cons.get(), i, 1)[0], {}});
    out.constraints.back().columns.push_back(PQgetvalue(cons.get(), i, 2));
  }
  return true;
}

// The tables whose TRUNCATE may also empty `rel` (RelationInfo::truncated_with): what it
// references by foreign key and its inheritance parents, transitively.
bool read_truncated_with(PGconn* c, rewrite::RelationInfo& rel, std::string& error) {
  Result r = exec(c, R"(
      WITH RECURSIVE edge(child, parent) AS (
             SELECT conrelid, confrelid FROM pg_constraint WHERE contype = 'f'
              UNION ALL SELECT inhrelid, inhparent FROM pg_inherits),
           up(oid) AS (SELECT (quote_ident($1) || '.' || quote_ident($2))::regclass::oid
                        UNION SELECT e.parent FROM up JOIN edge e ON e.child = up.oid)
      SELECT n.nspname, t.relname FROM up JOIN pg_class t ON t.oid = up.oid
        JOIN pg_namespace n ON n.oid = t.relnamespace
       WHERE up.oid <> (quote_ident($1) || '.' || quote_ident($2))::regclass::oid
       ORDER BY 1, 2)",
                  {rel.name.schema, rel.name.name});
  if (PQresultStatus(r.get()) != PGRES_TUPLES_OK) {
    error = first_line(PQresultErrorMessage(r.get()));
    return false;
  }
  for (int i = 0; i < PQntuples(r.get()); ++i) rel.truncated_with.push_back({PQgetvalue(r.get(), i, 0), PQgetvalue(r.get(), i, 1)});
  return true;
}

// True if `rel` has a unique index that ON CONFLICT (key) can use: valid, not deferrable, not
// partial, on exactly the key's columns (in any order, INCLUDE columns aside).
bool has_unique_index(PGconn* c, const config::TableName& rel, const std::vector<std::string>& key, std::string& error) {
  std::string array = "{";
  for (const auto& k : key) {
    array += array.size() > 1 ? ",\"" : "\"";
    for (char ch : k) array += (ch == '"' || ch == '\\') ? std::string("\\") + ch : std::string(1, ch);
    array += "\"";
  }
  array += "}";
  Result r = exec(c, R"(
      SELECT count(*) FROM pg_index i
       WHERE i.indrelid = (quote_ident($1) || '.' || quote_ident($2))::regclass
         AND i.indisunique AND i.indimmediate AND i.indisvalid AND i.indpred IS NULL AND i.indexprs IS NULL
         AND (SELECT array_agg(a.attname::text ORDER BY a.attname::text)
                FROM unnest((i.indkey::int2[])[0:i.indnkeyatts - 1]) AS k(attnum)
                JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum)
             = (SELECT array_agg(x ORDER BY x) FROM unnest($3::text[]) AS x))",
                  {rel.schema, rel.name, array});
  if (PQresultStatus(r.get()) != PGRES_TUPLES_OK) {
    error = first_line(PQresultErrorMessage(r.get()));
    return false;
  }
  return std::string(PQgetvalue(r.get(), 0, 0)) != "0";
}

// Asks PostgreSQL to plan `expr` over `rel`: catches unknown columns and functions, and type
// errors, exactly as the rewritten statements would meet them. The text is first parsed as
// exactly one expression and respelt from its tree (parse_expressions did so at load; a
// Migration built otherwise is checked here too), so it cannot close the parenthesis and add a
// clause or a statement of its own.
bool check_expression(PGconn* c, const std::string& expr, const rewrite::RelationInfo& rel, std::string& error) {
  auto one = rewrite::pg::canonical_expression(expr);
  if (!one) {
    error = "not exactly one SQL expression: " + one.error().message;
    return false;
  }
  const std::string sql = "SELECT (" + one.value() + ") FROM " + config::quote_table(rel.name) + " WHERE false";
  Result r = exec(c, sql.c_str(), {});
  if (PQresultStatus(r.get()) == PGRES_TUPLES_OK) return true;
  error = first_line(PQresultErrorField(r.get(), PG_DIAG_MESSAGE_PRIMARY));
  return false;
}

class Checker {
 public:
  Checker(PGconn* c, const config::Migration& m) : c_(c), m_(m) {}

  bool fail(const std::string& key, const std::string& problem) {
    error_ = migration_error(m_, key, problem);
    return false;
  }
  const std::string& error() const { return error_; }

  bool run(rewrite::ResolvedMigration& out) {
    std::string err;
    out.spec = m_;
    if (!read_relation(c_, m_.old_table, out.old_rel, err)) return fail("old table", err);
    if (m_.same_table()) {
      out.new_rel = out.old_rel;
    } else if (!read_relation(c_, m_.new_table, out.new_rel, err)) {
      return fail("new table", err);
    }
    auto problem = check_columns(out, [&](bool up, size_t i, const rewrite::RelationInfo& rel, std::string& error) {
      return check_expression(c_, (up ? m_.up : m_.down)[i].expr, rel, error);
    });
    if (problem) return fail(problem->key, problem->problem);
    const rewrite::PhaseShapes shapes = rewrite::phase_shapes(m_.phase);
    const bool need_old = shapes.needs_old;
    const bool need_new = shapes.needs_new;
    // The one rule for the row key (rewrite/migration_facts.h), as the rewriter and the jobs use it.
    const std::vector<std::string> key = rewrite::row_key(m_, out.old_rel, out.new_rel).columns;
    const bool two_tables = rewrite::is_two_table(m_);
    if (two_tables) {
      if (out.old_rel.exists && key.empty())
        return fail("key", m_.old_table.to_string() + " has no primary key; name one with key:");
      for (const auto& k : key) {
        if (out.old_rel.exists && !out.old_rel.column(k)) return fail("key", "column " + k + " does not exist in " + m_.old_table.to_string());
        if (out.new_rel.exists && !out.new_rel.column(k)) return fail("key", "column " + k + " does not exist in " + m_.new_table.to_string());
      }
    }
    // Dual phases mirror each write with INSERT ... ON CONFLICT (key) into the other table, which
    // needs a unique index on the key in both (rewrite/pg/table_writes.h).
    if (two_tables && need_old && need_new && !key.empty()) {
      for (const auto* rel : {&out.old_rel, &out.new_rel}) {
        if (!has_unique_index(c_, rel->name, key, err)) {
          std::string cols;
          for (const auto& k : key) cols += (cols.empty() ? "" : ", ") + k;
          return fail("key", err.empty() ? rel->name.to_string() + " needs a unique index (or primary key) on exactly (" + cols +
                                               ") to mirror writes with ON CONFLICT"
                                         : err);
        }
      }
    }
    // A TRUNCATE that empties one table must empty the other (rewrite/pg/table_truncate.cpp),
    // including one that reaches it through a foreign key or an inheritance parent.
    if (two_tables && m_.phase != Phase::kOff) {
      for (auto* rel : {&out.old_rel, &out.new_rel})
        if (rel->exists && !read_truncated_with(c_, *rel, err)) return fail("table", err);
    }
    if (m_.all_columns && need_old && need_new) {
      for (const auto& col : out.old_rel.columns)
        if (!out.new_rel.column(col.name))
          return fail("rename_table", "column " + col.name + " of " + m_.old_table.to_string() + " is missing from " + m_.new_table.to_string());
    }
    return true;
  }

 private:
  PGconn* c_;
  const config::Migration& m_;
  std::string error_;
};

}  // namespace

SchemaLoad load_schema(const config::Config& config) {
  SchemaLoad out;
  if (config.migrations.empty()) {
    // Nothing to check; the DDL lint still asks for volatility, when there is a control
    // connection to read it over (without one, every function counts as volatile).
    out.ok = true;
    if (config.control.empty()) return out;
    Conn conn(PQconnectdb(config.control.c_str()));
    std::string ignored;
    if (PQstatus(conn.get()) == CONNECTION_OK) read_volatility(conn.get(), out.catalog.volatility, ignored);
    return out;
  }
  Conn conn(PQconnectdb(config.control.c_str()));
  if (PQstatus(conn.get()) != CONNECTION_OK) {
    out.error = "control: cannot connect: " + first_line(PQerrorMessage(conn.get()));
    return out;
  }
  for (const auto& m : config.migrations) {
    Checker checker(conn.get(), m);
    rewrite::ResolvedMigration resolved;
    if (!checker.run(resolved)) {
      out.error = checker.error();
      return out;
    }
    out.catalog.migrations.push_back(std::move(resolved));
  }
  std::string err;
  if (!read_volatility(conn.get(), out.catalog.volatility, err)) {
    out.error = "control: cannot read function volatility: " + err;
    return out;
  }
  if (!read_server_writers(conn.get(), out.catalog, err)) {
    out.error = "control: cannot read functions, triggers and rules: " + err;
    return out;
  }
  out.ok = true;
  return out;
}

}  // namespace switchyard::catalog
