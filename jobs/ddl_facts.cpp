// Catalog facts for expand and contract; see ddl_facts.h.
#include "jobs/ddl_facts.h"

#include "jobs/sql_text.h"
#include "rewrite/pg/expression_text.h"

namespace switchyard::jobs {
namespace {

const char kSep = '\x1f';  // between column names in one aggregated value

std::vector<std::string> split(const std::string& s) {
  std::vector<std::string> out;
  size_t at = 0;
  while (true) {
    const auto next = s.find(kSep, at);
    out.push_back(s.substr(at, next == std::string::npos ? std::string::npos : next - at));
    if (next == std::string::npos) return out;
    at = next + 1;
  }
}

bool read_indexes(Db& db, const std::string& rel, std::vector<IndexFact>& out, std::string& error) {
  QueryResult r = db.exec(R"(
      SELECT c.relname, i.indisunique, i.indisprimary, am.amname,
             i.indexprs IS NULL AND i.indpred IS NULL AND i.indnkeyatts = i.indnatts
               AND NOT EXISTS (SELECT 1 FROM unnest(i.indoption::int2[]) o WHERE o <> 0)
               AND NOT EXISTS (SELECT 1 FROM unnest(i.indclass::oid[]) oc JOIN pg_opclass op ON op.oid = oc
                               WHERE NOT op.opcdefault),
             (SELECT string_agg(a.attname, E'\x1f' ORDER BY k.ord) FROM unnest(i.indkey::int2[]) WITH ORDINALITY k(attnum, ord)
                JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum)
        FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_am am ON am.oid = c.relam
       WHERE i.indrelid = to_regclass($1) AND i.indisvalid ORDER BY c.relname)",
                          {rel});
  if (!r.ok()) {
    error = "cannot read indexes of " + rel + ": " + r.error();
    return false;
  }
  for (int i = 0; i < r.rows(); ++i)
    out.push_back({r.value(i, 0), r.value(i, 1) == "t", r.value(i, 2) == "t", r.value(i, 4) == "t", r.value(i, 3),
                   r.is_null(i, 5) ? std::vector<std::string>{} : split(r.value(i, 5))});
  return true;
}

// A constraint's columns (conkey), in order, as names separated by \x1f (split()).
constexpr char kConstraintColumns[] =
    "(SELECT string_agg(a.attname, E'\\x1f' ORDER BY k.ord) FROM unnest(co.conkey) WITH ORDINALITY k(attnum, ord) "
    "JOIN pg_attribute a ON a.attrelid = co.conrelid AND a.attnum = k.attnum)";

bool read_checks(Db& db, const std::string& rel, std::vector<CheckFact>& out, std::string& error) {
  QueryResult r = db.exec(std::string("SELECT co.conname, pg_get_expr(co.conbin, co.conrelid), co.connoinherit, ") +
                              kConstraintColumns + ", co.convalidated" +
                              " FROM pg_constraint co WHERE co.conrelid = to_regclass($1) AND co.contype = 'c' ORDER BY co.conname",
                          {rel});
  if (!r.ok()) {
    error = "cannot read CHECK constraints of " + rel + ": " + r.error();
    return false;
  }
  for (int i = 0; i < r.rows(); ++i)
    out.push_back({r.value(i, 0), r.value(i, 1), r.is_null(i, 3) ? std::vector<std::string>{} : split(r.value(i, 3)),
                   r.value(i, 2) == "t", r.value(i, 4) == "t"});
  return true;
}

bool read_foreign_keys(Db& db, const std::string& rel, std::vector<ForeignKeyFact>& out, std::string& error) {
  QueryResult r = db.exec(std::string("SELECT co.conname, pg_get_constraintdef(co.oid), ") + kConstraintColumns +
                              " FROM pg_constraint co WHERE co.conrelid = to_regclass($1) AND co.contype = 'f' ORDER BY co.conname",
                          {rel});
  if (!r.ok()) {
    error = "cannot read foreign keys of " + rel + ": " + r.error();
    return false;
  }
  for (int i = 0; i < r.rows(); ++i) {
    // "FOREIGN KEY (a) REFERENCES t(b) ON DELETE CASCADE [NOT VALID]": keep what follows REFERENCES.
    std::string def = r.value(i, 1);
    const auto at = def.find("REFERENCES ");
    if (at == std::string::npos) continue;
    def = def.substr(at + 11);
    if (const auto nv = def.rfind(" NOT VALID"); nv != std::string::npos && nv + 10 == def.size()) def.resize(nv);
    out.push_back({r.value(i, 0), split(r.value(i, 2)), def, ""});
  }
  return true;
}

bool read_owned_sequences(Db& db, const std::string& rel, std::vector<OwnedSequence>& out, std::string& error) {
  QueryResult r = db.exec(R"(
      SELECT d.objid::regclass::text, a.attname FROM pg_depend d
        JOIN pg_class s ON s.oid = d.objid AND s.relkind = 'S'
        JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
       WHERE d.classid = 'pg_class'::regclass AND d.refclassid = 'pg_class'::regclass
         AND d.refobjid = to_regclass($1) AND d.deptype = 'a')",
                          {rel});
  if (!r.ok()) {
    error = "cannot read sequences of " + rel + ": " + r.error();
    return false;
  }
  for (int i = 0; i < r.rows(); ++i) out.push_back({r.value(i, 0), r.value(i, 1)});
  return true;
}

