// Shadow reads: a sample of reads also runs against the other shape, off the client's path, and
// the two results are compared (docs/shadow.md).
//
// The session never waits for the shadow. For a sampled read it calls submit() with both texts
// (the read as served to the client, and the same read against the other shape) and goes on; its
// cost is one enqueue: a mutex and moving the request in, never a wait on the database. A fixed
// pool of `shadow.workers` threads, each with its own connection over `control` (a ShadowBackend,
// proxy/dialect_backends.h: libpq for PostgreSQL, libmariadb for MySQL / MariaDB), takes the
// requests and runs both texts in ONE read-only snapshot
//   PostgreSQL: BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY; SET LOCAL statement_timeout = ...
//   MySQL:      START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY; each read bounded by
//               max_statement_time (MariaDB) or max_execution_time (MySQL)
// so both sides read the same snapshot: a write committed meanwhile cannot make them differ, and
// the session's own uncommitted writes are invisible to both sides alike, so a read inside a
// transaction that has written cannot produce a false mismatch. Each side's latency is measured.
// If the results differ, the read is re-checked once in a new transaction (a new snapshot): still
// different is a confirmed mismatch (counted and logged, proxy/shadow_log.h); equal is transient.
// Either side failing is an error (counted, logged at a bounded rate). When the queue holds
// `shadow.queue` requests, submit() drops the read and counts it as skipped.
//
// Metrics (proxy/metrics.h, per migration): shadow_match, shadow_mismatch (confirmed),
// shadow_transient, shadow_error, shadow_skipped, and the latency of the first run of each side
// in shadow_old_seconds / shadow_new_seconds (by ShadowRead::served_is_new).
//
// Threads: submit(), wait_idle() and queued() may be called from any thread at any time;
// start() and stop() from one owning thread. Reads run on the worker threads only.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "config/config.h"
#include "proxy/metrics.h"
#include "proxy/shadow_log.h"
#include "planner/shadow_read.h"

namespace switchyard::proxy {

class ShadowBackend;
struct ShadowPair;

class ShadowExecutor {
 public:
  // `metrics` must outlive the executor. `control_conninfo` is config::Config::control;
  // `protocol` (config::Config::protocol) picks the workers' backend (proxy/dialect_backends.h).
  ShadowExecutor(const config::ShadowConfig& config, std::string control_conninfo, Metrics& metrics,
                 config::Protocol protocol = config::Protocol::kPostgres);
  // stop().
  ~ShadowExecutor();
  ShadowExecutor(const ShadowExecutor&) = delete;
  ShadowExecutor& operator=(const ShadowExecutor&) = delete;

  // Opens shadow.log (if set) and starts the workers; they connect lazily, so an unreachable
  // database is not an error here (reads then count as errors until it comes back). False and
  // why in `error` if the log cannot be opened. Call at most once.
  bool start(std::string& error);
  // Stops accepting, drops the queued reads (not counted), lets each read in flight finish for
  // ShadowConnection::kStopGrace, then cancels it and abandons it within kAbandonAfter (MySQL:
  // abandons it after the grace), and joins the workers: returns within about 2.5 s (plus a
  // PQcancel round trip). Idempotent.
  void stop();

  // Queues `read`. False, counted as skipped, when the queue is full or the executor is not
  // running. Never blocks beyond the queue's mutex.
  bool submit(ShadowRead read);
  // Waits until nothing is queued or running; false if `timeout` passed first.
  bool wait_idle(std::chrono::milliseconds timeout);
  std::size_t queued() const;

  // Test hook: called on the worker after a first comparison found a difference and before the
  // re-check. REQUIRES: called before start().
  void set_before_recheck_for_testing(std::function<void(const ShadowRead&)> hook) {
    before_recheck_ = std::move(hook);
  }

 private:
  void work();
  void process(ShadowBackend& backend, const ShadowRead& read);
  ShadowPair run_both(ShadowBackend& backend, const ShadowRead& read);  // one run of both sides in one snapshot

  const config::ShadowConfig config_;
  const std::string conninfo_;
  const config::Protocol protocol_;
  Metrics& metrics_;
  ShadowLog log_;
  std::function<void(const ShadowRead&)> before_recheck_;

  mutable std::mutex mu_;
  std::condition_variable work_cv_;  // a read was queued, or stopping
  std::condition_variable idle_cv_;  // the queue emptied and nothing is in flight
  std::deque<ShadowRead> queue_;     // guarded by mu_
  std::size_t in_flight_ = 0;        // guarded by mu_
  bool running_ = false;             // guarded by mu_
  std::atomic<bool> stopping_{false};
  std::vector<std::thread> workers_;
};

}  // namespace switchyard::proxy
