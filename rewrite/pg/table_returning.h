// A write's RETURNING list, moved out of the write so that the write can return every column of
// its table to the mirror (two-table migrations, table_writes.h), while the statement still
// returns exactly the original's columns: same values, names and types, in the same order.
//
// When the list reads only the written table (always for INSERT; for UPDATE and DELETE without
// FROM/USING), it moves to the outer `SELECT <list> FROM switchyard_w AS <alias>`, where the
// CTE's columns are the table's, in the table's order, under the table's name or alias. When it
// reads other tables too, each target stays in the write as `expr AS switchyard_rN` and the outer
// list selects `switchyard_rN AS <the name PostgreSQL would have given the target>`. A target that
// names a system column (xmin, xmax, cmin, cmax, ctid, tableoid) is always computed in the write
// that way, since the CTE carries only the table's own columns: the client gets the system
// columns of the row its statement wrote.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "rewrite/catalog.h"
#include "rewrite/pg/message_ptr.h"
#include "rewrite/pg/pg_query_c.h"

namespace switchyard::rewrite::pg {

struct MovedReturning {
  std::vector<NodePtr> outer;  // the outer SELECT's target list (ResTargets)
  std::string refusal;         // non-empty: the list cannot be moved exactly, and why
};

// Edits the write's returning list (`*items`, `*n`) so that it returns `<table or alias>.*` (and the computed
// extras), and gives back the outer list. `rel` is the written relation as the statement names
// it, `table` its columns; `reads_other_tables` is true when the write has FROM or USING.
// REQUIRES *n > 0. On refusal the list may be partly edited (the statement is refused whole).
MovedReturning move_returning(PgQuery__Node*** items, size_t* n, const PgQuery__RangeVar* rel,
                              const RelationInfo& table, bool reads_other_tables);

// Replaces the write's returning list with `<table or alias>.*` alone (the mirror needs every
// column of the written table, and only those).
void return_all_columns(PgQuery__Node*** items, size_t* n, const PgQuery__RangeVar* rel);

// The output name PostgreSQL gives an unnamed target expression (FigureColname in
// parse_target.c), or "" when this code cannot tell for sure.
std::string figure_column_name(const PgQuery__Node* expr);

}  // namespace switchyard::rewrite::pg
