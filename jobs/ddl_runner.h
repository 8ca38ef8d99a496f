// Runs expand and contract, under protocol: postgres or mysql: resolves the migration, reads from
// the live catalog what the plan needs (ddl_facts.h; mysql_ddl_runner.h), plans (ddl_plan.h;
// mysql_ddl_plan.h) and runs the plan's steps through the shared step loop (ddl_steps.h): each
// statement under the lock wait limit, retried with backoff, `--dry-run` printing exactly the SQL
// a real run would execute (steps already done shown as comments) and changing nothing.
#pragma once

#include <cstdio>
#include <string>

#include "config/config.h"
#include "jobs/ddl_steps.h"

namespace switchyard::jobs {

// Return the process exit status: 0 done (or printed, for a dry run), 1 failed. The SQL goes
// to `out`, messages (retries, notes, errors) to `err`.
int run_expand(const config::Config& config, const std::string& migration, const DdlOptions& options, FILE* out, FILE* err);
int run_contract(const config::Config& config, const std::string& migration, const DdlOptions& options, FILE* out,
                 FILE* err);

}  // namespace switchyard::jobs
