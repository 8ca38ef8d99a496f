// The MySQL JobSpec; see mysql_job_spec.h.
#include "jobs/mysql_job_spec.h"

#include <algorithm>

#include "rewrite/mysql/column_mapping.h"
#include "rewrite/mysql/sql_text.h"
#include "rewrite/mysql/table_writes.h"

namespace switchyard::jobs {
namespace {

using Maps = std::vector<std::pair<std::string, std::string>>;

// The table kinds: exactly the columns the write scripts mirror (TableMigration's maps, so a
// backfilled row is the row a mirrored write leaves), each with its MySQL text.
JobSpecResult table_job_spec(const rewrite::ResolvedMigration& m, Direction direction,
                             const rewrite::mysql::LexicalSettings& settings) {
  std::string error;
  auto tm = rewrite::mysql::table_migration(m, 0, settings, error);
  if (!tm) return {std::nullopt, "migration " + m.spec.name + ": " + error};
  const bool forward = direction == Direction::kForward;
  const Maps& maps = forward ? tm->up : tm->down;
  if (!forward && m.spec.down.empty() && !tm->rename)
    return {std::nullopt, "migration " + m.spec.name + " has no down expressions, so it cannot be filled in reverse"};
  auto find = [&](const std::string& column) {
    const std::string folded = rewrite::mysql::fold(column);
    return std::find_if(maps.begin(), maps.end(), [&](const auto& map) { return rewrite::mysql::fold(map.first) == folded; });
  };
  // make_job_spec checks the tables, the key and each configured column; its texts are replaced.
  JobSpecResult out = make_job_spec(m, direction, [&](const std::string& column, const std::string&, std::string&) {
    auto it = find(column);
    return std::optional<std::string>(it != maps.end() ? it->second : rewrite::mysql::quote_identifier(column));
  });
  if (!out.spec) return out;
  std::vector<TargetColumn> columns;
  const rewrite::RelationInfo& dst = forward ? m.new_rel : m.old_rel;
  for (const auto& map : maps) {
    const std::string& name = map.first;
    auto col = std::find_if(dst.columns.begin(), dst.columns.end(), [&](const rewrite::ColumnInfo& c) {
      return rewrite::mysql::fold(c.name) == rewrite::mysql::fold(name);
    });
    if (col == dst.columns.end() || col->dropped)
      return {std::nullopt, "migration " + m.spec.name + ": column " + name + " does not exist in " + dst.name.to_string() +
                                (forward ? " (run expand first)" : "")};
    columns.push_back({col->name, map.second, col->type});
  }
  out.spec->columns = std::move(columns);
  return out;
}

}  // namespace

JobSpecResult make_mysql_job_spec(const rewrite::ResolvedMigration& m, Direction direction,
                                  const rewrite::mysql::LexicalSettings& settings) {
  if (rewrite::mysql::is_table_kind(m.spec)) return table_job_spec(m, direction, settings);
  std::string error;
  auto cm = rewrite::mysql::column_migration(m, 0, settings, error);
  if (!cm) return {std::nullopt, "migration " + m.spec.name + ": " + error};
  const auto& maps = direction == Direction::kForward ? cm->up : cm->down;
  return make_job_spec(m, direction, [&](const std::string& column, const std::string&, std::string& why) {
    const std::string folded = rewrite::mysql::fold(column);
    for (const auto& map : maps)
      if (map.folded == folded) return std::optional<std::string>(map.expr.text());
    why = "no MySQL mapping for column " + column;
    return std::optional<std::string>();
  });
}

}  // namespace switchyard::jobs
