// Backfill of a MySQL / MariaDB migration: run_backfill (backfill.h) under protocol: mysql.
// Keyset batches by the primary key, each its own short transaction (the column kinds'
// `UPDATE t SET new = (up) WHERE key in (lo, hi]`, the table kinds' upsert into the new table
// and then their sweep of new rows whose old row is gone: mysql_backfill_sql.h) that also advances the
// checkpoint row (`switchyard`.`checkpoints`, migration, job "backfill"/"backfill_reverse"), so
// a kill -9 resumes at the last committed batch; race-free against dual writes through the proxy
// because InnoDB's UPDATE reads and locks the newest row version (mysql_backfill_sql.h). One
// backfill of a migration at a time (GET_LOCK, mysql_job_context.h). Throttled on the upstream's
// latency and on its replicas' lag (--max-lag-ms: a heartbeat row, mysql_replica_lag.h). See
// docs/backfill.md.
#pragma once

#include "jobs/backfill.h"

namespace switchyard::jobs {

// REQUIRES: config.protocol is kMysql. Same contract as run_backfill.
BackfillResult run_mysql_backfill(const config::Config& config, const std::string& migration,
                                  const BackfillOptions& options, BackfillProgress& progress, std::atomic<bool>& stop);

}  // namespace switchyard::jobs
