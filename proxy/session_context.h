// What a session needs from the process around it: the current config, the cancel registry,
// and its worker's bookkeeping. Owned by the Server; outlives every session.
#pragma once

#include <atomic>
#include <functional>
#include <cstdint>
#include <memory>
#include <mutex>
#include <unordered_map>

#include "config/config.h"
#include "proxy/buffer_pool.h"
#include "proxy/cancel_registry.h"
#include "proxy/metrics.h"
#include "proxy/rewrite_cache.h"
#include "proxy/session_census.h"
#include "proxy/verifier_source.h"
#include "rewrite/catalog.h"
#include "rewrite/prefilter.h"

namespace switchyard::proxy {

class Session;  // proxy/session.h
class ShadowExecutor;
struct TlsContexts;  // proxy/tls_context.h

// One loaded configuration with what was derived from it: the live-schema catalog and the
// pre-filter. Immutable once published; a reload publishes a new one, and each session keeps
// the generation it holds until it takes the new one at a transaction boundary.
struct Generation {
  uint64_t number = 1;
  config::Config config;
  rewrite::Catalog catalog;
  rewrite::Prefilter prefilter;
  // The OpenSSL contexts of both legs, from config.tls and config.upstream_tls, built from the
  // files as they were when this generation was built. Never null.
  std::shared_ptr<TlsContexts> tls;
};

// Shared by all workers and the main thread.
struct SharedState {
  CancelRegistry cancels;
  std::atomic<uint64_t> next_session_id{1};
  std::atomic<int64_t> active_sessions{0};
  std::atomic<uint64_t> total_sessions{0};
  std::atomic<uint64_t> statements_rewritten{0};
  std::atomic<uint64_t> statements_refused{0};
  ReasonCounters statements_refused_by{};  // the same, by reason
  std::atomic<uint64_t> statements_passed{0};  // parsed writes relayed as written (WriteCount)
  // Bytes of captured messages being assembled across reads, by all sessions
  // (limits.max_assembly_bytes bounds it).
  std::atomic<uint64_t> assembly_bytes{0};
  // Bytes of prepared-statement texts MySQL sessions keep (proxy/mysql_prepared.cpp), bounded by
  // limits.max_assembly_bytes too, apart from assembly so that neither starves the other.
  std::atomic<uint64_t> prepared_text_bytes{0};
  Metrics metrics;
  SessionCensus census;  // generations and prepared statements per session, for /status
  // Roles' SCRAM verifiers for sessions that run SCRAM on both legs (auth:); its thread starts at
  // the first look-up. Never null; the Server stops it before its workers' io_contexts go.
  std::shared_ptr<VerifierSource> verifiers = std::make_shared<VerifierSource>();
  // Null when no migration samples shadow reads; set before the workers start, then only read.
  std::shared_ptr<ShadowExecutor> shadow;
  // Jobs run inside the proxy (main.cpp installs them; empty: not available). Both thread-safe.
  // start_job(kind, migration), kind "backfill" or "verify" (jobs/admin_jobs.h).
  std::function<std::pair<int, std::string>(const std::string& kind, const std::string& migration)> start_job;
  std::function<std::string()> jobs_json;

  std::shared_ptr<const Generation> generation() const {
    std::lock_guard lock(generation_mu);
    return current;
  }
  void publish(std::shared_ptr<const Generation> g) {
    std::lock_guard lock(generation_mu);
    generation_number.store(g->number, std::memory_order_release);
    current = std::move(g);
  }

  mutable std::mutex generation_mu;
  std::shared_ptr<const Generation> current;
  // current->number, readable without the mutex: sessions compare it at every ReadyForQuery and
  // take the mutex only when it differs from theirs.
  std::atomic<uint64_t> generation_number{0};
};

// One per worker thread; touched only on that worker's thread.
struct SessionContext {
  SharedState& shared;
  std::unordered_map<uint64_t, std::weak_ptr<Session>> sessions;
  RewriteCache rewrites;
  BufferPool buffers;
};

}  // namespace switchyard::proxy
