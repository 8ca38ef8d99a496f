// Routing reads by phase: each read of a migrated relation (a FROM or JOIN item anywhere in a
// SELECT, INSERT, UPDATE, DELETE, MERGE, DECLARE, EXPLAIN or COPY (query), including
// sub-queries, CTEs, set operations, LATERAL and the FROM / USING lists of writes) is served
// from the shape read_phase.h chooses, and looks to the statement exactly like the relation it
// names: same column names, order and types.
//
// How: the FROM item is replaced, not the column references (read_shape.h builds the
// replacement):
//   - a table kind whose shapes have the same columns (rename_table): the other table, under
//     the name the statement used:            FROM inovices  =>  FROM invoices inovices
//   - otherwise a sub-select that presents the other shape:
//       FROM users u  =>  FROM (SELECT id, display_name::text AS full_name, email, display_name
//                               FROM users) u
// PostgreSQL pulls such a simple sub-select up into the query, so plans, index use on the
// other columns, FOR UPDATE / FOR SHARE (which lock the serving table's rows) and parameter
// type inference stay as they were. Replacing the FROM item, unlike substituting column
// references, needs no knowledge of other tables' columns: PostgreSQL still resolves
// unqualified names, `*`, `t.*`, USING and NATURAL joins itself, and `*` keeps its order.
// Only references `schema.table.column` to a replaced item are edited (an alias cannot be
// schema-qualified): they become `table.column`.
//
// What is left alone: write targets (the write path mirrors them; column_writes.h, and
// new_only_reads.h for new_only's in-place translation); references to a CTE of the same name;
// a TABLESAMPLE item; a column kind's FROM item when the statement names none of the columns
// that differ (no `*`, no whole-row reference), so such reads keep their text byte for byte;
// and a table kind's item whose statement may read a column the other shape cannot produce.
#pragma once

#include <cstdint>

#include "rewrite/catalog.h"
#include "rewrite/pg/pg_query_c.h"
#include "rewrite/rewrite_result.h"

namespace switchyard::rewrite::pg {

struct ReadEdit {
  bool changed = false;     // the statement was edited and must be deparsed
  uint64_t reads_mask = 0;  // bit i: the statement reads a relation of catalog migration i
};

// Routes the reads of one top-level statement in place. Migrations in phase off are ignored
// (neither routed nor counted). A read that cannot be served from the chosen shape (an
// expression that does not parse, a column the other shape lacks) stays on the shape it names.
ReadEdit route_reads(PgQuery__RawStmt* statement, const Catalog& catalog, ReadRoute route);

// True if `statement` is a SELECT whose top-level query has ORDER BY.
bool is_ordered_select(const PgQuery__RawStmt* statement);

}  // namespace switchyard::rewrite::pg
