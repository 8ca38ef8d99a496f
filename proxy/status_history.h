// The recent past of GET /status, for the console's charts and GET /status/history: a sample of
// the counters every admin.history_interval_seconds (5 s by default), the last 15 minutes of them
// in a ring of fixed capacity, so the memory it takes is bounded whatever the uptime (a sample is
// about 100 bytes plus 150 per migration).
//
// Samples hold cumulative counters, as /metrics does; a reader derives rates from two samples
// (and sees a counter that went back as a restart). Not thread-safe: the Server samples and
// answers on its main io_context's thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <string>
#include <vector>

#include "proxy/admin_view.h"

namespace switchyard::proxy {

struct MigrationSample {
  std::string name;
  std::string phase;
  uint64_t writes_rewritten = 0, writes_refused = 0, reads_old = 0, reads_new = 0;
  uint64_t shadow_match = 0, shadow_mismatch = 0, shadow_transient = 0, shadow_error = 0, shadow_skipped = 0;
  uint64_t shadow_old_count = 0, shadow_new_count = 0;
  double shadow_old_seconds = 0, shadow_new_seconds = 0;  // sums, as the histograms keep them
  int64_t sessions_behind = 0;
};

struct StatusSample {
  int64_t unix_ms = 0;
  uint64_t generation = 0;
  int64_t active_sessions = 0;
  uint64_t upstream_count = 0;
  double upstream_seconds = 0;
  uint64_t reloads_ok = 0, reloads_failed = 0;
  std::vector<MigrationSample> migrations;  // the running configuration's, in config order
};

// What `view` shows, taken at `unix_ms`.
StatusSample sample_of(const AdminView& view, int64_t unix_ms);

class StatusHistory {
 public:
  static constexpr int kWindowSeconds = 15 * 60;

  explicit StatusHistory(int interval_seconds)
      : interval_seconds_(interval_seconds), capacity_(static_cast<size_t>(kWindowSeconds / interval_seconds)) {}

  // Appends `sample`, dropping the oldest once `capacity()` are held.
  void add(StatusSample sample);
  const std::deque<StatusSample>& samples() const { return samples_; }
  size_t capacity() const { return capacity_; }
  int interval_seconds() const { return interval_seconds_; }

 private:
  int interval_seconds_;
  size_t capacity_;
  std::deque<StatusSample> samples_;
};

// The body of GET /status/history (docs/operator-guide.md): {"interval_seconds":5,
// "capacity":180,"samples":[{"t":UNIX_MS,...,"migrations":{"NAME":{...}}}, ...]}, oldest first.
std::string history_json(const StatusHistory& history);

}  // namespace switchyard::proxy
