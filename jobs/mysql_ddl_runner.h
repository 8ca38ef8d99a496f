// expand and contract under protocol: mysql, the dialect's half of ddl_runner.h: connects over
// `control` (libmariadb), reads what mysql_ddl_plan.h plans from (the old table's columns from
// information_schema.COLUMNS, its indexes from STATISTICS) and, for a new column the command
// line gives no --type for, the server's own answer for its `up` expression: a probe
// `CREATE TEMPORARY TABLE ... AS SELECT (up) ... FROM old WHERE FALSE` (no row is read; the
// temporary table is the session's and dropped at once), read back with SHOW FULL COLUMNS.
// Its connection tells the step loop (ddl_steps.h) a lock wait timeout (1205) or deadlock (1213),
// worth a retry, from a refused online form (1845, 1846: ALGORITHM=... is not supported), worth
// the next form. The session runs with lock_wait_timeout and STRICT_ALL_TABLES
// (mysql_session_setup). MariaDB only for now: a MySQL server is refused (its information_schema
// spells defaults as bare values).
#pragma once

#include <string>

#include "config/config.h"
#include "jobs/ddl_steps.h"
#include "rewrite/catalog.h"

namespace switchyard::jobs {

// REQUIRES: config.protocol is kMysql; `m` resolved by resolve_migration. False with why in
// `error`.
bool prepare_mysql_ddl(const config::Config& config, const rewrite::ResolvedMigration& m, bool expand,
                       const DdlOptions& options, DdlPrepared& out, std::string& error);

}  // namespace switchyard::jobs
