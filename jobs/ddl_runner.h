// Runs expand and contract: reads the facts the plan needs from the live catalog (indexes,
// foreign keys and owned sequences of the old relation, the types of `up` expressions), plans
// (ddl_plan.h), and runs each statement under lock_timeout, retrying a statement that timed out
// waiting for its lock with exponential backoff and jitter (as pgroll and Reshape do), so DDL
// never queues behind a long transaction while every other query queues behind the DDL.
// `--dry-run` prints exactly the SQL a real run would execute (steps already done are shown as
// comments) and changes nothing.
#pragma once

#include <cstdio>
#include <map>
#include <string>

#include "config/config.h"

namespace switchyard::jobs {

struct DdlOptions {
  bool dry_run = false;
  int lock_timeout_ms = 500;
  int retries = 8;               // further attempts after a lock timeout
  int backoff_ms = 250;          // the first wait; doubled each retry, at most 10 s, +-25% jitter
  bool backup = false;           // contract: keep the dropped data in switchyard."<migration>_backup"
  bool force = false;            // contract: even if the proxy still runs sessions behind (proxy_check.h)
  std::map<std::string, std::string> types;  // expand: --type COLUMN=TYPE
};

// Return the process exit status: 0 done (or printed, for a dry run), 1 failed. The SQL goes
// to `out`, messages (retries, notes, errors) to `err`.
int run_expand(const config::Config& config, const std::string& migration, const DdlOptions& options, FILE* out, FILE* err);
int run_contract(const config::Config& config, const std::string& migration, const DdlOptions& options, FILE* out,
                 FILE* err);

}  // namespace switchyard::jobs
