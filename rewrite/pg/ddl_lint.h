// The DDL lint: finds the schema changes that lock or rewrite a busy table, or break clients or a
// running migration, in SQL text that clients send through the proxy, and names the safe way to
// make each change. Pure: no I/O, no logging; safe to call from any thread.
//
// Rules (docs/migrations.md, "DDL lint"), each finding carrying its rule id:
//   rename_column, rename_table      ALTER TABLE ... RENAME: breaks every client using the old name
//   alter_column_type                ALTER COLUMN TYPE, unless a known binary-coercible widening
//   add_column_not_null              ADD COLUMN NOT NULL with no default, or a volatile one
//   add_column_volatile_default      ADD COLUMN that fills every row (volatile default, serial,
//                                    identity, stored generated): rewrites the table
//   set_not_null                     ALTER COLUMN SET NOT NULL: scans the table under its lock
//   create_index                     CREATE INDEX without CONCURRENTLY
//   add_index_constraint             ADD PRIMARY KEY / UNIQUE without USING INDEX
//   add_foreign_key, add_check       ADD CONSTRAINT FOREIGN KEY / CHECK without NOT VALID
//   drop_column_in_use,              DROP of a column or table that an active migration uses:
//   drop_table_in_use                its old side in a phase before new_only, its new side always
// Statements on a table created earlier in the same text are not flagged (the table is new and
// empty), except the drop rules. A text that carries `switchyard:allow RULE[,RULE...]` (normally
// in a comment) is not flagged for those rules: the escape hatch for a change known to be safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "rewrite/catalog.h"
#include "rewrite/ddl_finding.h"

namespace switchyard::rewrite::pg {

using rewrite::DdlFinding;  // rewrite/ddl_finding.h

// The cheap test that keeps non-DDL away from the parser: true if the first keyword of the text,
// or of any part of it after a ';', is ALTER, CREATE or DROP (after whitespace and comments).
// Errs wide (a ';' inside a literal starts a "part" too), never narrow.
bool may_be_ddl(std::string_view sql);

// The findings for every statement of `sql`, in text order. Empty when there are none and when
// the text does not parse (the server reports the syntax error itself). `catalog` gives the
// migrations (for the drop rules) and the column types of the tables they touch (for
// alter_column_type). Does not apply may_be_ddl: callers do, to skip the parse.
std::vector<DdlFinding> lint_ddl(std::string_view sql, const Catalog& catalog);

// "switchyard: ddl_lint RULE: MESSAGE; safe alternative: ALTERNATIVE", the client's error text.
std::string describe(const DdlFinding& finding);

}  // namespace switchyard::rewrite::pg
