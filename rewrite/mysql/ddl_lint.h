// The DDL lint under MySQL / MariaDB: finds, in SQL text that clients send through the proxy,
// the schema changes that make MariaDB 10.11 copy or lock a busy table, or that break clients or
// a running migration, and names the safe way to make each. PostgreSQL's lint is
// rewrite/pg/ddl_lint.h; the rules that mean the same carry the same names. Pure: no I/O, no
// logging; safe from any thread.
//
// Rules (docs/migrations.md, "DDL lint", "Under MySQL / MariaDB"), each checked against the
// server by tests/integration/mariadb_ddl_lint_test.cpp: a form flagged for copying or locking
// is refused by MariaDB when LOCK=NONE (or ALGORITHM=INSTANT) is added, and a form let through
// is accepted with LOCK=NONE.
//   rename_column              RENAME COLUMN a TO b, CHANGE a b ...: breaks every client using a
//   rename_table               RENAME TABLE, ALTER TABLE ... RENAME [TO|AS]
//   alter_column_type          MODIFY / CHANGE with a type that is not known to be the column's
//                              own or an in-place change (VARCHAR widening, ENUM members added at
//                              the end, the same type): ALGORITHM=COPY under a write lock
//   create_index               ADD / CREATE FULLTEXT or SPATIAL index: built under a shared lock
//   add_foreign_key            ADD [CONSTRAINT] FOREIGN KEY with foreign_key_checks on: COPY
//   add_column_volatile_default  ADD COLUMN AUTO_INCREMENT (a lock) or a STORED generated
//                              column (COPY)
//   drop_column_in_use, drop_table_in_use, truncate_table_in_use
//                              DROP COLUMN, DROP TABLE, TRUNCATE of what an active migration uses
// A statement that says LOCK=NONE or ALGORITHM=INSTANT is not flagged for copying or locking:
// MariaDB then refuses (ERR 1845 / 1846) rather than lock. ADD FOREIGN KEY is not flagged either
// with ALGORITHM=INPLACE / NOCOPY (refused while foreign_key_checks is on) or after a
// `SET foreign_key_checks = 0` earlier in the same text. Not flagged because MariaDB 10.11 does
// them online (verified): ADD INDEX / UNIQUE / PRIMARY KEY (INPLACE, LOCK=NONE), ADD COLUMN
// anywhere, NOT NULL or not (INSTANT), DROP COLUMN (INSTANT). Statements on a table created
// earlier in the same text are not flagged (new, empty), except the in-use rules. A text that
// carries `switchyard:allow RULE[,RULE...]` is not flagged for those rules.
#pragma once

#include <string_view>
#include <vector>

#include "rewrite/catalog.h"
#include "rewrite/ddl_finding.h"
#include "rewrite/lexical.h"

namespace switchyard::rewrite::mysql {

// True if `sql` has ALTER, RENAME, DROP, CREATE or TRUNCATE as a word anywhere, or a versioned
// comment (errs wide: every text lint_ddl finds something in passes).
bool may_be_ddl(std::string_view sql);

// The findings for every statement of `sql`, in text order, as a server with the session's
// `lexical` settings (sql_mode, server version, current database) reads it. Empty when there are
// none and when the text does not scan (the server reports that itself); a statement the reader
// does not know is skipped. `catalog` gives the migrations (the in-use and rename rules) and the
// column types of the tables they touch (alter_column_type).
std::vector<DdlFinding> lint_ddl(std::string_view sql, const Catalog& catalog, const Lexical& lexical);

}  // namespace switchyard::rewrite::mysql
