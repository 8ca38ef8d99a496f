// Backfill: fills a migration's new shape from the old (through `up`), or with --reverse the old
// from the new (through `down`), in keyset-paginated batches, each its own short transaction that
// also advances the checkpoint (switchyard."<migration>", job "backfill"/"backfill_reverse"), so
// a killed backfill resumes at the last committed batch, from this host or another. Only one
// backfill of a migration runs at a time (a session advisory lock). Batches are race-free
// against dual writes going through the proxy (see backfill_sql.h), and for the table kinds a
// final sweep, run once every transaction older than the copy has ended, deletes target rows
// whose source row is gone (a delete that raced a batch). See docs/backfill.md.
//
// run_backfill blocks; to run it in another process's thread (the admin API), give it a
// BackfillProgress that other threads read, and set `stop` to make it end after the current
// batch (the checkpoint then holds where it stopped).
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "config/config.h"
#include "jobs/job_spec.h"
#include "jobs/progress.h"

namespace switchyard::jobs {

struct BackfillOptions {
  Direction direction = Direction::kForward;
  int64_t batch_rows = 1000;  // the first batch's size, and every batch's when batch_seconds == 0
  double batch_seconds = 0;   // > 0: size batches to take about this long
  int pause_ms = 0;           // sleep between batches
  int max_latency_ms = 0;     // 0: no latency throttle
  int max_lag_ms = 0;         // 0: no replica-lag throttle
  // protocol: mysql: replicas (HOST:PORT) whose lag is checked besides those the primary lists
  // in SHOW SLAVE HOSTS (PostgreSQL's are all in pg_stat_replication: refused there).
  std::vector<std::string> replicas;
  bool restart = false;       // ignore an unfinished checkpoint and start from the first key
  // Called on the job's thread: every batch (progress) and for notable events (notes).
  std::function<void(const ProgressSnapshot&)> on_progress;
  std::function<void(const std::string&)> on_note;
};

// Readable from any thread while run_backfill runs: read() returns the latest snapshot.
using BackfillProgress = ProgressBoard;

struct BackfillResult {
  bool ok = false;
  bool stopped = false;  // `stop` was set; the checkpoint holds where it stopped
  std::string error;
  bool resumed = false;
  std::vector<std::string> resumed_after;  // the checkpoint's key it resumed after
  int64_t rows_done = 0;                   // source rows walked, over all runs
  int64_t rows_changed = 0;                // target rows written (or deleted by the sweep)
  int64_t rows_this_run = 0;
};

BackfillResult run_backfill(const config::Config& config, const std::string& migration, const BackfillOptions& options,
                            BackfillProgress& progress, std::atomic<bool>& stop);

}  // namespace switchyard::jobs
