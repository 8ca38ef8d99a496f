// The MySQL JobSpec; see mysql_job_spec.h.
#include "jobs/mysql_job_spec.h"

#include "rewrite/mysql/column_mapping.h"

namespace switchyard::jobs {

JobSpecResult make_mysql_job_spec(const rewrite::ResolvedMigration& m, Direction direction,
                                  const rewrite::mysql::LexicalSettings& settings) {
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
