// What the admin handler reports: a plain copy of the process's state taken at the moment of a
// request (proxy/server_admin.cpp takes it), so the handler needs no locks, atomics or clock.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "proxy/metrics.h"

namespace switchyard::proxy {

// A copy of one MigrationMetrics.
struct MigrationCounters {
  uint64_t writes_rewritten = 0;
  uint64_t writes_refused = 0;
  std::array<uint64_t, rewrite::kRefusalReasons> writes_refused_by{};  // by rewrite::RefusalReason
  std::array<uint64_t, rewrite::kRefusalReasons> writes_passed_by{};   // waived: on_unsupported: pass
  uint64_t reads_old = 0;
  uint64_t reads_new = 0;
  uint64_t shadow_match = 0;
  uint64_t shadow_mismatch = 0;
  uint64_t shadow_transient = 0;
  uint64_t shadow_error = 0;
  uint64_t shadow_skipped = 0;
  Histogram::Snapshot shadow_old_seconds;
  Histogram::Snapshot shadow_new_seconds;
  std::vector<std::string> recent_refused;     // JSON objects, oldest first
  std::vector<std::string> recent_mismatches;  // JSON objects, oldest first
};

inline std::array<uint64_t, rewrite::kRefusalReasons> read_counters(const ReasonCounters& c) {
  std::array<uint64_t, rewrite::kRefusalReasons> out{};
  for (size_t i = 0; i < out.size(); ++i) out[i] = c[i].load(std::memory_order_relaxed);
  return out;
}

inline MigrationCounters read_counters(const MigrationMetrics& m) {
  constexpr auto r = std::memory_order_relaxed;
  MigrationCounters c;
  c.writes_rewritten = m.writes_rewritten.load(r);
  c.writes_refused = m.writes_refused.load(r);
  c.writes_refused_by = read_counters(m.writes_refused_by);
  c.writes_passed_by = read_counters(m.writes_passed_by);
  c.reads_old = m.reads_old.load(r);
  c.reads_new = m.reads_new.load(r);
  c.shadow_match = m.shadow_match.load(r);
  c.shadow_mismatch = m.shadow_mismatch.load(r);
  c.shadow_transient = m.shadow_transient.load(r);
  c.shadow_error = m.shadow_error.load(r);
  c.shadow_skipped = m.shadow_skipped.load(r);
  c.shadow_old_seconds = m.shadow_old_seconds.snapshot();
  c.shadow_new_seconds = m.shadow_new_seconds.snapshot();
  c.recent_refused = m.recent_refused.snapshot();
  c.recent_mismatches = m.recent_mismatches.snapshot();
  return c;
}

// A copy of the ListenerCounters, member for member.
struct ListenerCounts {
#define SWITCHYARD_COPY_COUNTER(member, family, labels, help) uint64_t member = 0;
  SWITCHYARD_LISTENER_COUNTERS(SWITCHYARD_COPY_COUNTER)
#undef SWITCHYARD_COPY_COUNTER
};

inline ListenerCounts read_counters(const ListenerCounters& l) {
  ListenerCounts c;
#define SWITCHYARD_READ_COUNTER(member, family, labels, help) c.member = l.member.load(std::memory_order_relaxed);
  SWITCHYARD_LISTENER_COUNTERS(SWITCHYARD_READ_COUNTER)
#undef SWITCHYARD_READ_COUNTER
  return c;
}

// One migration of the running configuration, with its counters.
struct MigrationView {
  std::string name;
  std::string kind;       // "rename_column", ...
  std::string old_table;  // "schema.name"
  std::string new_table;
  std::string phase;      // "off", "dual_write", ...
  unsigned canary_percent = 0;
  std::string canary_key;  // "session", "user", ...
  double shadow_sample_percent = 0;
  MigrationCounters counters;
  // Functions, triggers, rules and views that write its relations inside the server
  // (rewrite::ServerWriter): (kind, description, what it writes).
  struct ServerWriter {
    std::string kind;
    std::string name;
    std::string writes;
  };
  std::vector<ServerWriter> server_writers;
  // Contract safety (proxy/session_census.h): sessions still under a generation with another
  // phase for this migration, and statements the sessions hold upstream planned under one.
  int64_t sessions_behind = 0;
  int64_t statements_old_shape = 0;
};

struct AdminView {
  std::string version;
  uint64_t uptime_seconds = 0;
  uint64_t generation = 0;   // configuration generation: 1 at start-up, +1 per successful reload
  std::string config_path;
  int64_t active_sessions = 0;
  uint64_t total_sessions = 0;
  std::string listen;    // "host:port"
  std::string upstream;  // "host:port"
  bool draining = false;
  uint64_t statements_rewritten = 0;  // writes rewritten to reach both shapes, all migrations
  uint64_t statements_refused = 0;    // writes refused with SQLSTATE 0A000, all migrations
  std::array<uint64_t, rewrite::kRefusalReasons> statements_refused_by{};  // the same, by reason
  uint64_t statements_passed = 0;     // parsed writes relayed as written
  std::vector<MigrationView> migrations;  // the running configuration's, in config order
  // Every migration that has metrics, including ones a reload removed (counters never go back).
  std::vector<std::pair<std::string, MigrationCounters>> migration_metrics;
  uint64_t rewrite_cache_hits = 0;
  uint64_t rewrite_cache_misses = 0;
  Histogram::Snapshot rewrite_seconds;
  Histogram::Snapshot upstream_seconds;
  uint64_t reloads_ok = 0;
  uint64_t reloads_failed = 0;
  uint64_t ddl_lint_warned = 0;
  uint64_t ddl_lint_blocked = 0;
  uint64_t reprepares = 0;                // client statements prepared again after a flip
  int64_t prepared_statements = 0;        // held by all sessions
  int64_t prepared_statements_max = 0;    // held by the session that holds most
  uint64_t assembly_refused = 0;          // sessions ended: limits.max_assembly_bytes
  uint64_t message_timeouts = 0;          // sessions ended: limits.message_timeout_ms
  uint64_t tls_client_handshake_failures = 0;
  uint64_t tls_upstream_handshake_failures = 0;
  uint64_t auth_scram_sessions = 0;   // SCRAM run by the proxy on both legs: logged in
  uint64_t auth_scram_failures = 0;   // refused (wrong password, broken exchange)
  uint64_t auth_scram_fallbacks = 0;  // relayed instead: auth.query failed
  uint64_t assembly_bytes = 0;            // bytes of messages being assembled now
  ListenerCounts listeners;
  // Jobs run inside the proxy (POST /migrations/NAME/backfill), as a JSON object by migration.
  std::string jobs_json = "{}";
  // The bearer token every request but GET /healthz and GET / must carry; empty: none required.
  std::string token;
  std::string last_reload_error;     // the last refused reload's message; empty: none since start
  std::string last_reload_error_at;  // when, ISO 8601 UTC
  // The body of GET /status/history, rendered only when asked for; empty: no history kept.
  std::function<std::string()> history_json;
};

// What a reload did, for the answer to POST /reload.
struct ReloadOutcome {
  bool ok = false;
  bool draining = false;  // refused because the proxy is shutting down
  std::string error;      // when !ok: the problem, e.g. "FILE:LINE: KEY: message"
  uint64_t generation = 0;  // when ok: the generation now in force
  std::string changes;      // when ok: what changed (generation.h describe_changes)
  std::vector<std::pair<std::string, std::string>> phases;  // when ok: (migration, phase)
};

}  // namespace switchyard::proxy
