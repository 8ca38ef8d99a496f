// Throttling and batch sizing for backfill; see throttle.h.
#include "jobs/throttle.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>

namespace switchyard::jobs {

std::string Throttle::check_latency(const std::function<bool()>& round_trip) const {
  if (limits_.max_latency_ms <= 0) return "";
  const auto start = std::chrono::steady_clock::now();
  const bool ok = round_trip();
  const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  if (!ok || ms <= limits_.max_latency_ms) return "";
  char buf[160];
  std::snprintf(buf, sizeof buf, "upstream latency %.1f ms > %d ms", ms, limits_.max_latency_ms);
  return buf;
}

std::string Throttle::check(Db& db, std::string& warning) {
  char buf[160];
  if (std::string latency = check_latency([&] { return db.exec("SELECT 1").ok(); }); !latency.empty()) return latency;
  if (limits_.max_lag_ms > 0 && !lag_unavailable_) {
    QueryResult r = db.exec(
        "SELECT coalesce(extract(epoch FROM replay_lag) * 1000, 0)::float8, coalesce(client_addr::text, application_name) "
        "FROM pg_stat_replication ORDER BY replay_lag DESC NULLS LAST LIMIT 1");
    if (!r.ok()) {
      lag_unavailable_ = true;
      warning = "cannot read replica lag (" + r.error() + "); --max-lag-ms is not enforced";
      return "";
    }
    if (r.rows() > 0) {
      const double lag = std::strtod(r.value(0, 0).c_str(), nullptr);
      if (lag > limits_.max_lag_ms) {
        std::snprintf(buf, sizeof buf, "replica lag %.0f ms > %d ms (%s)", lag, limits_.max_lag_ms, r.value(0, 1).c_str());
        return buf;
      }
    }
  }
  return "";
}

void BatchSizer::observe(int64_t rows, double seconds) {
  if (target_ <= 0 || rows <= 0 || seconds <= 0) return;
  const double rate = static_cast<double>(rows) / seconds;
  rate_ = rate_ == 0 ? rate : 0.7 * rate_ + 0.3 * rate;
  const double wanted = rate_ * target_;
  const double next = std::clamp(wanted, static_cast<double>(rows_) / 2, static_cast<double>(rows_) * 2);
  rows_ = std::clamp<int64_t>(static_cast<int64_t>(next), 10, 100000);
}

}  // namespace switchyard::jobs
