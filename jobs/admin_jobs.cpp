// Backfills and verifies inside the proxy; see admin_jobs.h.
#include "jobs/admin_jobs.h"

#include <cstdio>

#include "jobs/backfill.h"
#include "jobs/verify.h"

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

std::pair<int, std::string> AdminJobs::start(const std::string& kind, const std::string& migration) {
  if (kind != "backfill" && kind != "verify") return {404, "{\"error\":" + quote("no job kind " + kind) + "}\n"};
  const config::Config config = current_config_();
  bool known = false;
  for (const auto& m : config.migrations) known = known || m.name == migration;
  if (!known) return {404, "{\"error\":" + quote("no migration named " + migration) + "}\n"};

  std::lock_guard lock(mu_);
  const Key key{migration, kind};
  auto& slot = jobs_[key];
  if (slot && slot->running)
    return {409, "{\"error\":" + quote("a " + kind + " of " + migration + " is running") + "}\n"};
  if (slot && slot->thread.joinable()) slot->thread.join();
  slot = std::make_unique<Job>();
  Job* job = slot.get();
  job->thread = std::thread([this, job, config, migration, kind] {
    bool ok = false, stopped = false;
    std::string error, report;
    if (kind == "backfill") {
      const BackfillResult r = run_backfill(config, migration, BackfillOptions{}, job->progress, job->stop);
      ok = r.ok;
      stopped = r.stopped;
      error = r.error;
    } else {
      const VerifyReport r = run_verify(config, migration, VerifyOptions{}, job->progress, job->stop);
      ok = r.error.empty();
      stopped = ok && !r.completed;
      error = r.error;
      report = ",\"clean\":" + std::string(r.clean() ? "true" : "false") + ",\"matching\":" +
               std::to_string(r.matching) + ",\"mismatched\":" + std::to_string(r.mismatched) +
               ",\"missing\":" + std::to_string(r.missing) + ",\"extra\":" + std::to_string(r.extra);
    }
    std::lock_guard done_lock(mu_);
    job->state = ok ? (stopped ? "stopped" : "done") : "failed";
    job->error = error;
    job->report = report;
    job->running = false;
  });
  return {202, job_json(key, *job) + "\n"};
}

std::string AdminJobs::job_json(const Key& key, const Job& job) const {
  const ProgressSnapshot p = job.progress.read();
  std::string out = "{\"job\":" + quote(key.second + " " + key.first) + ",\"state\":" + quote(job.state);
  out += ",\"stage\":" + quote(p.stage);
  out += ",\"rows_done\":" + std::to_string(p.rows_done) + ",\"rows_total\":" + std::to_string(p.rows_total);
  out += ",\"rows_changed\":" + std::to_string(p.rows_changed) + ",\"changed_label\":" + quote(p.changed_label);
  out += ",\"percent\":" + number(p.percent()) + ",\"rows_per_second\":" + number(p.rows_per_second);
  out += ",\"eta_seconds\":" + number(p.eta_seconds());
  out += ",\"throttle\":" + quote(p.throttle) + ",\"error\":" + quote(job.error.empty() ? p.error : job.error);
  return out + job.report + "}";
}

std::string AdminJobs::status_json() const {
  std::lock_guard lock(mu_);
  std::string out = "{";
  std::string open;  // the migration whose object is open
  for (const auto& [key, job] : jobs_) {
    if (key.first != open) {
      if (!open.empty()) out += "},";
      out += quote(key.first) + ":{";
      open = key.first;
    } else {
      out += ",";
    }
    out += quote(key.second) + ":" + job_json(key, *job);
  }
  if (!open.empty()) out += "}";
  return out + "}";
}

}  // namespace switchyard::jobs
