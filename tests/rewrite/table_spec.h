// The spec of a two-table migration (rename_table, copy_table) as the rewriter tests of both
// dialects build their catalogs from it; the caller adds mappings, key and relations.
#pragma once

#include <string>
#include <utility>

#include "config/migration.h"

namespace switchyard::rewrite::testing {

inline config::Migration table_spec(std::string name, config::MigrationKind kind, config::TableName old_table,
                                    config::TableName new_table, config::Phase phase) {
  config::Migration m;
  m.name = std::move(name);
  m.kind = kind;
  m.old_table = std::move(old_table);
  m.new_table = std::move(new_table);
  m.phase = phase;
  return m;
}

}  // namespace switchyard::rewrite::testing
