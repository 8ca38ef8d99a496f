// The I/O half of a dialect: what each wire protocol provides beside its pure rewrite::Dialect
// (rewrite/dialect.h).
//
//   ShadowBackend: implemented for both. PostgreSQL: PgShadowBackend over libpq
//     (proxy/pg_shadow_backend.cpp, on ShadowConnection); MySQL / MariaDB: MySqlShadowConnection
//     over libmariadb (proxy/mysql_shadow_connection.h). The shadow executor (proxy/shadow.h)
//     makes one per worker by config::Config::protocol.
//   SchemaSource, JobSql: DECLARED FOR LATER; nothing implements or uses them yet. PostgreSQL's
//     code for each is called directly (named below); the MySQL schema source is
//     catalog/mysql_schema_loader.h, chosen by protocol in proxy/generation.cpp.
//
// All of them do blocking I/O: never call them on a session's worker thread (the schema source
// runs at start-up and on the reload thread; shadow backends on the shadow executor's threads;
// job SQL is pure text that a job's own connection runs).
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

#include "catalog/schema_loader.h"
#include "config/config.h"
#include "planner/shadow_read.h"
#include "proxy/shadow_compare.h"

namespace switchyard::proxy {

// The live schema of the configured migrations, read over `control`, checked against each
// migration. PostgreSQL: load_schema (catalog/schema_loader.h) with the routine and server-writer
// catalog (catalog/routine_catalog.h). MySQL: catalog/mysql_schema_loader.h.
class SchemaSource {
 public:
  virtual ~SchemaSource() = default;
  virtual catalog::SchemaLoad load(const config::Config& config) = 0;
};

// Both sides of one comparison, as a ShadowBackend read them.
struct ShadowPair {
  bool ok = false;
  std::string side;  // when !ok: "connection", "setup", "served" or "other"
  std::string error;
  ShadowRows served;  // rows as text, NULL as nullopt (distinct from "")
  ShadowRows other;
  double served_seconds = 0;  // each side's own latency
  double other_seconds = 0;
};

// One connection of a shadow worker (proxy/shadow.h) over `control`: runs both texts of a
// ShadowRead in one read-only snapshot, each bounded by the statement timeout, and returns their
// rows. PostgreSQL: "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY" and SET LOCAL
// statement_timeout, in one pipeline. MySQL: "START TRANSACTION WITH CONSISTENT SNAPSHOT, READ
// ONLY", each read bounded by max_statement_time (MariaDB) or max_execution_time (MySQL).
//
// Contract for every implementation: connects lazily (a failed attempt is retried after a
// backoff, meanwhile read_pair fails with side "connection"); leaves no transaction open after
// read_pair returns (after an error it ends the transaction or the session); every wait is
// bounded, and once `stopping` (given at creation) is set a read in flight is given up within
// about 2.5 s. Thread: owned and used by one worker thread.
class ShadowBackend {
 public:
  virtual ~ShadowBackend() = default;
  // `served_first`: the served text runs first (the executor alternates it, so that warming the
  // caches for the second side does not skew the latency histograms).
  virtual ShadowPair read_pair(const ShadowRead& read, bool served_first) = 0;
};

// The backends, each made on the worker thread that owns it. `stopping` must outlive it;
// `statement_timeout_ms` 0: no bound.
std::unique_ptr<ShadowBackend> make_pg_shadow_backend(const std::string& conninfo, uint32_t statement_timeout_ms,
                                                      const std::atomic<bool>& stopping);
std::unique_ptr<ShadowBackend> make_mysql_shadow_backend(const std::string& control, uint32_t statement_timeout_ms,
                                                         const std::atomic<bool>& stopping);

// The SQL text the jobs (backfill, verify, expand, contract) run. PostgreSQL: jobs/backfill_sql.h,
// jobs/verify_sql.h and jobs/ddl_plan.h build it; pure text, so each dialect's is unit-tested as
// text. MySQL has no advisory-lock-in-transaction (GET_LOCK is per session), no ON CONFLICT (ON
// DUPLICATE KEY UPDATE) and no IS DISTINCT FROM (<=>).
class JobSql {
 public:
  virtual ~JobSql() = default;
  virtual std::string checkpoint_table(const std::string& migration) const = 0;
};

}  // namespace switchyard::proxy
