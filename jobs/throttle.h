// When a backfill should wait before its next batch: the upstream's latency (a `SELECT 1` round
// trip, which grows when the server is saturated) or a replica's replay lag
// (pg_stat_replication.replay_lag; no replicas, no lag) above the operator's limits. Also sizes
// batches to a target duration, as pt-online-schema-change's --chunk-time does.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "jobs/pg.h"

namespace switchyard::jobs {

struct ThrottleLimits {
  int max_latency_ms = 0;  // 0: not checked
  int max_lag_ms = 0;      // 0: not checked
};

// Measures over `db` and returns why the job must wait ("upstream latency 12.3 ms > 10 ms",
// "replica lag 2300 ms > 1000 ms (10.0.0.2)"), or "" when it may go on. A lag query the role
// may not run (no pg_monitor) is reported once in `warning` and not checked again.
class Throttle {
 public:
  explicit Throttle(ThrottleLimits limits) : limits_(limits) {}
  std::string check(Db& db, std::string& warning);
  // The latency check alone, for a connection of another kind (the MySQL jobs, which have no
  // replica-lag check): `round_trip` runs one `SELECT 1` and says whether it succeeded.
  std::string check_latency(const std::function<bool()>& round_trip) const;

 private:
  ThrottleLimits limits_;
  bool lag_unavailable_ = false;
};

// The next batch size: rows per second of the last batch (smoothed), times the target seconds,
// at most doubling or halving per batch, within [10, 100000]. Pure.
class BatchSizer {
 public:
  BatchSizer(int64_t initial_rows, double target_seconds) : rows_(initial_rows), target_(target_seconds) {}
  int64_t rows() const { return rows_; }
  void observe(int64_t rows, double seconds);

 private:
  int64_t rows_;
  double target_;
  double rate_ = 0;  // smoothed rows per second
};

}  // namespace switchyard::jobs