// The type PostgreSQL gives `expr` over `rel`, from a prepared statement's description.
bool infer_type(Db& db, const std::string& expr, const rewrite::RelationInfo& rel, std::string& type, std::string& error) {
  auto one = rewrite::pg::canonical_expression(expr);  // never the config text itself
  if (!one) {
    error = "cannot infer the type of \"" + expr + "\": not exactly one SQL expression: " + one.error().message;
    return false;
  }
  const std::string sql = "SELECT (" + one.value() + ") FROM " + qualified(rel.name);
  QueryResult prep(PQprepare(db.raw(), "", sql.c_str(), 0, nullptr));
  if (!prep.ok()) {
    error = "cannot infer the type of \"" + expr + "\": " + prep.error();
    return false;
  }
  QueryResult desc(PQdescribePrepared(db.raw(), ""));
  if (!desc.ok() || desc.columns() != 1) {
    error = "cannot infer the type of \"" + expr + "\": " + desc.error();
    return false;
  }
  QueryResult spelt = db.exec("SELECT format_type($1::oid, $2::int4)",
                              {std::to_string(desc.column_type(0)), std::to_string(desc.column_modifier(0))});
  if (!spelt.ok() || spelt.rows() != 1) {
    error = "cannot infer the type of \"" + expr + "\": " + spelt.error();
    return false;
  }
  type = spelt.value(0, 0);
  if (type == "unknown") type = "text";  // an untyped literal: PostgreSQL would store it as text
  return true;
}

}  // namespace

bool read_ddl_facts(Db& db, const rewrite::ResolvedMigration& m, const std::map<std::string, std::string>& types,
                    DdlFacts& out, std::string& error) {
  out = {};
  out.migration = m;
  out.new_types = types;
  if (!m.old_rel.exists) return true;
  const std::string rel = qualified(m.spec.old_table);
  if (!read_indexes(db, rel, out.old_indexes, error) || !read_foreign_keys(db, rel, out.old_foreign_keys, error) ||
      !read_checks(db, rel, out.old_checks, error) || !read_owned_sequences(db, rel, out.owned_sequences, error))
    return false;
  if (m.spec.kind == config::MigrationKind::kRenameColumn || m.spec.kind == config::MigrationKind::kRenameTable) return true;
  for (const auto& up : m.spec.up) {
    if (out.new_types.count(up.column) || (m.spec.same_table() && m.old_rel.column(up.column))) continue;
    std::string type;
    if (!infer_type(db, up.expr, m.old_rel, type, error)) return false;
    out.new_types[up.column] = type;
  }
  return true;
}

}  // namespace switchyard::jobs
