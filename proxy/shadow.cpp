// Shadow reads: the executor's queue, workers, re-check and counting (see shadow.h).
#include "proxy/shadow.h"

#include "proxy/dialect_backends.h"

namespace switchyard::proxy {
ShadowExecutor::ShadowExecutor(const config::ShadowConfig& config, std::string control_conninfo, Metrics& metrics,
                               config::Protocol protocol)
    : config_(config),
      conninfo_(std::move(control_conninfo)),
      protocol_(protocol),
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
  const std::unique_ptr<ShadowBackend> backend =
      protocol_ == config::Protocol::kMysql ? make_mysql_shadow_backend(conninfo_, config_.timeout_ms, stopping_)
                                            : make_pg_shadow_backend(conninfo_, config_.timeout_ms, stopping_);
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
    process(*backend, read);
    std::lock_guard lock(mu_);
    --in_flight_;
    if (queue_.empty() && in_flight_ == 0) idle_cv_.notify_all();
  }
}

// Both sides read one snapshot, so their order does not change the results; it does warm the
// caches for the second, so alternate it to keep the latency histograms fair.
ShadowPair ShadowExecutor::run_both(ShadowBackend& backend, const ShadowRead& read) {
  static thread_local unsigned turn = 0;
  return backend.read_pair(read, (turn++ % 2) == 0);
}

void ShadowExecutor::process(ShadowBackend& backend, const ShadowRead& read) {
  MigrationMetrics& m = metrics_.migration(read.migration);
  const ShadowPair first = run_both(backend, read);
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
  const ShadowPair second = run_both(backend, read);
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
