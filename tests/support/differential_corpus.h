// The hand-written half of the differential test's corpus (tests/integration/differential_test.cpp):
// PostgreSQL's write forms (INSERT ... VALUES / SELECT / ON CONFLICT, UPDATE ... FROM, DELETE ...
// USING, data-modifying CTEs, RETURNING expressions, MERGE, COPY FROM STDIN, TRUNCATE variants,
// multi-statement strings, transactions with savepoints) written once as templates and applied to
// every shape the schema (tests/integration/differential/schema.sql) migrates: the old and the
// new columns of the column kinds, the old and the new table of the table kinds.
#pragma once

#include <string>
#include <vector>

#include "tests/support/statement_runner.h"

namespace switchyard::test_support::differential {

// One case: statements sent one after another on one connection (for a multi-statement string,
// one statement holding several). `copy_data` is sent when a statement starts COPY FROM STDIN.
struct Case {
  std::string name;  // "<template>/<target>", e.g. "update_from_values/users_old"
  std::vector<Statement> statements;
  std::string copy_data{};
  bool simple_only = false;  // several statements in one string: the simple protocol only
};

// Every case: each template over each target, then the cases written for one table.
const std::vector<Case>& hand_written_cases();

// The relations the migrations name, for telling a write to a migrated table from other text.
const std::vector<std::string>& migrated_tables();

// `sql` with its literals, parameters and value lists reduced to `?`, whitespace collapsed and
// keywords upper-cased: statements that differ only in values have one shape.
std::string shape_of(const std::string& sql);

// Whether `sql` writes (INSERT, UPDATE, DELETE, MERGE, COPY FROM, TRUNCATE) and names a migrated
// table: the statements the rewrite targets count.
bool writes_migrated_table(const std::string& sql);

}  // namespace switchyard::test_support::differential
