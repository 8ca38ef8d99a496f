// Verify of a MySQL / MariaDB column migration: run_verify (verify.h) under protocol: mysql. It
// walks the table in key chunks and, per chunk in one statement, counts rows where some new
// column is not NULL-safe equal to up(old row) or, when the migration has down, some old column
// to down(new row) (`<=>`, so under the column's collation), "missing" when the new columns are
// all NULL; then describes up to `samples` differing rows by key. The table kinds compare each
// old row's up() with the new row of its key (one statement per chunk, a LEFT JOIN: "missing"
// when there is none), then count new rows with no old row over the same bounds ("extra"); with
// --reverse (VerifyOptions::direction) the same from the new table, each old row against
// down(new row). Resumable: after each chunk the counts, the samples so far and the chunk's
// last key go to `switchyard`.`verify_checkpoints`, and an unfinished verify goes on from there
// (--restart ignores it; a finished one starts over; a reverse one is kept as
// "<migration>:reverse"). One verify of a migration and direction at a time
// (GET_LOCK 'switchyard.verify.<migration>', 'switchyard.verify_reverse.<migration>').
#pragma once

#include "jobs/verify.h"

namespace switchyard::jobs {

// REQUIRES: config.protocol is kMysql. Same contract as run_verify.
VerifyReport run_mysql_verify(const config::Config& config, const std::string& migration, const VerifyOptions& options,
                              ProgressBoard& progress, std::atomic<bool>& stop);

}  // namespace switchyard::jobs
