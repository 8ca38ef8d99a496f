// Backfills inside the proxy; see admin_jobs.h.
#include "jobs/admin_jobs.h"

#include <cstdio>

namespace switchyard::jobs {

namespace {

std::string quote(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      out += buf;
    } else {
      out += c;
    }
  }
  return out + "\"";
}

std::string number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  return buf;
}

}  // namespace

AdminJobs::~AdminJobs() {
  {
    std::lock_guard lock(mu_);
    for (auto& [name, job] : jobs_) job->stop = true;
  }
  // Joined without the lock: a finishing job takes it to record its result.
  for (auto& [name, job] : jobs_)
    if (job->thread.joinable()) job->thread.join();
}

std::pair<int, std::string> AdminJobs::start_backfill(const std::string& migration) {
  const config::Config config = current_config_();
  bool known = false;
  for (const auto& m : config.migrations) known = known || m.name == migration;
  if (!known) return {404, "{\"error\":" + quote("no migration named " + migration) + "}\n"};

  std::lock_guard lock(mu_);
  auto& slot = jobs_[migration];
  if (slot && slot->running) return {409, "{\"error\":" + quote("a backfill of " + migration + " is running") + "}\n"};
  if (slot && slot->thread.joinable()) slot->thread.join();
  slot = std::make_unique<Job>();
  Job* job = slot.get();
  job->thread = std::thread([this, job, config, migration] {
    BackfillOptions options;
    const BackfillResult r = run_backfill(config, migration, options, job->progress, job->stop);
    std::lock_guard done_lock(mu_);
    job->state = r.ok ? (r.stopped ? "stopped" : "done") : "failed";
    job->error = r.error;
    job->running = false;
  });
  return {202, job_json(migration, *job) + "\n"};
}

std::string AdminJobs::job_json(const std::string& name, const Job& job) const {
  const ProgressSnapshot p = job.progress.read();
  std::string out = "{\"job\":" + quote("backfill " + name) + ",\"state\":" + quote(job.state);
  out += ",\"stage\":" + quote(p.stage);
  out += ",\"rows_done\":" + std::to_string(p.rows_done) + ",\"rows_total\":" + std::to_string(p.rows_total);
  out += ",\"rows_changed\":" + std::to_string(p.rows_changed);
  out += ",\"percent\":" + number(p.percent()) + ",\"rows_per_second\":" + number(p.rows_per_second);
  out += ",\"eta_seconds\":" + number(p.eta_seconds());
  out += ",\"throttle\":" + quote(p.throttle) + ",\"error\":" + quote(job.error.empty() ? p.error : job.error) + "}";
  return out;
}

std::string AdminJobs::status_json() const {
  std::lock_guard lock(mu_);
  std::string out = "{";
  for (const auto& [name, job] : jobs_) {
    if (out.size() > 1) out += ",";
    out += quote(name) + ":" + job_json(name, *job);
  }
  return out + "}";
}

}  // namespace switchyard::jobs
