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
//    A rename also copies each foreign key over the old column to the new one (below).
//  - expand, rename_table: CREATE TABLE new LIKE old (columns, defaults, indexes, CHECK
//    constraints), then the old table's foreign keys (below; one referencing its own table is
//    left to the operator, since the backfill's order would break it). copy_table: CREATE TABLE
//    new (the mapped columns, PRIMARY KEY (key)); a column copied as is keeps the old one's type,
//    character set and collation, NOT NULL where it was.
//  - a copied foreign key: MariaDB adds one in place (INPLACE, LOCK=NONE) only with
//    foreign_key_checks off, which skips checking the rows already there, so the step is
//    `SET STATEMENT foreign_key_checks=0 FOR ALTER TABLE ... ADD CONSTRAINT ... FOREIGN KEY`, and
//    the step after it checks those rows (PostgreSQL's NOT VALID, then VALIDATE): once the key is
//    in place every write is checked by the server, so a query for rows whose non-NULL values
//    the parent lacks, run after it, sees every row the key did not check; any such row fails
//    expand (SIGNAL), naming the key, and a rerun after they are fixed goes on. The name: the
//    old one with the old column (table) name replaced by the new, or `_new` appended (foreign
//    key names are per database in InnoDB).
//  - CHECK constraints over a renamed column: MariaDB adds a table CHECK only by copying the
//    table, but a column's own CHECK comes with ADD COLUMN and changes with MODIFY COLUMN in
//    place, without reading the rows. So expand gives the new column one CHECK, every CHECK over
//    the old column with the old name replaced by the new one, ANDed (a row fails a CHECK only
//    when it is false, so the AND fails exactly when one of them does), guarded by `new IS NULL
//    OR`: MariaDB checks every CHECK on every UPDATE of a row, so a condition false over a NULL
//    (`qty IS NOT NULL`) would refuse the clients' updates of the rows the backfill has not
//    reached. contract (after the backfill and verify) checks the rows against the exact
//    condition, fails naming it (SIGNAL) if one breaks it, then MODIFYs the column to the
//    exact CHECK. A column's own CHECK of another column that reads a dropped one is left to
//    the operator (a note; DROP COLUMN fails on it).
//  - contract, column kinds: the foreign keys over the columns it drops go first (MariaDB
//    refuses to drop a column or an index a foreign key needs), and so do the table CHECKs
//    that read them (DROP COLUMN fails on one: "Unknown column in 'CHECK'").
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

// One foreign key of the old table, as information_schema.KEY_COLUMN_USAGE and
// REFERENTIAL_CONSTRAINTS give it.
struct MysqlForeignKeyFact {
  std::string name;
  std::vector<std::string> columns;
  config::TableName references;                 // the parent table
  std::vector<std::string> referenced_columns;  // in the order of `columns`
  std::string update_rule = "RESTRICT", delete_rule = "RESTRICT";  // UPDATE_RULE, DELETE_RULE
};

// One CHECK constraint of the old table, as information_schema.CHECK_CONSTRAINTS gives it.
struct MysqlCheckFact {
  std::string name;
  std::string clause;         // CHECK_CLAUSE, the server's text: "`qty` >= 0"
  bool column_level = false;  // LEVEL 'Column': a column's own CHECK, named after it, dropped with it
};

struct MysqlDdlFacts {
  rewrite::ResolvedMigration migration;
  std::vector<MysqlColumnFact> columns;     // of the old table, in order (for the column kinds, the new ones too)
  std::vector<IndexFact> indexes;           // of the old table; plain: whole columns only, BTREE or HASH
  std::vector<MysqlForeignKeyFact> foreign_keys;  // of the old table (those it holds, not those naming it)
  std::vector<MysqlCheckFact> checks;             // of the old table, table and column CHECKs
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
