// In new_only the old columns of a same-table migration may already be dropped, so a write's
// reads of them (in SET values, WHERE, RETURNING, ON CONFLICT) are translated to their `down`
// expression over the new columns, typed as the old column was; a RETURNING target that was
// just an old column keeps its old output name.
#pragma once

#include <cstddef>

#include "rewrite/catalog.h"
#include "rewrite/pg/column_writes.h"
#include "rewrite/pg/pg_query_c.h"

namespace switchyard::rewrite::pg {

// Translates the expression in `*slot`. References are translated when unqualified or
// qualified by the written relation's name or alias; with `ambiguous` (the statement also reads
// other tables) an unqualified reference is refused rather than guessed.
StatementEdit translate_one(PgQuery__Node** slot, const ResolvedMigration& m, const PgQuery__RangeVar* rel,
                            bool ambiguous);

// Translates every entry of a list: SET targets' values, RETURNING targets.
StatementEdit translate_list(PgQuery__Node** items, size_t n, const ResolvedMigration& m, const PgQuery__RangeVar* rel,
                             bool ambiguous);

}  // namespace switchyard::rewrite::pg
