// What every job needs before it starts: the migration resolved against the live schema
// (through proxy::load_schema, for that one migration only), a connection, the checkpoint table,
// and the advisory lock that keeps two runs of one job family on one migration from overlapping
// (on any host: the lock lives in PostgreSQL and is released when the session ends, so a
// killed job never leaves it held).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "config/config.h"
#include "jobs/pg.h"
#include "rewrite/catalog.h"

namespace switchyard::jobs {

// Finds `name` in `config` and resolves it with catalog::load_schema (or, under protocol: mysql,
// catalog::load_mysql_schema). `before_expand` resolves it
// as in phase `off` and without checking `down` (which reads new columns that expand has yet to
// add); `out.spec` is always the migration as configured.
bool resolve_migration(const config::Config& config, const std::string& name, bool before_expand,
                       rewrite::ResolvedMigration& out, std::string& error);

// CREATE SCHEMA switchyard / CREATE TABLE switchyard."<migration>" if missing.
bool ensure_checkpoint_table(Db& db, const std::string& migration, std::string& error);

// pg_try_advisory_lock for (family, migration); false with a clear error, naming the session
// that holds it, when another run has it.
bool try_job_lock(Db& db, const std::string& family, const std::string& migration, const std::string& what,
                  std::string& error);

struct Checkpoint {
  bool exists = false;
  std::string stage;  // "copy", "sweep", "compare", "done"
  std::vector<std::string> last_key;  // empty before the first batch
  int64_t rows_done = 0, rows_changed = 0;
  int64_t matching = 0, mismatched = 0, missing = 0, extra = 0;
  std::vector<std::string> samples;
  std::string host, updated_at;
};
bool read_checkpoint(Db& db, const std::string& migration, const std::string& job, Checkpoint& out, std::string& error);

// This host's name, for the checkpoint's `host` column.
std::string host_name();

}  // namespace switchyard::jobs
