// Backfill SQL generation; see backfill_sql.h.
#include "jobs/backfill_sql.h"

#include "jobs/sql_text.h"

namespace switchyard::jobs {

std::string checkpoint_table(const std::string& migration) { return "switchyard." + quote_ident(migration); }

std::string checkpoint_ddl(const std::string& migration) {
  const AdvisoryKey k = advisory_key("schema", "");
  return "BEGIN;\n"
         "SELECT pg_advisory_xact_lock(" + std::to_string(k.classid) + ", " + std::to_string(k.objid) + ");\n"
         "CREATE SCHEMA IF NOT EXISTS switchyard;\n"
         "CREATE TABLE IF NOT EXISTS " + checkpoint_table(migration) + " (\n"
         "  job text PRIMARY KEY,\n"
         "  stage text NOT NULL,\n"
         "  last_key text[],\n"
         "  rows_done bigint NOT NULL DEFAULT 0,\n"
         "  rows_changed bigint NOT NULL DEFAULT 0,\n"
         "  matching bigint NOT NULL DEFAULT 0,\n"
         "  mismatched bigint NOT NULL DEFAULT 0,\n"
         "  missing bigint NOT NULL DEFAULT 0,\n"
         "  extra bigint NOT NULL DEFAULT 0,\n"
         "  samples text[] NOT NULL DEFAULT '{}',\n"
         "  host text,\n"
         "  started_at timestamptz,\n"
         "  updated_at timestamptz);\n"
         "COMMIT;";
}

AdvisoryKey advisory_key(const std::string& family, const std::string& migration) {
  return {static_cast<int32_t>(stable_hash32("switchyard")), static_cast<int32_t>(stable_hash32(family + ":" + migration))};
}

std::string job_name(Direction d) { return d == Direction::kForward ? "backfill" : "backfill_reverse"; }

std::string checkpoint_select(const std::string& migration) {
  return "SELECT stage, rows_done, rows_changed, coalesce(host, ''), updated_at::text, matching, mismatched, missing, "
         "extra, array_to_string(samples, E'\\n') FROM " + checkpoint_table(migration) + " WHERE job = $1";
}

std::string checkpoint_key_select(const std::string& migration) {
  return "SELECT k.v FROM " + checkpoint_table(migration) +
         " c, unnest(c.last_key) WITH ORDINALITY AS k(v, i) WHERE c.job = $1 ORDER BY k.i";
}

std::string checkpoint_start(const std::string& migration) {
  return "INSERT INTO " + checkpoint_table(migration) +
         " (job, stage, host, started_at, updated_at) VALUES ($1, 'copy', $2, now(), now())"
         " ON CONFLICT (job) DO UPDATE SET stage = 'copy', last_key = NULL, rows_done = 0, rows_changed = 0,"
         " matching = 0, mismatched = 0, missing = 0, extra = 0, samples = '{}', host = $2, started_at = now(),"
         " updated_at = now()";
}

std::string checkpoint_update(const std::string& migration) {
  return "UPDATE " + checkpoint_table(migration) +
         " SET stage = $2, last_key = $3::text[], rows_done = $4, rows_changed = $5, updated_at = now() WHERE job = $1";
}

std::string checkpoint_update_verify(const std::string& migration) {
  return "UPDATE " + checkpoint_table(migration) +
         " SET stage = $2, last_key = $3::text[], rows_done = $4, matching = $5, mismatched = $6, missing = $7,"
         " extra = $8, samples = $9::text[], updated_at = now() WHERE job = $1";
}

std::string text_array_literal(const std::vector<std::string>& values) {
  std::string out = "{";
  for (size_t i = 0; i < values.size(); ++i) {
    out += i ? ",\"" : "\"";
    for (char c : values[i]) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    out += '"';
  }
  return out + "}";
}

std::string page_end(const JobSpec& spec, const config::TableName& table, bool has_lo) {
  const std::string where = has_lo ? " WHERE " + key_after(spec.key, spec.key_types, 1) : "";
  const int limit_param = has_lo ? static_cast<int>(spec.key.size()) + 1 : 1;
  std::string cols;
  for (const auto& k : spec.key) cols += ", " + quote_ident(k) + "::text";
  std::string desc;
  // Qualified: a bare name would sort by the text output column of that name ('9' > '10').
  for (size_t i = 0; i < spec.key.size(); ++i) desc += (i ? ", " : "") + std::string("page.") + quote_ident(spec.key[i]) + " DESC";
  return "SELECT count(*) OVER ()" + cols + " FROM (SELECT " + column_list(spec.key) + " FROM " + qualified(table) +
         where + " ORDER BY " + key_order(spec.key) + " LIMIT $" + std::to_string(limit_param) +
         "::int8) page ORDER BY " + desc + " LIMIT 1";
}

std::string key_range(const JobSpec& spec, bool has_lo, bool has_hi, const std::string& qualifier) {
  std::string out;
  if (has_lo) out = key_after(spec.key, spec.key_types, 1, qualifier);
  if (has_hi) {
    const int first = has_lo ? static_cast<int>(spec.key.size()) + 1 : 1;
    out += (out.empty() ? "" : " AND ") + key_at_most(spec.key, spec.key_types, first, qualifier);
  }
  return out.empty() ? "true" : out;
}

std::string as_stored(const TargetColumn& c) { return "CAST((" + c.expr + ") AS " + c.type + ")"; }

std::string differs(const JobSpec& spec) {
  std::string out;
  for (const auto& c : spec.columns) {
    if (!out.empty()) out += " OR ";
    out += quote_ident(c.name) + "::text IS DISTINCT FROM " + as_stored(c) + "::text";
  }
  return "(" + out + ")";
}

std::string batch_write(const JobSpec& spec, bool has_lo) {
  const std::string range = key_range(spec, has_lo, true);
  if (spec.same_table()) {
    std::string set;
    for (const auto& c : spec.columns) set += (set.empty() ? "" : ", ") + quote_ident(c.name) + " = (" + c.expr + ")";
    return "UPDATE " + qualified(spec.target) + " SET " + set + " WHERE " + range + " AND " + differs(spec);
  }
  std::string select, update, excluded;
  for (const auto& c : spec.columns) {
    select += (select.empty() ? "" : ", ") + std::string("(") + c.expr + ")";
    bool is_key = false;
    for (const auto& k : spec.key) is_key |= k == c.name;
    if (is_key) continue;
    update += (update.empty() ? "" : ", ") + quote_ident(c.name) + " = EXCLUDED." + quote_ident(c.name);
    excluded += (excluded.empty() ? "" : ", ") + std::string("EXCLUDED.") + quote_ident(c.name);
  }
  std::string out = "INSERT INTO " + qualified(spec.target) + " AS dst (" + column_list(spec.column_names()) + ") SELECT " +
                    select + " FROM " + qualified(spec.source) + " WHERE " + range + " ORDER BY " + key_order(spec.key) +
                    " FOR SHARE ON CONFLICT (" + column_list(spec.key) + ") DO ";
  if (update.empty()) return out + "NOTHING";
  std::vector<std::string> non_key;
  for (const auto& c : spec.columns) {
    bool is_key = false;
    for (const auto& k : spec.key) is_key |= k == c.name;
    if (!is_key) non_key.push_back(c.name);
  }
  return out + "UPDATE SET " + update + " WHERE " + row_of(non_key, "dst") + "::text IS DISTINCT FROM ROW(" + excluded +
         ")::text";
}

std::string orphan_sweep(const JobSpec& spec, bool has_lo) {
  return "DELETE FROM " + qualified(spec.target) + " AS dst WHERE " + key_range(spec, has_lo, true, "dst") +
         " AND NOT EXISTS (SELECT 1 FROM " + qualified(spec.source) + " AS src WHERE " + row_of(spec.key, "src") + " = " +
         row_of(spec.key, "dst") + ")";
}

std::string older_transactions() {
  return "SELECT count(*), coalesce(string_agg(pid::text, ', ' ORDER BY pid), '') FROM pg_stat_activity"
         " WHERE pid <> pg_backend_pid() AND backend_type = 'client backend' AND xact_start < $1::timestamptz"
         " AND (backend_xmin IS NOT NULL OR backend_xid IS NOT NULL)";
}

std::string estimated_rows() {
  return "SELECT CASE WHEN reltuples > 0 THEN reltuples::int8 ELSE -1 END FROM pg_class WHERE oid = $1::regclass";
}

std::string exact_rows(const config::TableName& table) { return "SELECT count(*) FROM " + qualified(table); }

}  // namespace switchyard::jobs
