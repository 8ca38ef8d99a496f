// The FROM item that serves one read of a migrated relation from the shape its route chooses
// (read_routing.h): either the other table under the name the statement used, or a sub-select
// that presents the shape the statement names, each column of the other shape typed as the
// column it stands for.
#pragma once

#include <cstddef>
#include <set>
#include <string>
#include <vector>

#include "rewrite/catalog.h"
#include "rewrite/pg/message_ptr.h"
#include "rewrite/pg/pg_query_c.h"

namespace switchyard::rewrite::pg {

// What one statement may read by name, over all its scopes (collected before any edit).
// Over-approximate on purpose: a needless rewrite is safe, a missed one is not.
struct References {
  std::set<std::string> names;       // every name in every column reference and USING list
  std::set<std::string> whole_rows;  // single-name column references: maybe a whole-row reference
  bool star = false;                 // `*`, `t.*` or a NATURAL join somewhere
};
References collect_references(ProtobufCMessage* statement);

// One migration that the FROM item names, and where its reads go.
struct RouteMatch {
  std::size_t index = 0;  // in the catalog
  const ResolvedMigration* migration = nullptr;
  bool names_old = false;  // the item names the old relation (both, for the column kinds)
  bool serve_new = false;  // read_phase.h's decision
};

// The replacement for the FROM item `rv`, or null when it stays as it is: it is already served
// from the right shape, the statement reads nothing that differs, or the other shape cannot
// produce a column the statement may read. A table kind that routes the item takes precedence
// over column kinds on the same relation (they are not composed).
NodePtr served_item(const PgQuery__RangeVar* rv, const std::vector<RouteMatch>& matches, const References& refs);

}  // namespace switchyard::rewrite::pg
