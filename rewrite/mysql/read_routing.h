// Routing the reads of one MySQL statement by phase, for the column migrations (rename_column,
// change_column, add_column): every table reference to a migrated table that is read (FROM and
// JOIN items of SELECTs at any depth, subqueries in writes, INSERT ... SELECT sources), and
// whose statement may read a column that differs between the shapes (it names one, or uses a
// `*`), is replaced by a derived table that presents the shape the statement names, from the
// shape read_phase.h chooses, under the same name and with the table's columns in order:
//
//   rename_column users.full_name -> display_name, served from the new shape:
//     SELECT full_name FROM users WHERE id = 1
//       => SELECT full_name FROM (SELECT `id`, (`display_name`) AS `full_name`, `display_name`
//                                 FROM users) AS users WHERE id = 1
//
// MySQL merges such a derived table into the outer query, so the plan is the plan over the
// table; the translated column has the type of its expression (a rename keeps the type; a
// change_column's `down` may differ in length or type from the old column). Index hints move
// into the derived table; `db.t.col` references to a replaced `db.t` become `t.col`. Write
// targets are not routed (the write path handles them: column_writes.h), nor the tables of a
// multi-table UPDATE or DELETE's reference list. Pure.
#pragma once

#include <cstdint>
#include <vector>

#include "rewrite/mysql/ast.h"
#include "rewrite/mysql/column_mapping.h"
#include "rewrite/mysql/sql_text.h"
#include "rewrite/rewrite_result.h"

namespace switchyard::rewrite::mysql {

struct ReadEdit {
  bool changed = false;
  uint64_t reads_mask = 0;  // bit i: the statement reads the table of catalog migration i
};

// Adds the routing of the statement `tree` to `edits`. `migrations`: the catalog's column
// migrations in a phase other than off.
// `database`: the session's current database (names_table).
ReadEdit route_reads(const Tree& tree, const std::vector<ColumnMigration>& migrations, ReadRoute route, TextEdits& edits,
                     const std::string& database);

// The kTable nodes `tree` reads, as route_reads sees them: FROM and JOIN items at any depth, not
// the write targets of an UPDATE or DELETE, and not the names of the statement's CTEs.
std::vector<NodeId> read_tables(const Tree& tree);

// Where a table reference `table` (a kTable) replaced by `replacement` without an alias of its
// own was written `db`.`t`: the `db`.`t`.`col` references to it become `t`.`col` (what the
// replacement, aliased `t`, answers to). Adds the edits.
void shorten_qualified_refs(const Tree& tree, const std::vector<std::pair<std::string, std::string>>& shortened, TextEdits& edits);

// True when `schema`.`name` names the table `t` as the rewriter matches them: the name without
// case, and the database: `schema`, or for an unqualified name the session's `database`. A
// database not known (empty) matches any, and so does a migration whose schema is still the
// default "public" (the schema loader resolves it to the control connection's database).
bool names_table(const std::string& schema, const std::string& name, const config::TableName& t,
                 const std::string& database);

}  // namespace switchyard::rewrite::mysql
