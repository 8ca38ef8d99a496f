// What a MySQL / MariaDB data job (backfill, verify) needs before it starts: the migration
// resolved by catalog::load_mysql_schema (that one migration only), a connection over the
// config's `control` string, the JobSpec read with that session's sql_mode and character set,
// the checkpoint table (`switchyard`.`checkpoints`) and the job family's lock: GET_LOCK(
// 'switchyard.<family>.<migration>', 0) on the job's own connection. The lock is the session's,
// so a killed job (whose connection the server sees close) never leaves it held, and a second
// run on any host is refused at once, naming the connection that holds it.
#pragma once

#include <string>

#include "catalog/mysql_connection.h"
#include "config/config.h"
#include "jobs/job_spec.h"

namespace switchyard::jobs {

struct MysqlJob {
  catalog::MysqlConn conn;
  rewrite::ResolvedMigration migration;
  JobSpec spec;     // in the job's direction
  JobSpec reverse;  // the other direction's, when it has one (verify checks down too)
  bool has_reverse = false;

  std::string literal(const std::string& s) const { return catalog::mysql_literal(conn.get(), s); }
  catalog::MysqlResult exec(const std::string& sql) const { return catalog::mysql_exec(conn.get(), sql); }
};

// REQUIRES: config.protocol is kMysql. `family` names the lock ("backfill", "verify"); `what`
// the job in the refusal ("backfill"). False with why in `error`.
bool open_mysql_job(const config::Config& config, const std::string& name, Direction direction, const std::string& family,
                    const std::string& what, MysqlJob& out, std::string& error);

// Server error numbers a batch retries: ER_LOCK_DEADLOCK (1213), ER_LOCK_WAIT_TIMEOUT (1205).
bool is_mysql_retryable(unsigned code);

}  // namespace switchyard::jobs
