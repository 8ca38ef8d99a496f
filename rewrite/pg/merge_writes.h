// MERGE into a migrated table. Each WHEN action of a MERGE is a write of its own kind (UPDATE,
// DELETE, INSERT, DO NOTHING), so it is mirrored by the same machinery as that write
// (column_writes.h, table_writes.h): the action is lent to a temporary InsertStmt, UpdateStmt or
// DeleteStmt over the MERGE's target, edited there, and put back.
//
// Column kinds (rename_column, change_column, add_column), every phase:
//   WHEN MATCHED [AND cond] THEN UPDATE SET ...       as UPDATE ... SET ... WHERE cond;
//   WHEN NOT MATCHED [AND cond] THEN INSERT (cols) VALUES (...) / DEFAULT VALUES
//                                                     as INSERT (cols) VALUES (...) / DEFAULT VALUES;
//   WHEN MATCHED ... THEN DELETE / DO NOTHING         need nothing but, in new_only, their conditions.
// In new_only the ON clause and the MATCHED conditions read the old columns as `down` over the
// new ones (new_only_reads.h); an unqualified old column is refused, as in any write that reads
// other tables. A NOT MATCHED action sees only the source, so its condition and values are left
// as written. An INSERT action whose mirror would need a value evaluated once (a volatile value,
// or a volatile default such as a serial that `up` reads) is refused: MERGE's VALUES is one row
// with no sub-select form, so no single evaluation can feed both columns.
//
// Table kinds (rename_table, copy_table): in new_only a MERGE into the old table is retargeted
// to the new one (table_writes.h, translate_table_write), its actions translated as above. In the
// dual phases it is refused: mirroring it needs the rows it changed, which PostgreSQL 15 cannot
// return (docs/migrations.md, "MERGE").
#pragma once

#include <functional>

#include "rewrite/catalog.h"
#include "rewrite/pg/column_writes.h"
#include "rewrite/pg/pg_query_c.h"

namespace switchyard::rewrite::pg {

// Calls `edit` once per WHEN action of `stmt` with the write it stands for: an InsertStmt (cols
// and one VALUES row, or no source for DEFAULT VALUES) for INSERT, an UpdateStmt (SET list, WHERE
// = the action's condition) for UPDATE, a DeleteStmt (WHERE = the condition) for DELETE and for
// MATCHED ... DO NOTHING. The UPDATE and DELETE read other tables (the USING source), as their
// FROM / USING clauses say; `edit` must not change those. The temporaries share the MERGE's
// target RangeVar and live only during the call. What `edit` leaves is put back into the action;
// an INSERT whose source is no longer one VALUES row is refused (kVolatile), and so is anything
// `edit` refuses, the first refusal ending the walk.
using MergeActionEdit = std::function<StatementEdit(ProtobufCMessage* write)>;
StatementEdit edit_merge_actions(PgQuery__MergeStmt* stmt, const MergeActionEdit& edit);

// Column kinds: mirrors (and in new_only translates) every action of `stmt`, and in new_only
// its ON clause. `m` is a same-table migration (or copy_table's same-table view in new_only).
// A refusal leaves `stmt` as it was.
StatementEdit mirror_merge(PgQuery__MergeStmt* stmt, const ResolvedMigration& m, const VolatilityCatalog& volatility);

// Table kinds: new_only translates a MERGE into the old table (translate_table_write); the
// dual phases refuse it, saying why, unless every action is DO NOTHING (nothing is written).
StatementEdit merge_into_two_tables(PgQuery__MergeStmt* stmt, const ResolvedMigration& m,
                                    const VolatilityCatalog& volatility);

}  // namespace switchyard::rewrite::pg
