// The DDL of expand and contract, planned with no I/O from facts the runner reads from the live
// catalog (ddl_runner.cpp), so `--dry-run` prints exactly what a real run executes and the
// plans are unit-tested as text.
//
// expand: adds the new shape beside the old one, nullable and without blocking writers:
//  - column kinds: ADD COLUMN IF NOT EXISTS (no default, so no table rewrite); for a rename,
//    the old column's plain indexes are rebuilt on the new one CONCURRENTLY and its foreign
//    keys are added NOT VALID, then VALIDATEd (which takes only a SHARE UPDATE EXCLUSIVE lock);
//  - rename_table: CREATE TABLE new (LIKE old INCLUDING DEFAULTS, CONSTRAINTS, INDEXES, ...),
//    then the old table's foreign keys NOT VALID + VALIDATE;
//  - copy_table: CREATE TABLE new (columns and types, PRIMARY KEY (key)); a column copied as
//    is from a NOT NULL column is NOT NULL (the table is empty, so this costs nothing).
// contract (phase new_only only): NOT NULL the safe way where the old column was NOT NULL
// (CHECK (c IS NOT NULL) NOT VALID, VALIDATE, SET NOT NULL, which then skips its scan, DROP
// the check), an optional backup, then DROP the old column(s) or table.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "rewrite/catalog.h"

namespace switchyard::jobs {

struct IndexFact {
  std::string name;
  bool unique = false;
  bool primary = false;
  bool plain = false;  // key columns only: no expression, predicate, INCLUDE, opclass or order options
  std::string method;  // btree, hash, ...
  std::vector<std::string> columns;
};

struct ForeignKeyFact {
  std::string name;
  std::vector<std::string> columns;
  std::string references;  // "schema"."table"("a", "b") as SQL text
  std::string actions;     // " ON DELETE CASCADE" etc., as SQL text, may be empty
};

// A CHECK constraint of the old table.
struct CheckFact {
  std::string name;
  std::string expr;                  // pg_get_expr(conbin): "(qty >= 0)"
  std::vector<std::string> columns;  // the columns it reads (conkey)
  bool no_inherit = false;
  bool validated = true;  // convalidated: false for one added NOT VALID and not validated since
};

struct OwnedSequence {
  std::string sequence;  // qualified, quoted
  std::string column;    // the old table's column it belongs to
};

struct DdlFacts {
  rewrite::ResolvedMigration migration;
  std::map<std::string, std::string> new_types;  // new column -> SQL type (--type, or inferred)
  std::vector<IndexFact> old_indexes;            // of the old relation
  std::vector<ForeignKeyFact> old_foreign_keys;  // of the old relation
  std::vector<CheckFact> old_checks;             // of the old relation
  std::vector<OwnedSequence> owned_sequences;    // serial/identity sequences of the old table
};

struct DdlStep {
  DdlStep(std::string sql_, std::string done_if_ = "", std::string concurrent_index_ = "")
      : sql(std::move(sql_)), done_if(std::move(done_if_)), concurrent_index(std::move(concurrent_index_)) {}

  std::string sql;
  // A query returning one boolean: true when the step's effect is already there (a rerun, or an
  // expand that was interrupted), so the step is skipped. Empty: always run.
  std::string done_if;
  // CREATE INDEX CONCURRENTLY: runs outside a transaction; a failed attempt leaves an invalid
  // index, which the runner drops (DROP INDEX CONCURRENTLY IF EXISTS `index`) before retrying.
  std::string concurrent_index;
  // MySQL: the statement's other online forms, tried in order when the server refuses the one
  // before (ALGORITHM=INSTANT, then ALGORITHM=INPLACE, LOCK=NONE). None left: the step fails
  // naming `by_hand`, the statement to run in a maintenance window (it may copy the table).
  std::vector<std::string> fallbacks;
  std::string by_hand;
};

struct DdlPlan {
  std::vector<DdlStep> steps;
  std::vector<std::string> notes;  // what the plan leaves to the operator, and why
  std::string error;               // set: nothing may run
};

DdlPlan plan_expand(const DdlFacts& facts);
DdlPlan plan_contract(const DdlFacts& facts, bool backup);

// Shared with the MySQL plans (mysql_ddl_plan.h): the rules that are not SQL.
bool is_column_kind(config::MigrationKind k);
// The old column a column-kind migration replaces (rename_column, change_column), or "".
std::string replaced_column(const config::Migration& m);
// The name of an index or constraint of `from` rebuilt over `to`: `from` in `name` replaced by
// `to` (users_full_name_idx -> users_display_name_idx), else `to` appended; fit_identifier'd.
std::string renamed_object(const std::string& name, const std::string& from, const std::string& to);
// `cols` with `from` replaced by `to`.
std::vector<std::string> replace_column(std::vector<std::string> cols, const std::string& from, const std::string& to);
// "contract is allowed only in phase new_only; ..." when `m` is not in new_only, else "".
std::string contract_phase_problem(const config::Migration& m);
// The old (`down`) columns contract drops, those `exists` says are still there: true with them in
// `drop`; false when there is nothing to do (a note in `plan`) or one is part of the primary
// key (plan.error).
bool columns_to_drop(const rewrite::ResolvedMigration& m, const std::function<bool(const std::string&)>& exists,
                     std::vector<std::string>& drop, DdlPlan& plan);
// "no type for new column c: pass --type c=TYPE".
std::string no_type_error(const std::string& column);

// The backup of contract --backup: switchyard."<migration>_backup" (cut to 63 bytes if need be).
std::string backup_table_name(const std::string& migration);

}  // namespace switchyard::jobs
