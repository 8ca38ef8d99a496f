// Every counter family of /metrics and /status, declared once: the shapes a counter takes
// (one count, one per refusal reason, a latency histogram) and the X-macros that list them.
// metrics.h declares the live, atomic structs from these rows; admin_view.h their plain copies;
// admin_metrics.cpp writes the Prometheus text and admin_status.cpp the /status JSON from them.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <string_view>

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

// How a counter row is kept: one count, one count per refusal reason, or a latency histogram.
// `Live` is the shared, atomic form (Metrics); `Copy` the plain one (admin_view.h); `kType` the
// Prometheus TYPE of its family.
struct OneCount {
  using Live = std::atomic<uint64_t>;
  using Copy = uint64_t;
  static constexpr std::string_view kType = "counter";
};
struct ByReason {
  using Live = ReasonCounters;
  using Copy = std::array<uint64_t, rewrite::kRefusalReasons>;
  static constexpr std::string_view kType = "counter";
};
struct Latency {
  using Live = Histogram;
  using Copy = Histogram::Snapshot;
  static constexpr std::string_view kType = "histogram";
};

// Every counter is declared once, in one of the X-macros below; the structs here, their plain
// copies (admin_view.h), the Prometheus text (admin_metrics.cpp) and the /status JSON
// (admin_status.cpp) are all derived from the rows. A row is
//   (shape, member, Prometheus family, labels, the family's help)
// and the per-migration rows carry their /status key after the member. Rows of one family are
// adjacent and the first of them carries the help; the family "" means /status only. The
// Prometheus names, labels and help are read by tests, deploy/prometheus/alerts.yml and the
// console: change them only with those.

// Per migration: statements by kind and route, shadow reads by result, shadow latency by side.
// writes_refused is the sum of writes_refused_by; writes_passed_by counts the writes it would
// have refused, relayed as written because the migration says on_unsupported: pass. Shadow reads
// (proxy/shadow.h): mismatch is confirmed (still different when re-checked), transient differed
// once and was equal on the re-check, error means either side failed, skipped was sampled when
// the shadow queue was full.
#define SWITCHYARD_MIGRATION_COUNTERS(X)                                                                      \
  X(OneCount, writes_rewritten, "writes_rewritten", "switchyard_statements_total",                             \
    "kind=\"write\",route=\"rewritten\"",                                                                      \
    "Statements on migrated tables by migration, kind and route: writes rewritten into both shapes, "          \
    "refused (SQLSTATE 0A000) by reason, or passed unmirrored under on_unsupported: pass by the reason "       \
    "they would have been refused; reads served from the old or the new shape.")                               \
  X(OneCount, writes_refused, "writes_refused", "", "", "")                                                    \
  X(ByReason, writes_refused_by, "writes_refused_by_reason", "switchyard_statements_total",                    \
    "kind=\"write\",route=\"refused\"", "")                                                                    \
  X(ByReason, writes_passed_by, "writes_passed_by_reason", "switchyard_statements_total",                      \
    "kind=\"write\",route=\"passed\"", "")                                                                     \
  X(OneCount, reads_old, "reads_old", "switchyard_statements_total", "kind=\"read\",route=\"old\"", "")        \
  X(OneCount, reads_new, "reads_new", "switchyard_statements_total", "kind=\"read\",route=\"new\"", "")        \
  X(OneCount, shadow_match, "shadow_match", "switchyard_shadow_reads_total", "result=\"match\"",               \
    "Shadow reads by migration and result.")                                                                   \
  X(OneCount, shadow_mismatch, "shadow_mismatch", "switchyard_shadow_reads_total", "result=\"mismatch\"", "")  \
  X(OneCount, shadow_transient, "shadow_transient", "switchyard_shadow_reads_total", "result=\"transient\"", "") \
  X(OneCount, shadow_error, "shadow_error", "switchyard_shadow_reads_total", "result=\"error\"", "")           \
  X(OneCount, shadow_skipped, "shadow_skipped", "switchyard_shadow_reads_total", "result=\"skipped\"", "")     \
  X(Latency, shadow_old_seconds, "shadow_old_latency", "switchyard_shadow_seconds", "side=\"old\"",            \
    "Time of each side of a shadow read, by migration.")                                                       \
  X(Latency, shadow_new_seconds, "shadow_new_latency", "switchyard_shadow_seconds", "side=\"new\"", "")

