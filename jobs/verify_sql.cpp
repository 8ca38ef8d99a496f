// Verify SQL generation; see verify_sql.h.
#include "jobs/verify_sql.h"

#include "jobs/backfill_sql.h"
#include "jobs/sql_text.h"

namespace switchyard::jobs {
namespace {

std::string expected_row(const JobSpec& spec) {
  std::string out;
  for (const auto& c : spec.columns) out += (out.empty() ? "" : ", ") + as_stored(c);
  return "ROW(" + out + ")";
}

std::string key_text(const JobSpec& spec) { return row_of(spec.key) + "::text"; }

int after_bounds(const JobSpec& spec, bool has_lo, bool has_hi) {
  return static_cast<int>(spec.key.size()) * ((has_lo ? 1 : 0) + (has_hi ? 1 : 0)) + 1;
}

}  // namespace

std::string same_table_chunk_stats(const JobSpec& spec, bool has_lo, bool has_hi) {
  const std::string d = differs(spec);
  return "SELECT count(*), count(*) FILTER (WHERE " + d + "), count(*) FILTER (WHERE " + d + " AND " +
         row_of(spec.column_names()) + " IS NULL) FROM " + qualified(spec.source) + " WHERE " +
         key_range(spec, has_lo, has_hi);
}

std::string same_table_chunk_samples(const JobSpec& spec, bool has_lo, bool has_hi) {
  return "SELECT " + key_text(spec) + ", " + expected_row(spec) + "::text, " + row_of(spec.column_names()) +
         "::text FROM " + qualified(spec.source) + " WHERE " + key_range(spec, has_lo, has_hi) + " AND " + differs(spec) +
         " ORDER BY " + key_order(spec.key) + " LIMIT $" + std::to_string(after_bounds(spec, has_lo, has_hi)) + "::int8";
}

std::string two_table_chunk_checksums(const JobSpec& spec, bool has_lo, bool has_hi) {
  const std::string range = key_range(spec, has_lo, has_hi);
  auto side = [&](const std::string& row, const config::TableName& table) {
    return "(SELECT count(*)::text || ' ' || coalesce(md5(string_agg(" + row + "::text, E'\\n' ORDER BY " +
           key_order(spec.key) + ")), '') FROM " + qualified(table) + " WHERE " + range + ")";
  };
  return "SELECT " + side(expected_row(spec), spec.source) + ", " + side(row_of(spec.column_names()), spec.target);
}

std::string two_table_chunk_diff(const JobSpec& spec, bool has_lo, bool has_hi) {
  const std::string range = key_range(spec, has_lo, has_hi);
  return "SELECT coalesce(o.k, n.k), o.r, n.r FROM (SELECT " + key_text(spec) + " AS k, " + expected_row(spec) +
         "::text AS r FROM " + qualified(spec.source) + " WHERE " + range + ") o FULL JOIN (SELECT " + key_text(spec) +
         " AS k, " + row_of(spec.column_names()) + "::text AS r FROM " + qualified(spec.target) + " WHERE " + range +
         ") n ON o.k = n.k WHERE o.r IS DISTINCT FROM n.r ORDER BY 1";
}

}  // namespace switchyard::jobs
