// The derived facts of a migration; see migration_facts.h.
#include "rewrite/migration_facts.h"

namespace switchyard::rewrite {

RowKey row_key(const config::Migration& spec, const RelationInfo& old_rel, const RelationInfo& new_rel) {
  if (!spec.key.empty()) return {spec.key, RowKey::Source::kExplicit};
  if (old_rel.exists) {
    if (old_rel.primary_key.empty()) return {};
    return {old_rel.primary_key, RowKey::Source::kOldPrimaryKey};
  }
  if (!new_rel.primary_key.empty()) return {new_rel.primary_key, RowKey::Source::kNewPrimaryKey};
  return {};
}

PhaseShapes phase_shapes(config::Phase phase) {
  using config::Phase;
  PhaseShapes s;
  s.needs_old = phase != Phase::kNewOnly;
  s.needs_new = phase != Phase::kOff;
  s.dual = phase != Phase::kOff && phase != Phase::kNewOnly;
  return s;
}

bool is_two_table(const config::Migration& spec) {
  return spec.kind == config::MigrationKind::kRenameTable || spec.kind == config::MigrationKind::kCopyTable;
}

}  // namespace switchyard::rewrite
