// The DDL of expand and contract under protocol: mysql (MariaDB 10.4+), planned with
// no I/O from facts mysql_ddl_runner.cpp reads from information_schema, so `--dry-run` prints
// what a real run executes and the plans are unit-tested as text. The rules are PostgreSQL's
// (ddl_plan.h); the SQL is MySQL's, names backquoted, and every ALTER TABLE in an online form:
//  - ADD / DROP / MODIFY COLUMN: `..., ALGORITHM=INSTANT`, falling back to `ALGORITHM=INPLACE,
//    LOCK=NONE` where the server refuses INSTANT; ADD INDEX: `ALGORITHM=INPLACE, LOCK=NONE`.
//    Never a COPY: a step whose every online form is refused fails and names the statement to
//    run by hand (DdlStep::by_hand).
//  - expand, column kinds: the new column, nullable, with no default (so a row not backfilled
//    stays NULL). A rename copies the old column's type, character set and collation;
//    change_column / add_column take the type
//    from --type or from the server's own answer for `up` (mysql_ddl_runner.cpp's probe). A
//    rename rebuilds each index over the old column (whole columns, BTREE or HASH) over the new.
//  - expand, rename_table: CREATE TABLE new LIKE old (columns, defaults, indexes; not foreign
//    keys). copy_table: CREATE TABLE new (the mapped columns, PRIMARY KEY (key)); a column copied
//    as is keeps the old one's type, character set and collation, NOT NULL where it was.
//  - contract (phase new_only only): MODIFY the new column NOT NULL where the replaced column
//    was, and for a rename give it the old column's default and ON UPDATE (strict mode, set by
//    the runner, makes a NULL left behind fail the step rather than become ''), an optional
//    backup into `switchyard`.`<migration>_backup`, then DROP INDEX the old columns' indexes (so
//    the DROP COLUMN that follows can be INSTANT, no rebuild) and DROP COLUMN the old columns
//    (refused for a primary key column), or DROP TABLE the old table.
// Each step is skipped when information_schema shows its effect (a rerun does nothing).
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "jobs/ddl_plan.h"

namespace switchyard::jobs {

// One column of the old table, as information_schema.COLUMNS gives it.
struct MysqlColumnFact {
  std::string name;
  std::string type;                         // COLUMN_TYPE: "varchar(100)", "int(10) unsigned"
  bool nullable = true;
  std::optional<std::string> default_sql;   // COLUMN_DEFAULT, SQL text on MariaDB 10.2+ ("'x'", "NULL"); none
  std::string charset, collation;           // empty for types without
  std::string extra;                        // EXTRA: "auto_increment", "on update current_timestamp()", ...
};

struct MysqlDdlFacts {
  rewrite::ResolvedMigration migration;
  std::vector<MysqlColumnFact> columns;     // of the old table, in order (for the column kinds, the new ones too)
  std::vector<IndexFact> indexes;           // of the old table; plain: whole columns only, BTREE or HASH
  // New column -> its definition without NULL / NOT NULL: --type, or the server's answer for up.
  std::map<std::string, std::string> new_types;
  // copy_table: new column -> the old column its `up` is, when it is nothing but that column.
  std::map<std::string, std::string> copied_from;

  const MysqlColumnFact* column(const std::string& name) const;
};

// A string literal, escaped for the connection the plan runs on (catalog::mysql_literal).
using MysqlLiteral = std::function<std::string(const std::string&)>;

DdlPlan plan_mysql_expand(const MysqlDdlFacts& facts, const MysqlLiteral& literal);
DdlPlan plan_mysql_contract(const MysqlDdlFacts& facts, bool backup, const MysqlLiteral& literal);

// `c`'s definition as ADD COLUMN takes it, without NULL / NOT NULL: type, CHARACTER SET and
// COLLATE when it has them, then (with `with_default`) its DEFAULT and ON UPDATE.
std::string mysql_column_definition(const MysqlColumnFact& c, bool with_default);

// MySQL's lock_wait_timeout is whole seconds: `lock_timeout_ms` rounded up, at least 1.
int mysql_lock_wait_seconds(int lock_timeout_ms);
// What the runner sets first: the lock wait limit, and strict mode (STRICT_ALL_TABLES added).
std::string mysql_session_setup(int lock_timeout_ms);

// `switchyard`.`<migration>_backup`.
std::string mysql_backup_table(const std::string& migration);

}  // namespace switchyard::jobs
