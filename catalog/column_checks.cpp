// The shared shape and column checks of a migration; see column_checks.h.
#include "catalog/column_checks.h"

#include "rewrite/migration_facts.h"

namespace switchyard::catalog {

std::string migration_error(const config::Migration& m, const std::string& key, const std::string& problem) {
  return "migration " + m.name + " (line " + std::to_string(m.line) + "): " + key + ": " + problem;
}

std::optional<CheckProblem> check_columns(rewrite::ResolvedMigration& out, const ExpressionCheck& valid) {
  const config::Migration& m = out.spec;
  // Which shapes must exist depends on the phase (rewrite/migration_facts.h).
  const rewrite::PhaseShapes shapes = rewrite::phase_shapes(m.phase);
  const bool need_old = shapes.needs_old;
  const bool need_new = shapes.needs_new;
  if (need_old && !out.old_rel.exists)
    return CheckProblem{"table", "table " + m.old_table.to_string() + " does not exist"};
  if (need_new && !out.new_rel.exists)
    return CheckProblem{"table", "table " + m.new_table.to_string() + " does not exist (run expand first)"};

  // In new_only, contract may have dropped the old columns of a same-table migration already.
  bool old_columns_dropped = false;
  if (m.phase == config::Phase::kNewOnly && m.same_table() && out.old_rel.exists) {
    for (const auto& down : m.down) {
      if (out.old_rel.column(down.column)) continue;
      rewrite::ColumnInfo ghost{down.column, "", "", "", false, true};
      if (m.kind == config::MigrationKind::kRenameColumn) {
        if (const auto* renamed = out.old_rel.column(m.up.front().column)) {
          ghost.type = renamed->type;
          ghost.base_type = renamed->base_type;
        }
      }
      out.old_rel.columns.push_back(ghost);
      old_columns_dropped = true;
    }
    out.new_rel = out.old_rel;
  }
  std::string err;
  for (size_t i = 0; i < m.up.size(); ++i) {
    const auto& up = m.up[i];
    if (need_new && out.new_rel.exists && !out.new_rel.column(up.column))
      return CheckProblem{"up." + up.column, "column " + up.column + " does not exist in " + m.new_table.to_string()};
    // up reads the old columns: with those gone it can no longer be planned over the table.
    if (out.old_rel.exists && !old_columns_dropped && !valid(true, i, out.old_rel, err))
      return CheckProblem{"up." + up.column,
                          "expression \"" + up.expr + "\" is not valid over " + m.old_table.to_string() + ": " + err};
  }
  // Before dual_write the new shape may not have been added yet (expand comes after the config
  // names the migration): down reads its columns, so it is checked once they are there.
  bool new_shape_there = out.new_rel.exists;
  if (m.same_table())
    for (const auto& up : m.up) new_shape_there = new_shape_there && out.new_rel.column(up.column) != nullptr;
  for (size_t i = 0; i < m.down.size(); ++i) {
    const auto& down = m.down[i];
    if (need_old && out.old_rel.exists && !out.old_rel.column(down.column))
      return CheckProblem{"down." + down.column, "column " + down.column + " does not exist in " + m.old_table.to_string()};
    if ((need_new || new_shape_there) && out.new_rel.exists && !valid(false, i, out.new_rel, err))
      return CheckProblem{"down." + down.column,
                          "expression \"" + down.expr + "\" is not valid over " + m.new_table.to_string() + ": " + err};
  }
  return std::nullopt;
}

}  // namespace switchyard::catalog
