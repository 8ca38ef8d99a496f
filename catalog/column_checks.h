// The dialect-neutral half of checking a migration against the live schema, which both schema
// loaders (schema_loader.cpp for PostgreSQL, mysql_schema_loader.cpp for MySQL) run once they
// have read its relations: the shapes the phase needs exist (rewrite/migration_facts.h), in
// new_only the old columns contract already dropped become ghost columns (ColumnInfo::dropped),
// each up/down column exists, and each expression is valid over its table as the server judges
// it (the callback, the one dialect-specific step). Errors read "migration NAME (line N): KEY:
// problem". No I/O of its own.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>

#include "config/migration.h"
#include "rewrite/catalog.h"

namespace switchyard::catalog {

// "migration NAME (line N): KEY: problem", the one error shape of the schema checks.
std::string migration_error(const config::Migration& m, const std::string& key, const std::string& problem);

struct CheckProblem {
  std::string key;      // "table", "up.display_name", ...
  std::string problem;  // "table app.users does not exist"
};

// Whether mapping `index` of `m.spec.up` (up = true: over the old row) or of `m.spec.down` is a
// valid expression over `rel`; false with the server's reason in `error`.
using ExpressionCheck =
    std::function<bool(bool up, size_t index, const rewrite::RelationInfo& rel, std::string& error)>;

// REQUIRES: m.spec, m.old_rel and m.new_rel are set as read from the server (new_rel equal to
// old_rel for a same-table migration). May add ghost columns to old_rel (and then sets new_rel
// to it) in new_only. nullopt when the migration fits the schema.
std::optional<CheckProblem> check_columns(rewrite::ResolvedMigration& m, const ExpressionCheck& valid);

}  // namespace switchyard::catalog
