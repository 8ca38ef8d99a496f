// Shadow reads: the executor's queue, workers, re-check and counting (see shadow.h).
#include "proxy/shadow.h"

#include "proxy/shadow_connection.h"

namespace switchyard::proxy {
struct ShadowExecutor::Run {
  bool ok = false;
  std::string side;  // when !ok: "connection", "setup", "served" or "other"
  std::string error;
  ShadowRows served;
  ShadowRows other;
  double served_seconds = 0;
  double other_seconds = 0;
};

ShadowExecutor::ShadowExecutor(const config::ShadowConfig& config, std::string control_conninfo, Metrics& metrics)
    : config_(config),
      conninfo_(std::move(control_conninfo)),
      metrics_(metrics),
      log_(config.log, config.max_log_lines_per_second) {}

ShadowExecutor::~ShadowExecutor() { stop(); }

bool ShadowExecutor::start(std::string& error) {
  {
    std::lock_guard lock(mu_);
    if (running_ || stopping_) {
      error = "the shadow executor was already started";
      return false;
    }
  }
  if (!log_.open(error)) return false;
  std::lock_guard lock(mu_);
  running_ = true;
  for (uint32_t i = 0; i < config_.workers; ++i) workers_.emplace_back([this] { work(); });
  return true;
}

void ShadowExecutor::stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
    running_ = false;
    queue_.clear();
  }
  work_cv_.notify_all();
  for (std::thread& t : workers_) {
    if (t.joinable()) t.join();
  }
  workers_.clear();
  idle_cv_.notify_all();
  log_.close();
}

bool ShadowExecutor::submit(ShadowRead read) {
  {
    std::lock_guard lock(mu_);
    if (running_ && queue_.size() < config_.queue) {
      queue_.push_back(std::move(read));
      work_cv_.notify_one();
      return true;
    }
  }
  metrics_.migration(read.migration).shadow_skipped.fetch_add(1, std::memory_order_relaxed);
  return false;
}

bool ShadowExecutor::wait_idle(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mu_);
  return idle_cv_.wait_for(lock, timeout, [&] { return queue_.empty() && in_flight_ == 0; });
}

std::size_t ShadowExecutor::queued() const {
  std::lock_guard lock(mu_);
  return queue_.size();
}

void ShadowExecutor::work() {
  ShadowConnection conn(conninfo_, config_.timeout_ms, stopping_);
  for (;;) {
    ShadowRead read;
    {
      std::unique_lock lock(mu_);
      work_cv_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (stopping_) return;
      read = std::move(queue_.front());
      queue_.pop_front();
      ++in_flight_;
    }
    process(conn, read);
    std::lock_guard lock(mu_);
    --in_flight_;
    if (queue_.empty() && in_flight_ == 0) idle_cv_.notify_all();
  }
}

ShadowExecutor::Run ShadowExecutor::run_both(ShadowConnection& conn, const ShadowRead& read) {
  Run run;
  if (!conn.ensure(run.error)) {
    run.side = "connection";
    return run;
  }
  // One round trip: the transaction, both sides in its one snapshot, and its end. Both sides
  // read one snapshot, so their order does not change the results; it does warm the caches for
  // the second, so alternate it to keep the latency histograms fair.
  static const std::string begin = "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY";
  static const std::string rollback = "ROLLBACK";
  const std::string timeout = "SET LOCAL statement_timeout = " + std::to_string(config_.timeout_ms);
  static thread_local unsigned turn = 0;
  const bool served_first = (turn++ % 2) == 0;
  const std::string& first = served_first ? read.served_sql : read.other_sql;
  const std::string& second = served_first ? read.other_sql : read.served_sql;
  using Command = ShadowConnection::Command;
  const std::vector<Command> commands{
      {&begin},
      {&timeout},
      {&first, &read.params, &read.param_formats, &read.param_types},
      {&second, &read.params, &read.param_formats, &read.param_types},
      {&rollback},
  };
  std::vector<ShadowConnection::CommandResult> results;
  size_t failed = 0;
  if (!conn.run_pipeline(commands, results, failed, run.error)) {
    run.side = failed < 2 ? "setup" : failed > 3 ? "finish" : (failed == 2) == served_first ? "served" : "other";
    // An error left the transaction open (its ROLLBACK was skipped): end it, or the session.
    std::string ignored;
    if (conn.connected() && !conn.command("ROLLBACK", ignored)) conn.reset();
    if (failed > 3) {  // both sides were read: only the ROLLBACK failed, and the session is gone
      run.side.clear();
      run.error.clear();
    } else {
      return run;
    }
  }
  ShadowConnection::CommandResult& a = results[2];
  ShadowConnection::CommandResult& b = results[3];
  run.served = std::move(served_first ? a.rows : b.rows);
  run.other = std::move(served_first ? b.rows : a.rows);
  run.served_seconds = served_first ? a.seconds : b.seconds;
  run.other_seconds = served_first ? b.seconds : a.seconds;
  run.ok = true;
  return run;
}

void ShadowExecutor::process(ShadowConnection& conn, const ShadowRead& read) {
  MigrationMetrics& m = metrics_.migration(read.migration);
  const Run first = run_both(conn, read);
  if (!first.ok) {
    if (stopping_) return;  // cancelled by shutdown: says nothing about the shapes
    m.shadow_error.fetch_add(1, std::memory_order_relaxed);
    log_.error(read, first.side, first.error);
    return;
  }
  (read.served_is_new ? m.shadow_new_seconds : m.shadow_old_seconds).observe(first.served_seconds);
  (read.served_is_new ? m.shadow_old_seconds : m.shadow_new_seconds).observe(first.other_seconds);
  const CompareOptions options{read.ordered, read.float_tolerance};
  if (compare_results(first.served, first.other, options).equal) {
    m.shadow_match.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  if (before_recheck_) before_recheck_(read);
  if (stopping_) return;
  const Run second = run_both(conn, read);
  if (!second.ok) {
    if (stopping_) return;
    m.shadow_error.fetch_add(1, std::memory_order_relaxed);
    log_.error(read, second.side, second.error);
    return;
  }
  const CompareResult difference = compare_results(second.served, second.other, options);
  if (difference.equal) {
    m.shadow_transient.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  m.shadow_mismatch.fetch_add(1, std::memory_order_relaxed);
  const MismatchRecord record{read, second.served.size(), second.other.size(), difference};
  log_.mismatch(record);
  m.recent_mismatches.add(mismatch_json(record, iso8601_utc(std::chrono::system_clock::now())));
}

}  // namespace switchyard::proxy
