// Dual writes on MySQL / MariaDB for the migrations that keep one table (rename_column,
// change_column, add_column): each function adds to `edits` what one write statement needs so
// that it also writes the other shape, in the same statement (write_plan.h says how). INSERT
// and REPLACE (VALUES / VALUE rows, SET, SELECT; ON DUPLICATE KEY UPDATE with VALUES(col) and
// the row alias), single-table UPDATE (ORDER BY / LIMIT kept); DELETE needs nothing but, in
// new_only, its reads of old columns translated. What cannot be mirrored exactly is refused
// with the reason (docs/migrations.md, "MySQL / MariaDB").
#pragma once

#include <string>

#include "rewrite/mysql/ast.h"
#include "rewrite/mysql/column_mapping.h"
#include "rewrite/mysql/sql_text.h"
#include "rewrite/rewrite_result.h"

namespace switchyard::rewrite::mysql {

struct WriteEdit {
  bool changed = false;
  std::string refusal;  // non-empty: the statement cannot be mirrored exactly, and why
  RefusalReason code = RefusalReason::kUnsupportedForm;
};

// REQUIRES: `root` is the statement's kInsert / kUpdate / kDelete and writes cm's table; the
// read routing's edits (if any) are already in `edits` (a value's text includes them). On a
// refusal `edits` may hold part of the rewrite: discard it.
// `simultaneous`: the session's SIMULTANEOUS_ASSIGNMENT (lexical.h): a SET then reads the row as
// it was, and what a SET list would mirror is refused.
WriteEdit mirror_insert(const Tree& tree, NodeId root, const ColumnMigration& cm, TextEdits& edits, bool simultaneous = false);
WriteEdit mirror_update(const Tree& tree, NodeId root, const ColumnMigration& cm, TextEdits& edits, bool simultaneous = false);
WriteEdit mirror_delete(const Tree& tree, NodeId root, const ColumnMigration& cm, TextEdits& edits);

}  // namespace switchyard::rewrite::mysql
