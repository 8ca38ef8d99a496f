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

// The plain copy of a live row (metric_families.h).
inline uint64_t copy_of(const std::atomic<uint64_t>& a) { return a.load(std::memory_order_relaxed); }
inline ByReason::Copy copy_of(const ReasonCounters& c) {
  ByReason::Copy out{};
  for (size_t i = 0; i < out.size(); ++i) out[i] = c[i].load(std::memory_order_relaxed);
  return out;
}
inline Histogram::Snapshot copy_of(const Histogram& h) { return h.snapshot(); }

#define SWITCHYARD_DECLARE_COPY(shape, member, ...) shape::Copy member{};
#define SWITCHYARD_COPY_ROW(shape, member, ...) c.member = copy_of(live.member);

// A copy of one MigrationMetrics, row for row.
struct MigrationCounters {
  SWITCHYARD_MIGRATION_COUNTERS(SWITCHYARD_DECLARE_COPY)
  std::vector<std::string> recent_refused;     // JSON objects, oldest first
  std::vector<std::string> recent_mismatches;  // JSON objects, oldest first
};

inline MigrationCounters read_counters(const MigrationMetrics& live) {
  MigrationCounters c;
  SWITCHYARD_MIGRATION_COUNTERS(SWITCHYARD_COPY_ROW)
  c.recent_refused = live.recent_refused.snapshot();
  c.recent_mismatches = live.recent_mismatches.snapshot();
  return c;
}

// A copy of the ListenerCounters, row for row.
struct ListenerCounts {
  SWITCHYARD_LISTENER_COUNTERS(SWITCHYARD_DECLARE_COPY)
};

inline ListenerCounts read_counters(const ListenerCounters& live) {
  ListenerCounts c;
  SWITCHYARD_LISTENER_COUNTERS(SWITCHYARD_COPY_ROW)
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
  ByReason::Copy statements_refused_by{};  // the same, by reason
  uint64_t statements_passed = 0;     // parsed writes relayed as written
  std::vector<MigrationView> migrations;  // the running configuration's, in config order
  // Every migration that has metrics, including ones a reload removed (counters never go back).
  std::vector<std::pair<std::string, MigrationCounters>> migration_metrics;
  int64_t prepared_statements = 0;        // held by all sessions
  int64_t prepared_statements_max = 0;    // held by the session that holds most
  // A copy of every process-wide row of Metrics (metric_families.h), member for member.
  SWITCHYARD_PROCESS_COUNTERS(SWITCHYARD_DECLARE_COPY)
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
