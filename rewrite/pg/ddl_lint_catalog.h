// What the DDL lint (ddl_lint.h) asks the catalog: which active migration still uses a table or
// a column, and whether a column type change is a known binary-coercible widening. Internal to
// rewrite/pg.
#pragma once

#include <string>

#include "rewrite/catalog.h"
#include "rewrite/pg/pg_query_c.h"

namespace switchyard::rewrite::pg::ddl {

// A relation as a statement names it; `schema` is empty when the name is unqualified.
struct Relation {
  std::string schema;
  std::string name;
  std::string to_string() const { return schema.empty() ? name : schema + "." + name; }
};
Relation relation_of(const PgQuery__RangeVar* rv);

// An unqualified name matches whatever schema the migration names (the session's search_path is
// not known here), as in the rewriter.
bool names(const Relation& r, const config::TableName& t);

// "migration NAME (phase PHASE)" for the first migration that still uses `table` (when `column`
// is empty) or its column `column`; empty if none does. A migration uses its old side (the old
// table; the columns its `down` writes and its `up` reads) in every phase before new_only, and
// its new side (the new table; the columns its `up` writes and its `down` reads) in every phase.
// Under rename_table and copy_table every column of either table counts as used.
std::string migration_using(const Catalog& catalog, const Relation& table, const std::string& column);

// True if `ALTER COLUMN column TYPE ...` as `def` gives it (the new type, USING, COLLATE) is
// known not to rewrite `table`: the column's current type is in the catalog (a table under a
// migration), there is no USING or COLLATE, and the change is one PostgreSQL does in place:
// the same type and modifier; varchar or text to text or to unconstrained varchar; varchar(n)
// to varchar(m >= n); numeric(p,s) to numeric(p' >= p, s) or unconstrained numeric. Anything
// else, including every change on a table the catalog does not know, is not known to be safe.
bool known_widening(const Catalog& catalog, const Relation& table, const std::string& column,
                    const PgQuery__ColumnDef* def);

}  // namespace switchyard::rewrite::pg::ddl
