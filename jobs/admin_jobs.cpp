// Backfills and verifies inside the proxy; see admin_jobs.h.
#include "jobs/admin_jobs.h"

#include "jobs/backfill.h"
#include "util/json_writer.h"

namespace switchyard::jobs {

namespace {

using util::JsonWriter;

std::string error_json(const std::string& message) {
  std::string out;
  JsonWriter(out).begin_object().key("error").string(message).end_object();
  return out + "\n";
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
  const bool backfill = kind == "backfill" || kind == "backfill_reverse";
  if (!backfill && kind != "verify" && kind != "verify_reverse") return {404, error_json("no job kind " + kind)};
  const Direction direction = kind.ends_with("_reverse") ? Direction::kReverse : Direction::kForward;
  const config::Config config = current_config_();
  bool known = false;
  for (const auto& m : config.migrations) known = known || m.name == migration;
  if (!known) return {404, error_json("no migration named " + migration)};

  std::lock_guard lock(mu_);
  const Key key{migration, kind};
  auto& slot = jobs_[key];
  if (slot && slot->running)
    return {409, error_json("a " + kind + " of " + migration + " is running")};
  if (slot && slot->thread.joinable()) slot->thread.join();
  slot = std::make_unique<Job>();
  Job* job = slot.get();
  job->thread = std::thread([this, job, config, migration, backfill, direction] {
    bool ok = false, stopped = false;
    std::string error;
    std::optional<VerifyReport> report;
    // run_backfill and run_verify take the MySQL path under protocol: mysql.
    if (backfill) {
      BackfillOptions options;
      options.direction = direction;
      const BackfillResult r = run_backfill(config, migration, options, job->progress, job->stop);
      ok = r.ok;
      stopped = r.stopped;
      error = r.error;
    } else {
      VerifyOptions options;
      options.direction = direction;
      const VerifyReport r = run_verify(config, migration, options, job->progress, job->stop);
      ok = r.error.empty();
      stopped = ok && !r.completed;
      error = r.error;
      report = r;
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
  std::string out;
  JsonWriter w(out);
  w.begin_object().key("job").string(key.second + " " + key.first).key("state").string(job.state);
  w.key("stage").string(p.stage).key("rows_done").number(p.rows_done).key("rows_total").number(p.rows_total);
  w.key("rows_changed").number(p.rows_changed).key("changed_label").string(p.changed_label);
  w.key("percent").fixed(p.percent(), 1).key("rows_per_second").fixed(p.rows_per_second, 1);
  w.key("eta_seconds").fixed(p.eta_seconds(), 1);
  w.key("throttle").string(p.throttle).key("error").string(job.error.empty() ? p.error : job.error);
  if (const auto& r = job.report) {
    w.key("clean").boolean(r->clean()).key("matching").number(r->matching).key("mismatched").number(r->mismatched);
    w.key("missing").number(r->missing).key("extra").number(r->extra);
  }
  w.end_object();
  return out;
}

std::string AdminJobs::status_json() const {
  std::lock_guard lock(mu_);
  std::string out;
  JsonWriter w(out);
  w.begin_object();
  std::string open;  // the migration whose object is open
  for (const auto& [key, job] : jobs_) {
    if (key.first != open) {
      if (!open.empty()) w.end_object();
      w.key(key.first).begin_object();
      open = key.first;
    }
    w.key(key.second).raw(job_json(key, *job));
  }
  if (!open.empty()) w.end_object();
  w.end_object();
  return out;
}

}  // namespace switchyard::jobs
