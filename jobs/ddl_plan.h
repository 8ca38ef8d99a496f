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

#include <map>
#include <string>
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

struct OwnedSequence {
  std::string sequence;  // qualified, quoted
  std::string column;    // the old table's column it belongs to
};

struct DdlFacts {
  rewrite::ResolvedMigration migration;
  std::map<std::string, std::string> new_types;  // new column -> SQL type (--type, or inferred)
  std::vector<IndexFact> old_indexes;            // of the old relation
  std::vector<ForeignKeyFact> old_foreign_keys;  // of the old relation
  std::vector<OwnedSequence> owned_sequences;    // serial/identity sequences of the old table
};

struct DdlStep {
  std::string sql;
  // A query returning one boolean: true when the step's effect is already there (a rerun, or an
  // expand that was interrupted), so the step is skipped. Empty: always run.
  std::string done_if;
  // CREATE INDEX CONCURRENTLY: runs outside a transaction; a failed attempt leaves an invalid
  // index, which the runner drops (DROP INDEX CONCURRENTLY IF EXISTS `index`) before retrying.
  std::string concurrent_index;
};

struct DdlPlan {
  std::vector<DdlStep> steps;
  std::vector<std::string> notes;  // what the plan leaves to the operator, and why
  std::string error;               // set: nothing may run
};

DdlPlan plan_expand(const DdlFacts& facts);
DdlPlan plan_contract(const DdlFacts& facts, bool backup);

// The backup of contract --backup: switchyard."<migration>_backup" (cut to 63 bytes if need be).
std::string backup_table_name(const std::string& migration);

}  // namespace switchyard::jobs
