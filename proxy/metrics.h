// Counters and latency histograms the proxy keeps for /metrics and /status. Shared by every
// worker thread, the shadow workers and the admin server: everything is an atomic, updated with
// relaxed ordering (a scrape may see one counter a moment ahead of another, never a torn value).
//
// Per-migration metrics are keyed by migration name and live as long as the process, so their
// counters survive a reload that keeps the migration (Prometheus counters must not go back).
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "proxy/metric_families.h"
#include "proxy/recent_events.h"
#include "rewrite/rewrite_result.h"

namespace switchyard::proxy {

#define SWITCHYARD_DECLARE_LIVE(shape, member, ...) shape::Live member{};

struct MigrationMetrics {
  SWITCHYARD_MIGRATION_COUNTERS(SWITCHYARD_DECLARE_LIVE)
  // The last few of each, by example (proxy/recent_events.h).
  RecentEvents recent_refused;     // refusal_event(): fingerprint and reason
  RecentEvents recent_mismatches;  // shadow_log.h mismatch_json(), redacted as the log is
};

struct ListenerCounters {
  SWITCHYARD_LISTENER_COUNTERS(SWITCHYARD_DECLARE_LIVE)
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

  SWITCHYARD_PROCESS_COUNTERS(SWITCHYARD_DECLARE_LIVE)
  ListenerCounters listeners;

 private:
  mutable std::mutex mu_;
  std::map<std::string, std::unique_ptr<MigrationMetrics>> migrations_;
};

}  // namespace switchyard::proxy
