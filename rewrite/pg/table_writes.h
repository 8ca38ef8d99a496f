// Writes under the two-table migration kinds (rename_table, copy_table), whose old and new shapes
// live in two relations, so a write to one must also write the other in the same statement.
//
// Dual phases (dual_write, shadow, canary, read_new): the original write moves into a
// data-modifying CTE that returns every column of the written table, and the other table is
// written from that CTE's rows (so every value is evaluated once):
//   WITH switchyard_w AS (<original> RETURNING <table or alias>.*)
//   INSERT INTO other (cols) OVERRIDING SYSTEM VALUE SELECT map(w) FROM switchyard_w ORDER BY <key>
//     ON CONFLICT (key) DO UPDATE SET col = EXCLUDED.col, ...        -- INSERT and UPDATE
//   DELETE FROM other WHERE key IN (SELECT map(key) FROM switchyard_w)  -- DELETE
// `map` is `up` for an old-shaped write (to the old table) and `down` (plus same-named columns)
// for a new-shaped one. The statement's outer command then changes; the Completion says how
// the session restores what the client would have seen (docs/migrations.md).
//
// new_only: an old-shaped write is retargeted to the new table (aliased by the old name), its
// columns translated through up/down for copy_table; new-shaped writes are left alone.
#pragma once

#include <string>

#include "rewrite/catalog.h"
#include "rewrite/migration_facts.h"
#include "rewrite/pg/column_writes.h"
#include "rewrite/pg/pg_query_c.h"
#include "rewrite/rewrite_result.h"

namespace switchyard::rewrite::pg {

// rename_table or copy_table (rewrite/migration_facts.h).
inline bool is_two_table(const ResolvedMigration& m) { return rewrite::is_two_table(m.spec); }

// Whether `rv` names `t`: an unqualified name matches whatever schema `t` has (the session's
// search_path is not known here, and a needless rewrite is safe where a missed one is not).
bool names_table(const PgQuery__RangeVar* rv, const config::TableName& t);

// new_only only (other phases: no change): edits one INSERT, UPDATE, DELETE or MERGE (`write`, an
// InsertStmt/UpdateStmt/DeleteStmt/MergeStmt message) to the old table of `m` in place so that it
// writes the new table instead (a MERGE's actions as merge_writes.h says). A write to the new
// table is left alone.
StatementEdit translate_table_write(ProtobufCMessage* write, const ResolvedMigration& m,
                                    const VolatilityCatalog& volatility);

struct TableMirror {
  bool changed = false;
  std::string refusal;    // non-empty: the statement cannot be mirrored exactly, and why
  std::string migration;  // the migration concerned (changed or refused)
  Completion completion;  // what the client must see for this statement (patched only if needed)
  // A write that cannot be mirrored under `on_unsupported: pass`: relay the statement as written.
  bool relay_unchanged = false;
};

// Dual phases: mirrors every write in statement `raw` to a relation of a two-table migration in
// a dual phase (rename_table, copy_table), restructuring the statement as described above.
// Writes may be the statement itself or sit in its top-level WITH; anywhere else (EXPLAIN,
// PREPARE) they are refused. A TRUNCATE goes to mirror_truncate.
TableMirror mirror_table_writes(PgQuery__RawStmt* raw, const Catalog& catalog);

// TRUNCATE (table_truncate.cpp). In a dual phase, a TRUNCATE that lists one table of a
// two-table migration also lists the other, with the same ONLY; RESTART IDENTITY and CASCADE
// apply to the whole list, as for the tables the client named, so the sequences owned by the
// other table's columns restart too. A TRUNCATE that would empty one table of such a migration
// without listing either (through CASCADE, or through an inheritance parent without ONLY) is
// refused, since the other table's rows cannot be reached the same way. new_only: the old table
// is replaced by the new one.
TableMirror mirror_truncate(PgQuery__TruncateStmt* t, const Catalog& catalog);

}  // namespace switchyard::rewrite::pg
