// Samples of /status over the last 15 minutes; see status_history.h.
#include "proxy/status_history.h"

#include <cstdio>

#include "proxy/admin_handler.h"

namespace switchyard::proxy {
namespace {

std::string seconds(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6f", v);
  return buf;
}

std::string migration_json(const MigrationSample& m) {
  std::string out = "{\"phase\":" + json_quote(m.phase);
  const auto put = [&out](const char* name, const std::string& value) {
    out += ",\"";
    out += name;
    out += "\":";
    out += value;
  };
  put("writes_rewritten", std::to_string(m.writes_rewritten));
  put("writes_refused", std::to_string(m.writes_refused));
  put("reads_old", std::to_string(m.reads_old));
  put("reads_new", std::to_string(m.reads_new));
  put("shadow_match", std::to_string(m.shadow_match));
  put("shadow_mismatch", std::to_string(m.shadow_mismatch));
  put("shadow_transient", std::to_string(m.shadow_transient));
  put("shadow_error", std::to_string(m.shadow_error));
  put("shadow_skipped", std::to_string(m.shadow_skipped));
  put("shadow_old_count", std::to_string(m.shadow_old_count));
  put("shadow_old_seconds", seconds(m.shadow_old_seconds));
  put("shadow_new_count", std::to_string(m.shadow_new_count));
  put("shadow_new_seconds", seconds(m.shadow_new_seconds));
  put("sessions_behind", std::to_string(m.sessions_behind));
  return out + "}";
}

}  // namespace

StatusSample sample_of(const AdminView& v, int64_t unix_ms) {
  StatusSample s;
  s.unix_ms = unix_ms;
  s.generation = v.generation;
  s.active_sessions = v.active_sessions;
  s.upstream_count = v.upstream_seconds.count;
  s.upstream_seconds = v.upstream_seconds.sum_seconds;
  s.reloads_ok = v.reloads_ok;
  s.reloads_failed = v.reloads_failed;
  for (const auto& m : v.migrations) {
    const MigrationCounters& c = m.counters;
    MigrationSample ms;
    ms.name = m.name;
    ms.phase = m.phase;
    ms.writes_rewritten = c.writes_rewritten;
    ms.writes_refused = c.writes_refused;
    ms.reads_old = c.reads_old;
    ms.reads_new = c.reads_new;
    ms.shadow_match = c.shadow_match;
    ms.shadow_mismatch = c.shadow_mismatch;
    ms.shadow_transient = c.shadow_transient;
    ms.shadow_error = c.shadow_error;
    ms.shadow_skipped = c.shadow_skipped;
    ms.shadow_old_count = c.shadow_old_seconds.count;
    ms.shadow_old_seconds = c.shadow_old_seconds.sum_seconds;
    ms.shadow_new_count = c.shadow_new_seconds.count;
    ms.shadow_new_seconds = c.shadow_new_seconds.sum_seconds;
    ms.sessions_behind = m.sessions_behind;
    s.migrations.push_back(std::move(ms));
  }
  return s;
}

void StatusHistory::add(StatusSample sample) {
  samples_.push_back(std::move(sample));
  while (samples_.size() > capacity_) samples_.pop_front();
}

std::string history_json(const StatusHistory& history) {
  std::string out = "{\"interval_seconds\":" + std::to_string(history.interval_seconds()) +
                    ",\"capacity\":" + std::to_string(history.capacity()) + ",\"samples\":[";
  bool first = true;
  for (const StatusSample& s : history.samples()) {
    if (!first) out += ',';
    first = false;
    out += "{\"t\":" + std::to_string(s.unix_ms) + ",\"generation\":" + std::to_string(s.generation) +
           ",\"active_sessions\":" + std::to_string(s.active_sessions) +
           ",\"upstream_count\":" + std::to_string(s.upstream_count) +
           ",\"upstream_seconds\":" + seconds(s.upstream_seconds) + ",\"reloads_ok\":" + std::to_string(s.reloads_ok) +
           ",\"reloads_failed\":" + std::to_string(s.reloads_failed) + ",\"migrations\":{";
    for (size_t i = 0; i < s.migrations.size(); ++i) {
      if (i > 0) out += ',';
      out += json_quote(s.migrations[i].name) + ":" + migration_json(s.migrations[i]);
    }
    out += "}}";
  }
  return out + "]}\n";
}

}  // namespace switchyard::proxy
