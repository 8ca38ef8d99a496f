// Backfills run inside the proxy, for the admin API: POST /migrations/NAME/backfill starts one on
// a thread of its own (with the default options of `switchyard backfill`), GET /status shows
// each one's progress. One backfill per migration at a time (the job's advisory lock also keeps
// out a `switchyard backfill` on another host). Thread-safe.
#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <utility>

#include "config/config.h"
#include "jobs/backfill.h"

namespace switchyard::jobs {

class AdminJobs {
 public:
  // `current_config` returns the configuration in force (the proxy's current generation's).
  explicit AdminJobs(std::function<config::Config()> current_config) : current_config_(std::move(current_config)) {}
  // Stops every running backfill after its current batch (the checkpoint keeps its place) and
  // joins them.
  ~AdminJobs();

  // 202 and the job as JSON; 404 for an unknown migration; 409 if one is already running.
  std::pair<int, std::string> start_backfill(const std::string& migration);
  // {"NAME": {"job":..., "state":"running|done|stopped|failed", "rows_done":..., ...}, ...}
  std::string status_json() const;

 private:
  struct Job {
    BackfillProgress progress;
    std::atomic<bool> stop{false};
    std::atomic<bool> running{true};
    std::string state = "running";  // guarded by mu_
    std::string error;              // guarded by mu_
    std::thread thread;
  };
  std::string job_json(const std::string& name, const Job& job) const;  // REQUIRES: mu_ held

  std::function<config::Config()> current_config_;
  mutable std::mutex mu_;
  std::map<std::string, std::unique_ptr<Job>> jobs_;
};

}  // namespace switchyard::jobs
