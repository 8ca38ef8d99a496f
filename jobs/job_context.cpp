// Migration resolution, checkpoint table and job lock; see job_context.h.
#include "jobs/job_context.h"

#include <unistd.h>

#include "jobs/backfill_sql.h"
#include "catalog/mysql_schema_loader.h"
#include "catalog/schema_loader.h"

namespace switchyard::jobs {

bool resolve_migration(const config::Config& config, const std::string& name, bool before_expand,
                       rewrite::ResolvedMigration& out, std::string& error) {
  const config::Migration* found = nullptr;
  for (const auto& m : config.migrations)
    if (m.name == name) found = &m;
  if (!found) {
    error = "no migration named '" + name + "' in the config";
    return false;
  }
  if (config.control.empty()) {
    error = "the config has no control: connection string";
    return false;
  }
  // Only this migration: another one's problem must not stop this job.
  config::Config one = config;
  one.migrations = {*found};
  if (before_expand) {
    one.migrations.front().phase = config::Phase::kOff;
    one.migrations.front().down.clear();
  }
  auto loaded = config.protocol == config::Protocol::kMysql ? catalog::load_mysql_schema(one) : catalog::load_schema(one);
  if (!loaded.ok) {
    error = loaded.error;
    return false;
  }
  out = loaded.catalog.migrations.front();
  out.spec = *found;
  return true;
}

bool ensure_checkpoint_table(Db& db, const std::string& migration, std::string& error) {
  QueryResult r = db.exec_script(checkpoint_ddl(migration));
  if (r.ok()) return true;
  db.exec_script("ROLLBACK");
  error = "cannot create the checkpoint table " + checkpoint_table(migration) + ": " + r.error();
  return false;
}

bool try_job_lock(Db& db, const std::string& family, const std::string& migration, const std::string& what,
                  std::string& error) {
  const AdvisoryKey k = advisory_key(family, migration);
  const std::string a = std::to_string(k.classid), b = std::to_string(k.objid);
  QueryResult r = db.exec("SELECT pg_try_advisory_lock($1::int4, $2::int4)", {a, b});
  if (!r.ok()) {
    error = "cannot take the advisory lock: " + r.error();
    return false;
  }
  if (r.value(0, 0) == "t") return true;
  QueryResult who = db.exec(
      "SELECT l.pid, coalesce(a.application_name, ''), coalesce(a.client_addr::text, 'local') FROM pg_locks l "
      "LEFT JOIN pg_stat_activity a ON a.pid = l.pid WHERE l.locktype = 'advisory' AND l.granted AND "
      "l.classid::int8 = ($1::int8 & 4294967295) AND l.objid::int8 = ($2::int8 & 4294967295) AND l.objsubid = 2",
      {a, b});
  std::string holder = "another session";
  if (who.ok() && who.rows() > 0)
    holder = "session pid " + who.value(0, 0) + " (" + who.value(0, 1) + ", from " + who.value(0, 2) + ")";
  error = "another " + what + " of migration " + migration + " is running: " + holder +
          " holds its advisory lock (" + a + ", " + b + "); wait for it to finish or stop it";
  return false;
}

bool read_checkpoint(Db& db, const std::string& migration, const std::string& job, Checkpoint& out, std::string& error) {
  out = {};
  QueryResult r = db.exec(checkpoint_select(migration), {job});
  if (!r.ok()) {
    error = "cannot read the checkpoint: " + r.error();
    return false;
  }
  if (r.rows() == 0) return true;
  out.exists = true;
  out.stage = r.value(0, 0);
  out.rows_done = r.number(0, 1);
  out.rows_changed = r.number(0, 2);
  out.host = r.value(0, 3);
  out.updated_at = r.value(0, 4);
  out.matching = r.number(0, 5);
  out.mismatched = r.number(0, 6);
  out.missing = r.number(0, 7);
  out.extra = r.number(0, 8);
  const std::string samples = r.value(0, 9);
  for (size_t at = 0; !samples.empty() && at <= samples.size();) {
    const auto nl = samples.find('\n', at);
    out.samples.push_back(samples.substr(at, nl == std::string::npos ? std::string::npos : nl - at));
    if (nl == std::string::npos) break;
    at = nl + 1;
  }
  QueryResult key = db.exec(checkpoint_key_select(migration), {job});
  if (!key.ok()) {
    error = "cannot read the checkpoint: " + key.error();
    return false;
  }
  for (int i = 0; i < key.rows(); ++i) out.last_key.push_back(key.value(i, 0));
  return true;
}

std::string host_name() {
  char buf[256] = {};
  if (gethostname(buf, sizeof buf - 1) != 0) return "unknown";
  return buf;
}

}  // namespace switchyard::jobs
