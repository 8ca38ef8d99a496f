// Jobs run inside the proxy, for the admin API: POST /migrations/NAME/backfill and
// POST /migrations/NAME/verify start one on a thread of its own (with the default options of
// `switchyard backfill` and `switchyard verify`; /backfill_reverse and /verify_reverse, those of
// `--reverse`), GET /status shows each one's progress. One job
// of each kind per migration at a time (the job's advisory lock also keeps out a `switchyard
// backfill` on another host). Thread-safe.
#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>

#include "config/config.h"
#include "jobs/progress.h"
#include "jobs/verify.h"

namespace switchyard::jobs {

class AdminJobs {
 public:
  // `current_config` returns the configuration in force (the proxy's current generation's).
  explicit AdminJobs(std::function<config::Config()> current_config) : current_config_(std::move(current_config)) {}
  // Stops every running job after its current batch or chunk (the checkpoint keeps its place)
  // and joins them.
  ~AdminJobs();

  // `kind` is "backfill", "verify", "backfill_reverse" or "verify_reverse". 202 and the job as JSON; 404 for an unknown migration or
  // kind; 409 if that job of that migration is already running; 501 under protocol: mysql (not yet).
  std::pair<int, std::string> start(const std::string& kind, const std::string& migration);
  std::pair<int, std::string> start_backfill(const std::string& migration) { return start("backfill", migration); }
  // {"NAME": {"backfill": {"job":..., "state":"running|done|stopped|failed", "rows_done":...},
  //           "verify": {..., "matching":..., "mismatched":..., "missing":..., "extra":...}}, ...}
  std::string status_json() const;

 private:
  struct Job {
    ProgressBoard progress;
    std::atomic<bool> stop{false};
    std::atomic<bool> running{true};
    std::string state = "running";  // guarded by mu_
    std::string error;              // guarded by mu_
    std::optional<VerifyReport> report;  // guarded by mu_: a finished verify's counts
    std::thread thread;
  };
  using Key = std::pair<std::string, std::string>;  // (migration, kind)
  std::string job_json(const Key& key, const Job& job) const;  // REQUIRES: mu_ held

  std::function<config::Config()> current_config_;
  mutable std::mutex mu_;
  std::map<Key, std::unique_ptr<Job>> jobs_;
};

}  // namespace switchyard::jobs
