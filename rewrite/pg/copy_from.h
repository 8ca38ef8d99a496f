// COPY ... FROM into a migrated table, as a simple Query: the one COPY statement becomes four,
// which the server runs in the statement's transaction (the implicit one of the Query string,
// or the client's):
//   CREATE TEMPORARY TABLE pg_temp."_switchyard_copy_<i>" (<cols> <their types>);
//   COPY pg_temp."_switchyard_copy_<i>" (<cols>) FROM STDIN|'file'|PROGRAM <the same options>;
//   INSERT INTO <table> (<cols>) SELECT <cols> FROM pg_temp."_switchyard_copy_<i>";  -- rewritten
//   DROP TABLE pg_temp."_switchyard_copy_<i>";
// The INSERT goes through rewrite_sql, so it is the exact dual write of each kind and phase; its
// defaults and serial keys of unlisted columns are the table's own, evaluated once per row in
// COPY's row order (a temporary table is read in insertion order: it has no index, no parallel
// and no synchronized scan). The COPY streams into the temporary table as it would into the
// table; the proxy buffers nothing.
//
// What the client sees is restored by the Completions (rewrite_result.h): the CREATE, COPY and
// DROP tags are dropped (the COPY's CopyInResponse stays: same column count and formats, the
// columns having the table's types), and the INSERT's tag becomes "COPY n", n the rows it wrote,
// which is what COPY counts. An error ends the string with its own SQLSTATE; the transaction
// rolls back what any of the four did, the temporary table included.
//
// Refused (docs/migrations.md): FREEZE (it cannot apply to the table through a temporary one),
// WHERE (it may read unlisted columns' defaults, which only the table has). The four statements
// need a simple Query (RewriteResult::simple_query_only); a Parse of the COPY alone is sent as
// RewriteResult::extended_copy says (the session runs the other three around its Execute).
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "rewrite/catalog.h"
#include "rewrite/pg/pg_query_c.h"
#include "rewrite/rewrite_result.h"

namespace switchyard::rewrite::pg {

struct CopyExpansion {
  // The statements to send instead (joined with "; "), with one Completion each; empty: relay
  // the COPY as written (nothing to mirror, or a refusal waived by `on_unsupported: pass`).
  std::vector<std::string> statements;
  std::vector<Completion> completions;
  std::string migration;  // the migration concerned (expanded, relayed, refused or passed)
  std::string refusal;    // non-empty: refuse the text, and why
  RefusalReason code = RefusalReason::kUnsupportedForm;
  bool passed = false;    // a refusal waived by on_unsupported: pass (code says which)
};

// The COPY FROM statement `copy` (statement `index` of its text, for the temporary table's
// name) targets a relation of a migration in a phase other than off.
bool copies_into_migrated(const PgQuery__CopyStmt* copy, const Catalog& catalog);

// REQUIRES copies_into_migrated(copy, catalog). Edits `copy` (which is then only printed here).
CopyExpansion expand_copy_from(PgQuery__RawStmt* raw, size_t index, const Catalog& catalog, ReadRoute route);

}  // namespace switchyard::rewrite::pg