// Process-wide counters and latencies.
#define SWITCHYARD_PROCESS_COUNTERS(X)                                                                        \
  X(OneCount, reloads_ok, "switchyard_reloads_total", "result=\"ok\"", "Configuration reloads by result.")     \
  X(OneCount, reloads_failed, "switchyard_reloads_total", "result=\"failed\"", "")                             \
  X(OneCount, rewrite_cache_hits, "switchyard_rewrite_cache_hits_total", "", "Rewrites answered from a worker's cache.") \
  X(OneCount, rewrite_cache_misses, "switchyard_rewrite_cache_misses_total", "", "Rewrites computed (cache misses).") \
  X(Latency, rewrite_seconds, "switchyard_rewrite_seconds", "", "Time to rewrite a statement on a cache miss.") \
  X(Latency, upstream_seconds, "switchyard_upstream_seconds", "",                                             \
    "Time from a Query, Sync or FunctionCall sent upstream to its ReadyForQuery.")                             \
  X(OneCount, ddl_lint_warned, "switchyard_ddl_lint_total", "action=\"warned\"",                               \
    "Risky DDL statements seen, by action taken.")                                                             \
  X(OneCount, ddl_lint_blocked, "switchyard_ddl_lint_total", "action=\"blocked\"", "")                         \
  X(OneCount, reprepares, "switchyard_reprepares_total", "",                                                   \
    "Client statements prepared again upstream after a phase flip changed their rewrite.")                    \
  X(OneCount, assembly_refused, "switchyard_sessions_ended_total", "reason=\"assembly_budget\"",               \
    "Sessions ended by a memory or time bound on messages.")                                                   \
  X(OneCount, message_timeouts, "switchyard_sessions_ended_total", "reason=\"message_timeout\"", "")           \
  X(OneCount, tls_client_handshake_failures, "switchyard_tls_handshake_failures_total", "leg=\"client\"",      \
    "Sessions ended by a failed TLS handshake, by leg.")                                                       \
  X(OneCount, tls_upstream_handshake_failures, "switchyard_tls_handshake_failures_total", "leg=\"upstream\"", "") \
  X(OneCount, auth_scram_sessions, "switchyard_auth_scram_total", "outcome=\"ok\"",                            \
    "Sessions whose SCRAM exchange the proxy ran on both legs, by outcome (fallback: auth.query failed, relayed).") \
  X(OneCount, auth_scram_failures, "switchyard_auth_scram_total", "outcome=\"failed\"", "")                    \
  X(OneCount, auth_scram_fallbacks, "switchyard_auth_scram_total", "outcome=\"fallback\"", "")

// Counters of the listeners and the admin server's connections.
#define SWITCHYARD_LISTENER_COUNTERS(X)                                                                  \
  X(OneCount, accept_errors_client, "switchyard_accept_errors_total", "listener=\"client\"",             \
    "Failed accept() calls by listener (EMFILE, ENFILE, ENOBUFS, ...); each is followed by a pause.")     \
  X(OneCount, accept_errors_admin, "switchyard_accept_errors_total", "listener=\"admin\"", "")           \
  X(OneCount, clients_refused_max_connections, "switchyard_clients_refused_total", "reason=\"max_client_connections\"", \
    "Clients answered FATAL 53300 and closed before their startup, by reason.")                            \
  X(OneCount, clients_refused_no_descriptors, "switchyard_clients_refused_total", "reason=\"out_of_descriptors\"", "") \
  X(OneCount, admin_evicted, "switchyard_admin_connections_closed_total", "reason=\"evicted\"",          \
    "Admin connections the server closed, by reason: evicted (the oldest one waiting for a request, to "  \
    "make room at the cap), refused (at the cap with none to evict), timeout, header_too_large (431), "   \
    "body_too_large (413).")                                                                              \
  X(OneCount, admin_refused, "switchyard_admin_connections_closed_total", "reason=\"refused\"", "")       \
  X(OneCount, admin_timeout, "switchyard_admin_connections_closed_total", "reason=\"timeout\"", "")       \
  X(OneCount, admin_header_too_large, "switchyard_admin_connections_closed_total", "reason=\"header_too_large\"", "") \
  X(OneCount, admin_body_too_large, "switchyard_admin_connections_closed_total", "reason=\"body_too_large\"", "")

}  // namespace switchyard::proxy
