// The step loop of expand and contract, the same for PostgreSQL and MySQL: a plan of DDL steps
// (ddl_plan.h, mysql_ddl_plan.h) is run one statement at a time under the session's lock wait
// limit (PostgreSQL's lock_timeout, MySQL's lock_wait_timeout), each statement that timed out
// waiting for its lock retried with exponential backoff and jitter (as pgroll and Reshape do),
// so DDL never queues behind a long transaction while every other query queues behind the DDL.
// A step done already (its `done_if` says so) is skipped and said so; `--dry-run` prints the SQL
// a real run would execute and changes nothing. The dialect is a DdlConnection.
//
// Also the checks before contract, the same for both: the migration's phase is new_only in the
// config, and the proxies behind the admin API run nothing under an older phase (proxy_check.h).
#pragma once

#include <cstdio>
#include <map>
#include <memory>
#include <string>

#include "config/config.h"
#include "jobs/ddl_plan.h"

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

struct StepResult {
  bool ok = false;
  bool lock_timeout = false;  // the lock was not granted within the limit (or a deadlock): retry
  bool form_refused = false;  // the server refuses this statement's online form (MySQL ALGORITHM=): try the next
  std::string error;          // the server's message, one line
  std::string code;           // its code: "SQLSTATE 55P03", "error 1205"
};

// One dialect's connection, as the loop needs it. Not thread-safe.
class DdlConnection {
 public:
  virtual ~DdlConnection() = default;
  virtual StepResult exec(const std::string& sql) = 0;
  // Runs a step's done_if query: true when its one value is true. False with why in `error`
  // when the query failed (`done` is then unspecified).
  virtual bool test(const std::string& query, bool& done, std::string& error) = 0;
  // After a failed attempt of `step` (PostgreSQL drops an interrupted CONCURRENTLY index).
  virtual void after_failure(const DdlStep& step) { (void)step; }
};

// What the loop prints of the dialect.
struct DdlDialect {
  std::string set_limit;    // the statement that sets the lock wait limit: "SET lock_timeout = '500ms'"
  std::string limit_text;   // how messages name it: "lock_timeout (500 ms)"
  std::string holders;      // where to look for the holder: "pg_stat_activity and pg_locks"
};

// A plan ready to run: the steps, the dialect's words, and the connection to run them over.
struct DdlPrepared {
  DdlPlan plan;
  DdlDialect dialect;
  std::unique_ptr<DdlConnection> connection;
};

// Prints the plan's notes, sets the limit (unless a dry run) and runs the steps. The SQL goes to
// `out`, messages (retries, notes, errors) to `err`. 0 done (or printed), 1 failed.
int run_ddl_plan(const char* verb, const std::string& migration, const DdlPlan& plan, const DdlDialect& dialect,
                 DdlConnection& db, const DdlOptions& options, FILE* out, FILE* err);

// contract's checks before it reads anything: true when it may go ahead; otherwise false with
// the reason printed on `err`. Notes (no admin server, the proxies' counts) go to `err` too.
bool contract_may_run(const config::Config& config, const std::string& migration, const DdlOptions& options, FILE* err);

}  // namespace switchyard::jobs
