// Multi-column assignments in the SET list of an UPDATE or of ON CONFLICT DO UPDATE, and the
// forms a mirror uses to copy a value that must be evaluated only once:
//   SET (a, b) = ROW(x, y)       PostgreSQL's sugar for a = x, b = y;
//   SET (a, b) = (SELECT ...)    one sub-select, evaluated once per row (once per statement when
//                                it is uncorrelated), each column taking one of its outputs.
// A column computed from such a value gets the same value only from the same evaluation, so the
// mirror joins the assignment: the sub-select is wrapped, its outputs named, and the mirror is
// one more output computed from them. The parser gives each member of a multi-column
// assignment its own copy of the source (MultiAssignRef.source), as these functions do.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "rewrite/pg/message_ptr.h"
#include "rewrite/pg/outcome.h"
#include "rewrite/pg/pg_query_c.h"

namespace switchyard::rewrite::pg {

// The alias that the wrapping forms below give the values: outputs read them as
// source_column(name).
inline constexpr char kSourceAlias[] = "switchyard_s";
NodePtr source_column(std::string_view name);

// Rewrites each `(a, b) = ROW(x, y)` of the SET list `items` as `a = x, b = y`. A ROW whose
// length is not its number of columns is left for the server to refuse.
void split_row_assignments(PgQuery__Node** items, std::size_t n);

// The members [first, first + count) of one `(...) = (SELECT ...)` in a SET list.
struct AssignGroup {
  std::size_t first = 0;
  std::size_t count = 0;
  const PgQuery__SubLink* source = nullptr;  // owned by the list
};
std::vector<AssignGroup> assignment_groups(PgQuery__Node** items, std::size_t n);

// Names for the outputs of `group`'s sub-select: each member's column, made unique when two
// members assign into parts of one column (`(a[1], a[2])`).
std::vector<std::string> output_names(PgQuery__Node** items, const AssignGroup& group);

// `(SELECT <outputs> FROM (SELECT) AS switchyard_one LEFT JOIN (<sub-select of group>) AS
// switchyard_s(<names>) ON true)`: the group's sub-select, evaluated as often as before (the
// wrapper is correlated only if an output reads the row), one row of NULLs when it returns none,
// still an error when it returns more than one.
NodePtr wrapped_source(const AssignGroup& group, const std::vector<std::string>& names, std::vector<NodePtr> outputs);

// `(SELECT <outputs> FROM (SELECT <values>) AS switchyard_s(<names>) WHERE <qualifier>.ctid IS
// NOT NULL)`: the values evaluated once per row of the written table `qualifier` (the condition
// holds for every row; it only ties the sub-select to the row, as an uncorrelated sub-select
// would be evaluated once for the whole statement).
NodePtr per_row_source(std::vector<std::pair<std::string, NodePtr>> values, std::vector<NodePtr> outputs,
                       std::string_view qualifier);

// Makes the ResTargets `targets` (names and indirection kept) one assignment from `source`:
// `SET (t1, ..., tn) = source`. REQUIRES targets is not empty.
void assign_from(std::vector<NodePtr>& targets, const PgQuery__Node* source);

}  // namespace switchyard::rewrite::pg
