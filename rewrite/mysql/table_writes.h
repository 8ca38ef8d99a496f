// The two-table migrations (rename_table, copy_table) on MySQL / MariaDB. MySQL has no
// data-modifying CTE, so a write and its mirror cannot be one statement (PostgreSQL's
// rewrite/pg/table_writes.h); in the dual phases each write becomes a WriteScript
// (rewrite/write_script.h) that the session runs in one transaction or savepoint:
//
//   UPDATE / DELETE of one table: the keys of the rows it changes are captured first with a
//     locking read of the same WHERE / ORDER BY / LIMIT (SELECT key FROM t ... FOR UPDATE), the
//     write runs limited to those keys (its reply is the client's: affected rows, info string),
//     and the mirror brings the other table's rows for those keys in line.
//   INSERT ... VALUES / SET [IGNORE]: the keys are the rows' own (literal, non-volatile key
//     values) and the AUTO_INCREMENT values the OK packet reports (the first one; a multi-row
//     insert's are consecutive under innodb_autoinc_lock_mode 0 or 1, stepped by the session's
//     @@auto_increment_increment).
//
// The mirror is a sync of the other table to the written one for those keys, so a key that
// changed nothing, or a row a concurrent writer already brought in line, is harmless:
//   INSERT INTO other (cols) SELECT map FROM written WHERE <keys> ON DUPLICATE KEY UPDATE ...
//   DELETE FROM other WHERE <keys> AND NOT EXISTS (SELECT 1 FROM written WHERE key = key)
// `map` is copy_table's `columns` (up) from the old table, its `down` from the new one, and
// every column as it is for rename_table.
//
// new_only: rename_table's statements naming the old table are retargeted to the new one (reads
// and writes); copy_table's old-shaped statements are refused. Reads of rename_table are served
// from the new table when read_phase.h says so (`new AS old`); copy_table's are not routed.
//
// Refused, with the reason (docs/migrations.md): INSERT ... SELECT, REPLACE, ON DUPLICATE KEY
// UPDATE, RETURNING, multi-table UPDATE / DELETE, an UPDATE of a key column, key values that are
// volatile or read the row, TRUNCATE before new_only, and (by the session) such a write prepared
// with COM_STMT_PREPARE or sent among other statements in one query. Pure.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "rewrite/catalog.h"
#include "rewrite/mysql/ast.h"
#include "rewrite/mysql/lexical.h"
#include "rewrite/mysql/sql_text.h"
#include "rewrite/rewrite_result.h"

namespace switchyard::rewrite::mysql {

struct TableMigration {
  const ResolvedMigration* migration = nullptr;
  size_t index = 0;                   // in the catalog, for the read route
  std::vector<std::string> key;       // the row key's columns
  std::vector<bool> key_numeric;      // per key column: an integer or decimal type
  // The other table's columns over a written row: up (each new column over the old row), down
  // (each old column over the new row; empty: writes to the new table cannot be mirrored).
  std::vector<std::pair<std::string, std::string>> up;
  std::vector<std::pair<std::string, std::string>> down;
  bool rename = false;
};

bool is_table_kind(const config::Migration& m);

// nullopt, with why in `error`, when the migration cannot be planned (no row key, an expression
// that does not parse as MySQL).
std::optional<TableMigration> table_migration(const ResolvedMigration& m, size_t index, const LexicalSettings& settings,
                                              std::string& error);

struct TableWrite {
  bool changed = false;
  std::string refusal;  // non-empty: refused, and why
  RefusalReason code = RefusalReason::kUnsupportedForm;
  std::optional<WriteScript> script;
};

// The dual phases' plan of `root` (kInsert / kUpdate / kDelete / kTruncate) writing tm's old
// table (`writes_new` false) or new one. `edits` holds what other migrations changed in the text.
// `alone`: the statement is the text's only one (a script replaces a whole command).
TableWrite plan_table_write(const Tree& tree, NodeId root, const TableMigration& tm, bool writes_new, const TextEdits& edits,
                            bool alone, const LexicalSettings& settings, const std::string& database);

// rename_table's statements served from the new table: every reference to the old table that
// `reads_only` leaves (all of them in new_only; the read ones otherwise) names the new table,
// aliased as the old one. Adds to `edits`; true if it changed anything.
bool retarget_rename(const Tree& tree, const TableMigration& tm, bool reads_only, TextEdits& edits, const std::string& database);

// The keys condition of a script: the captured rows' keys (text values as the server sent them,
// quoted for `no_backslash_escapes`), the INSERT's explicit keys and its generated ones from
// `first_insert_id`. "FALSE" when there is none.
std::string keys_condition(const WriteScript& script, const std::vector<std::vector<std::string>>& captured,
                           uint64_t first_insert_id, bool no_backslash_escapes);

}  // namespace switchyard::rewrite::mysql
