// Counters and latency histograms the proxy keeps for /metrics and /status. Shared by every
// worker thread, the shadow workers and the admin server: everything is an atomic, updated with
// relaxed ordering (a scrape may see one counter a moment ahead of another, never a torn value).
//
// Per-migration metrics are keyed by migration name and live as long as the process, so their
// counters survive a reload that keeps the migration (Prometheus counters must not go back).
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "proxy/recent_events.h"
#include "rewrite/rewrite_result.h"

namespace switchyard::proxy {

// One counter per refusal reason (rewrite::RefusalReason), indexed by it.
using ReasonCounters = std::array<std::atomic<uint64_t>, rewrite::kRefusalReasons>;
inline void count(ReasonCounters& c, rewrite::RefusalReason r) {
  c[static_cast<size_t>(r)].fetch_add(1, std::memory_order_relaxed);
}

// A Prometheus-style histogram over seconds with fixed buckets (100 us .. 10 s).
class Histogram {
 public:
  static constexpr std::array<double, 15> kBounds = {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                                     0.05,   0.1,     0.25,   0.5,   1.0,    2.5,   10.0};
  void observe(double seconds) {
    size_t i = 0;
    while (i < kBounds.size() && seconds > kBounds[i]) ++i;
    buckets_[i].fetch_add(1, std::memory_order_relaxed);  // buckets_[kBounds.size()] is +Inf
    sum_micros_.fetch_add(static_cast<uint64_t>(seconds * 1e6), std::memory_order_relaxed);
  }
  struct Snapshot {
    std::array<uint64_t, kBounds.size() + 1> buckets{};  // not cumulative; the last one is +Inf
    uint64_t count = 0;
    double sum_seconds = 0;
  };
  Snapshot snapshot() const {
    Snapshot s;
    for (size_t i = 0; i < buckets_.size(); ++i) {
      s.buckets[i] = buckets_[i].load(std::memory_order_relaxed);
      s.count += s.buckets[i];
    }
    s.sum_seconds = static_cast<double>(sum_micros_.load(std::memory_order_relaxed)) / 1e6;
    return s;
  }

