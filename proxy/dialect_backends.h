// The I/O half of a dialect: what a second dialect (MySQL / MariaDB, issue 14) must provide
// beside its pure rewrite::Dialect (rewrite/dialect.h). DECLARED FOR LATER: nothing implements or
// uses these interfaces yet. PostgreSQL's code for each is libpq-bound and called directly today
// (named below); issue 14 moves it behind these and writes the MySQL ones on libmariadb.
//
// All of them do blocking I/O: never call them on a session's worker thread (the schema source
// runs at start-up and on the reload thread; shadow backends on the shadow executor's threads;
// job SQL is pure text that a job's own connection runs).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "config/config.h"
#include "proxy/schema_loader.h"
#include "proxy/shadow_compare.h"

namespace switchyard::proxy {

// The live schema of the configured migrations, read over `control`, checked against each
// migration. PostgreSQL: load_schema (proxy/schema_loader.h) with the routine and server-writer
// catalog (proxy/routine_catalog.h). MySQL: information_schema, no server-side volatility
// catalog (its functions declare DETERMINISTIC instead).
class SchemaSource {
 public:
  virtual ~SchemaSource() = default;
  virtual SchemaLoad load(const config::Config& config) = 0;
};

// One connection of the shadow executor (proxy/shadow.h): runs one read of a ShadowRead in a
// read-only snapshot and returns its rows as text. PostgreSQL: ShadowConnection
// (proxy/shadow_connection.h), its snapshot started by "BEGIN ISOLATION LEVEL REPEATABLE READ READ
// ONLY" (proxy/shadow.cpp). MySQL: "START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY", and
// `?` placeholders for the parameters.
class ShadowBackend {
 public:
  virtual ~ShadowBackend() = default;
  // The statement(s) that open the snapshot both sides of a comparison read in, with
  // `statement_timeout_ms` as the server's own bound (0: none).
  virtual std::string snapshot_start(uint32_t statement_timeout_ms) const = 0;
  virtual bool ensure(std::string& error) = 0;
  virtual bool command(const std::string& sql, std::string& error) = 0;
  virtual bool query(const std::string& sql, const std::vector<ShadowValue>& params, const std::vector<int>& formats,
                     const std::vector<uint32_t>& types, ShadowRows& rows, std::string& error) = 0;
  virtual void reset() = 0;
};

// Makes a shadow backend for `conninfo` (the `control` connection) on the calling thread.
using ShadowBackendFactory = std::unique_ptr<ShadowBackend> (*)(const std::string& conninfo,
                                                                uint32_t statement_timeout_ms);

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
