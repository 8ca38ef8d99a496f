// Opening a MySQL data job; see mysql_job_context.h.
#include "jobs/mysql_job_context.h"

#include "catalog/mysql_schema_loader.h"
#include "jobs/job_context.h"
#include "jobs/mysql_backfill_sql.h"
#include "jobs/mysql_job_spec.h"
#include "rewrite/mysql/session_settings.h"

namespace switchyard::jobs {
namespace {

// A batch may wait for row locks (innodb_lock_wait_timeout is 50 s by default): reads wait longer.
constexpr unsigned kIoTimeoutSeconds = 120;

bool take_lock(MysqlJob& job, const std::string& family, const std::string& what, std::string& error) {
  const std::string name = job.literal(mysql_lock_name(family, job.migration.spec.name));
  catalog::MysqlResult r = job.exec("SELECT GET_LOCK(" + name + ", 0)");
  if (!r.ok || r.rows.empty()) {
    error = "cannot take the lock " + mysql_lock_name(family, job.migration.spec.name) + ": " + r.error;
    return false;
  }
  if (r.rows[0][0].value_or("") == "1") return true;
  catalog::MysqlResult who = job.exec("SELECT IS_USED_LOCK(" + name + ")");
  std::string holder = "another connection";
  if (who.ok && !who.rows.empty() && who.rows[0][0]) holder = "connection id " + *who.rows[0][0];
  error = "another " + what + " of migration " + job.migration.spec.name + " is running: " + holder +
          " holds the lock " + mysql_lock_name(family, job.migration.spec.name) + "; wait for it to finish or stop it";
  return false;
}

}  // namespace

bool is_mysql_retryable(unsigned code) { return code == 1213 || code == 1205; }

bool open_mysql_job(const config::Config& config, const std::string& name, Direction direction, const std::string& family,
                    const std::string& what, MysqlJob& out, std::string& error) {
  if (!resolve_migration(config, name, false, out.migration, error)) return false;
  auto control = catalog::parse_mysql_control(config.control, error);
  if (!control) return false;
  out.conn = catalog::connect_mysql(*control, kIoTimeoutSeconds, error);
  if (!out.conn) {
    error = "control: cannot connect: " + error;
    return false;
  }
  // Read the expressions as this session will: its sql_mode and character set.
  rewrite::mysql::LexicalSettings settings;
  rewrite::mysql::follow_server_version(settings, mysql_get_server_info(out.conn.get()));
  catalog::MysqlResult s = out.exec(rewrite::mysql::kSettingsQuery);
  if (!s.ok || s.rows.empty()) {
    error = "cannot read the session's sql_mode: " + s.error;
    return false;
  }
  if (auto problem = rewrite::mysql::follow_session(settings, s.rows[0][0].value_or(""), s.rows[0][1].value_or(""))) {
    error = "the control session's settings: " + *problem;
    return false;
  }
  // Short batches, and no gap locks holding up the application's inserts.
  catalog::MysqlResult iso = out.exec("SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED");
  if (!iso.ok) {
    error = "cannot set the isolation level: " + iso.error;
    return false;
  }
  auto spec = make_mysql_job_spec(out.migration, direction, settings);
  if (!spec.spec) {
    error = spec.error;
    return false;
  }
  out.spec = *spec.spec;
  const Direction other = direction == Direction::kForward ? Direction::kReverse : Direction::kForward;
  auto reverse = make_mysql_job_spec(out.migration, other, settings);
  out.has_reverse = reverse.spec.has_value();
  if (reverse.spec) out.reverse = *reverse.spec;
  for (const std::string& ddl : mysql_checkpoint_ddl()) {
    catalog::MysqlResult r = out.exec(ddl);
    if (!r.ok) {
      error = std::string("cannot create the checkpoint table ") + kMysqlCheckpointTable + ": " + r.error;
      return false;
    }
  }
  return take_lock(out, family, what, error);
}

}  // namespace switchyard::jobs
