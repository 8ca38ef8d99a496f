// Progress of a long job (backfill, verify): a snapshot other threads may read while the job
// runs (for the admin API), the arithmetic (percent, rows/s, ETA), and its display: a bar
// redrawn in place when stderr is a terminal, else a log line at most every few seconds.
#pragma once

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <mutex>
#include <string>

namespace switchyard::jobs {

struct ProgressSnapshot {
  std::string job;        // "backfill users-display-name"
  std::string stage;      // "copy", "sweep", "compare", "done", "failed"
  int64_t rows_done = 0;  // rows of the source walked through
  int64_t rows_total = 0; // an estimate (reltuples or count(*)); 0 when unknown
  int64_t rows_changed = 0;
  std::string changed_label = "changed";  // what rows_changed counts ("changed", "differing")
  double rows_per_second = 0;
  double elapsed_seconds = 0;
  std::string throttle;   // why the job is waiting right now; empty when it is not
  std::string error;      // set when stage is "failed"

  double percent() const;
  // Moves to `stage` with these counts; the rate is `rows_this_run` over `elapsed` seconds, and at
  // "done" the total is at least what was done (the estimate may have been low).
  void update(const std::string& to_stage, int64_t done, int64_t changed, int64_t rows_this_run, double elapsed);
  // Seconds left at the current rate; negative when unknown.
  double eta_seconds() const;
};

// "45.2% 452000/1000000 rows, 38500 rows/s, ETA 14s (throttled: replica lag 2300 ms > 1000 ms)"
std::string describe(const ProgressSnapshot& p);
// "[#########           ] " followed by describe(p), `width` characters of bar.
std::string progress_bar(const ProgressSnapshot& p, int width = 30);

// Thread-safe holder of the latest snapshot. The job thread publishes, anyone reads.
class ProgressBoard {
 public:
  void publish(const ProgressSnapshot& s) {
    std::lock_guard lock(mu_);
    s_ = s;
  }
  ProgressSnapshot read() const {
    std::lock_guard lock(mu_);
    return s_;
  }

 private:
  mutable std::mutex mu_;
  ProgressSnapshot s_;
};

// Shows snapshots on `out` (normally stderr): a bar redrawn in place on a terminal, else one
// line per `interval`. finish() ends the bar's line and prints the final state.
class ProgressPrinter {
 public:
  explicit ProgressPrinter(FILE* out, std::chrono::milliseconds interval = std::chrono::seconds(2));
  void show(const ProgressSnapshot& p);
  void note(const std::string& line);  // a message, printed without breaking the bar
  void finish(const ProgressSnapshot& p);

 private:
  FILE* out_;
  bool tty_;
  std::chrono::milliseconds interval_;
  std::chrono::steady_clock::time_point last_{};
  bool bar_open_ = false;
};

}  // namespace switchyard::jobs
