// Dual writes for migrations that keep one table and add or rename columns (rename_column,
// change_column, add_column). Each function edits one write statement in place so that it
// also writes the other shape, in the same statement:
//   - an old-shaped write (it writes no new column) also sets each new column to `up`;
//   - a new-shaped write (new columns but no old ones) also sets each old column to `down`,
//     until new_only;
//   - in new_only an old-shaped write is translated to write the new columns only, since the old
//     ones may be gone;
//   - a write that sets both shapes is left as the application wrote it.
// Written values are substituted into up/down as CAST(value AS base type); a value that may be
// volatile (random(), nextval(), a sub-select holding one, ...) is evaluated once: an INSERT's
// VALUES move into a sub-select, and an UPDATE's value and its mirror become one multi-column
// assignment from a sub-select (multi_assign.h), as does a mirror of a column set by
// `SET (list) = (SELECT ...)`. INSERT ... DEFAULT VALUES mirrors from the defaults.
#pragma once

#include <string>

#include "rewrite/catalog.h"
#include "rewrite/rewrite_result.h"
#include "rewrite/pg/pg_query_c.h"

namespace switchyard::rewrite::pg {

struct StatementEdit {
  bool changed = false;
  std::string refusal;  // non-empty: the statement cannot be mirrored exactly, and why
  RefusalReason code = RefusalReason::kUnsupportedForm;  // with `refusal`: its class
};

// `volatility` tells which written values may not be evaluated twice (expr.h, may_be_volatile).
StatementEdit mirror_insert(PgQuery__InsertStmt* stmt, const ResolvedMigration& m, const VolatilityCatalog& volatility);
StatementEdit mirror_update(PgQuery__UpdateStmt* stmt, const ResolvedMigration& m, const VolatilityCatalog& volatility);
// new_only: a column an old-shaped INSERT leaves out, or sets to DEFAULT, would take the old
// column's default (NULL without one), and a trigger-kept new column would be computed from it
// by `up`. Where such a new column has no default of its own (and the INSERT does not write
// it), the old value is written explicitly into each row of VALUES, or SELECT output (evaluated
// once per row, as the old table would), so the translation maps it as any written value; a
// DEFAULT VALUES INSERT becomes one such row. Old columns: all of the old table's for
// copy_table, the `down` ones for the column kinds. Other phases and kinds: no change.
StatementEdit supply_old_defaults(PgQuery__InsertStmt* stmt, const ResolvedMigration& m);
// Only new_only changes a DELETE of a same-table migration: its reads of old columns.
StatementEdit mirror_delete(PgQuery__DeleteStmt* stmt, const ResolvedMigration& m);

}  // namespace switchyard::rewrite::pg
