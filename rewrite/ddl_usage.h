// What the DDL lints of both dialects (rewrite/pg/ddl_lint.h, rewrite/mysql/ddl_lint.h) share:
// which active migration still uses a table or a column, the `switchyard:allow` marker, the
// findings whose meaning is the same in every dialect (renames, drops of what a migration uses)
// and the client's error text. Each dialect supplies how it matches names and reads a
// migration's up / down expressions. Pure: no I/O.
#pragma once

#include <functional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "rewrite/catalog.h"
#include "rewrite/ddl_finding.h"

namespace switchyard::rewrite::ddl {

// How a dialect tells what a statement's table and column are, for migration_using.
struct NameRules {
  // True if the statement's table is `t` (a migration's old or new table).
  std::function<bool(const config::TableName& t)> is_table;
  // True if the statement's column `column` is the migration's column `configured`.
  std::function<bool(const std::string& column, const std::string& configured)> same_column;
  // Adds the names of the columns a migration's up or down expression `expr` reads.
  std::function<void(const std::string& expr, std::vector<std::string>& out)> columns_read;
};

// "migration NAME (phase PHASE)" for the first migration that still uses the table `rules`
// names (when `column` is empty) or its column `column`; empty if none does. A migration uses
// its old side (the old table; the columns its `down` writes and its `up` reads) in every phase
// before new_only, and its new side (the new table; the columns its `up` writes and its `down`
// reads) in every phase. Under rename_table and copy_table every column of either table counts.
std::string migration_using(const Catalog& catalog, const NameRules& rules, const std::string& column);

// The rules a `switchyard:allow RULE[, RULE...]` marker anywhere in `sql` switches off (lower
// case). The marker is normally in a comment; it is looked for in the raw text.
std::set<std::string> allowed_rules(std::string_view sql);
// Removes the findings whose rule `sql` allows.
void drop_allowed(std::string_view sql, std::vector<DdlFinding>& findings);

// "switchyard: ddl_lint RULE: MESSAGE; safe alternative: ALTERNATIVE", the client's error text.
std::string describe(const DdlFinding& finding);

// The findings every dialect words alike. `table` and `where` (table.column) as the statement
// names them; `user` as migration_using gives it (may be empty for the renames).
DdlFinding rename_column(const std::string& where, const std::string& to, const std::string& user);
DdlFinding rename_table(const std::string& table, const std::string& to, const std::string& user);
DdlFinding drop_column_in_use(const std::string& where, const std::string& user);
DdlFinding drop_table_in_use(const std::string& table, const std::string& user);

}  // namespace switchyard::rewrite::ddl
