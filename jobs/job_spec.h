// What a data job (backfill, verify) does for one migration, in one direction, as plain data
// derived from the migration and the live schema: read rows of `source`, page by `key`, and make
// each `columns[i].name` of `target` equal to `columns[i].expr` evaluated over the source row.
// Pure: no I/O.
//
// Forward (old -> new) uses `up`; reverse (new -> old, for a rollback after new_only) uses
// `down`. For the table kinds, target columns that `up`/`down` do not name but that exist in
// both tables under one name are copied as they are (rename_table copies every column so).
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "rewrite/catalog.h"

namespace switchyard::jobs {

enum class Direction { kForward, kReverse };

struct TargetColumn {
  std::string name;  // a column of the target relation
  std::string expr;  // one SQL expression over the source row, deparsed from its parse tree
  std::string type;  // the target column's type, format_type() text, e.g. "character(1)"
};

struct JobSpec {
  std::string migration;
  config::MigrationKind kind = config::MigrationKind::kRenameColumn;
  Direction direction = Direction::kForward;
  config::TableName source;
  config::TableName target;            // == source for the column kinds
  std::vector<std::string> key;        // the row key, in both relations
  std::vector<std::string> key_types;  // base types of the key columns (for casting parameters)
  std::vector<TargetColumn> columns;   // for the table kinds, the key columns come first

  bool same_table() const { return source == target; }
  std::vector<std::string> column_names() const;
};

struct JobSpecResult {
  std::optional<JobSpec> spec;
  std::string error;  // why there is no spec: a missing shape, no usable key, no down
};

// REQUIRES: `m` was resolved by proxy::load_schema.
JobSpecResult make_job_spec(const rewrite::ResolvedMigration& m, Direction direction);

// The text of a mapping's expression in the dialect the job runs: `expr` as configured for
// target column `column`, or nullopt with why in `error` when it is not exactly one expression.
using ExpressionText = std::function<std::optional<std::string>(const std::string& column, const std::string& expr,
                                                                std::string& error)>;
// As above, each expression spelled by `text` (make_job_spec uses PostgreSQL's canonical
// deparse; the MySQL jobs pass mysql_job_spec.h's).
JobSpecResult make_job_spec(const rewrite::ResolvedMigration& m, Direction direction, const ExpressionText& text);

}  // namespace switchyard::jobs
