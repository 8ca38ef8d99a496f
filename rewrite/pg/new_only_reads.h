// Serving a column of one shape from the other: a migration's `up` or `down` expression over
// the serving shape's row, typed as the served column was declared. Read routing builds its
// sub-selects from served_value (read_routing.h). In new_only the old columns of a same-table
// migration may already be dropped, so a write's reads of them (in SET values, WHERE,
// RETURNING, ON CONFLICT), which cannot go through a sub-select, are translated in place to
// their `down` expression over the new columns; a RETURNING target that was just an old column
// keeps its old output name.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "rewrite/catalog.h"
#include "rewrite/pg/column_writes.h"
#include "rewrite/pg/message_ptr.h"
#include "rewrite/pg/outcome.h"
#include "rewrite/pg/pg_query_c.h"

namespace switchyard::rewrite::pg {

// `expr_text` (an up or down expression over a row of `rel`) as the value of a column declared
// `type` (format_type text, modifier included, so a read describes the same type and modifier
// as the column it stands for; no cast when `type` is empty, e.g. a dropped column of unknown
// type). Column references of `rel` are qualified by `qualifier` when it is not empty.
Outcome<NodePtr> served_value(const std::string& expr_text, const RelationInfo& rel, const std::string& type,
                              const std::string& qualifier = "");

// Translates the expression in `*slot`. References are translated when unqualified or
// qualified by the written relation's name or alias; with `ambiguous` (the statement also reads
// other tables) an unqualified reference is refused rather than guessed. With `on_conflict`
// (the SET list and WHERE of ON CONFLICT DO UPDATE), references qualified by EXCLUDED are
// translated too, to `down` over EXCLUDED's new columns: the old-shaped INSERT wrote the new ones.
StatementEdit translate_one(PgQuery__Node** slot, const ResolvedMigration& m, const PgQuery__RangeVar* rel,
                            bool ambiguous, bool on_conflict = false);

// RETURNING * (or <target>.*) of a write in new_only would list the old columns as stored, which
// no longer follow the new ones: spelt out instead as `columns` (the old shape's, in order),
// qualified as the star was, for translate_list to serve the old ones from the new. An
// unqualified * of a statement that `reads_others` (FROM, USING) would list their columns too:
// refused, as is any * when `columns` is empty (the old table is gone).
StatementEdit expand_returning_star(PgQuery__Node*** items, size_t* n, const std::vector<std::string>& columns,
                                    const PgQuery__RangeVar* rel, bool reads_others);

// In ON CONFLICT DO UPDATE of an old-shaped INSERT, `SET old = EXCLUDED.old` (how ORMs upsert)
// becomes `SET new = EXCLUDED.new` for each new column whose `up` reads only old columns so set:
// the INSERT computed EXCLUDED's new columns from exactly those values, where `down` over them
// need not give the values back. Those old columns then leave the list (unless another mirror
// reads one too: then the list is left to translate_list and the mirrors).
StatementEdit assign_new_from_excluded(PgQuery__OnConflictClause* oc, const ResolvedMigration& m);

// Translates every entry of a list: SET targets' values, RETURNING targets.
StatementEdit translate_list(PgQuery__Node** items, size_t n, const ResolvedMigration& m, const PgQuery__RangeVar* rel,
                             bool ambiguous, bool on_conflict = false);

}  // namespace switchyard::rewrite::pg