 private:
  std::array<std::atomic<uint64_t>, kBounds.size() + 1> buckets_{};
  std::atomic<uint64_t> sum_micros_{0};
};

struct MigrationMetrics {
  // Statements by kind and route.
  std::atomic<uint64_t> writes_rewritten{0};  // writes mirrored into both shapes (or translated)
  std::atomic<uint64_t> writes_refused{0};    // writes refused with SQLSTATE 0A000 (all reasons)
  ReasonCounters writes_refused_by{};         // the same, by reason
  // Writes it would have refused, relayed as written because it says on_unsupported: pass.
  ReasonCounters writes_passed_by{};
  std::atomic<uint64_t> reads_old{0};         // reads served from the old shape
  std::atomic<uint64_t> reads_new{0};         // reads served from the new shape
  // Shadow reads: both shapes compared (proxy/shadow.h).
  std::atomic<uint64_t> shadow_match{0};
  std::atomic<uint64_t> shadow_mismatch{0};   // confirmed: still different when re-checked
  std::atomic<uint64_t> shadow_transient{0};  // different once, equal on the re-check
  std::atomic<uint64_t> shadow_error{0};      // either side failed
  std::atomic<uint64_t> shadow_skipped{0};    // sampled, but the shadow queue was full
  Histogram shadow_old_seconds;
  Histogram shadow_new_seconds;
  // The last few of each, by example (proxy/recent_events.h).
  RecentEvents recent_refused;     // refusal_event(): fingerprint and reason
  RecentEvents recent_mismatches;  // shadow_log.h mismatch_json(), redacted as the log is
};

// Counters of the listeners and the admin server's connections, declared once here: each row is
// (member, Prometheus family, labels, the family's help). Rows of one family are adjacent;
// admin_metrics.cpp writes one family per run of rows, admin_view.h copies every row.
#define SWITCHYARD_LISTENER_COUNTERS(X)                                                                  \
  X(accept_errors_client, "switchyard_accept_errors_total", "listener=\"client\"",                       \
    "Failed accept() calls by listener (EMFILE, ENFILE, ENOBUFS, ...); each is followed by a pause.")     \
  X(accept_errors_admin, "switchyard_accept_errors_total", "listener=\"admin\"", "")                     \
  X(clients_refused_max_connections, "switchyard_clients_refused_total", "reason=\"max_client_connections\"", \
    "Clients answered FATAL 53300 and closed before their startup, by reason.")                            \
  X(clients_refused_no_descriptors, "switchyard_clients_refused_total", "reason=\"out_of_descriptors\"", "") \
  X(admin_evicted, "switchyard_admin_connections_closed_total", "reason=\"evicted\"",                    \
    "Admin connections the server closed, by reason: evicted (the oldest one waiting for a request, to "  \
    "make room at the cap), refused (at the cap with none to evict), timeout, header_too_large (431), "   \
    "body_too_large (413).")                                                                              \
  X(admin_refused, "switchyard_admin_connections_closed_total", "reason=\"refused\"", "")                 \
  X(admin_timeout, "switchyard_admin_connections_closed_total", "reason=\"timeout\"", "")                 \
  X(admin_header_too_large, "switchyard_admin_connections_closed_total", "reason=\"header_too_large\"", "") \
  X(admin_body_too_large, "switchyard_admin_connections_closed_total", "reason=\"body_too_large\"", "")

struct ListenerCounters {
#define SWITCHYARD_DECLARE_COUNTER(member, family, labels, help) std::atomic<uint64_t> member{0};
  SWITCHYARD_LISTENER_COUNTERS(SWITCHYARD_DECLARE_COUNTER)
#undef SWITCHYARD_DECLARE_COUNTER
};

// How each execution of one planned statement is counted in switchyard_statements_total:
// decided once per plan (a Query's, a prepared statement's), applied at each execution.
struct WriteCount {
  enum class Route : uint8_t {
    kNone,       // not a parsed write: reads are counted apart
    kRewritten,  // mirrored into both shapes (or translated)
    kRefused,    // refused with 0A000, for `reason`
    kPassed,     // parsed, relayed as written: nothing to mirror, or a refusal for `reason`
                 // waived by on_unsupported: pass (then `migration` is set)
  };
  Route route = Route::kNone;
  MigrationMetrics* migration = nullptr;
  rewrite::RefusalReason reason = rewrite::RefusalReason::kUnsupportedForm;
};

class Metrics {
 public:
  // The metrics of migration `name`, created on first use; the reference stays valid for the
  // life of the process.
  MigrationMetrics& migration(const std::string& name) {
    std::lock_guard lock(mu_);
    auto& slot = migrations_[name];
    if (!slot) slot = std::make_unique<MigrationMetrics>();
    return *slot;
  }
  void for_each_migration(const std::function<void(const std::string&, const MigrationMetrics&)>& fn) const {
    std::lock_guard lock(mu_);
    for (const auto& [name, m] : migrations_) fn(name, *m);
  }

  std::atomic<uint64_t> rewrite_cache_hits{0};
  std::atomic<uint64_t> rewrite_cache_misses{0};
  std::atomic<uint64_t> reloads_ok{0};
  std::atomic<uint64_t> reloads_failed{0};
  std::atomic<uint64_t> ddl_lint_warned{0};
  std::atomic<uint64_t> ddl_lint_blocked{0};
  std::atomic<uint64_t> reprepares{0};  // client statements prepared again after a phase flip
  std::atomic<uint64_t> assembly_refused{0};  // sessions ended: limits.max_assembly_bytes reached
  std::atomic<uint64_t> message_timeouts{0};  // sessions ended: limits.message_timeout_ms passed
  std::atomic<uint64_t> tls_client_handshake_failures{0};    // sessions ended: TLS handshake with the client
  std::atomic<uint64_t> tls_upstream_handshake_failures{0};  // sessions ended: TLS handshake with the upstream
  // SCRAM run by the proxy on both legs (proxy/pg_scram.cpp): sessions authenticated so, proofs
  // or exchanges refused, and sessions relayed instead because auth.query failed.
  std::atomic<uint64_t> auth_scram_sessions{0};
  std::atomic<uint64_t> auth_scram_failures{0};
  std::atomic<uint64_t> auth_scram_fallbacks{0};
  Histogram rewrite_seconds;   // time spent rewriting a statement (cache misses only)
  Histogram upstream_seconds;  // from a Query or Sync sent upstream to its ReadyForQuery
  ListenerCounters listeners;

 private:
  mutable std::mutex mu_;
  std::map<std::string, std::unique_ptr<MigrationMetrics>> migrations_;
};

}  // namespace switchyard::proxy
