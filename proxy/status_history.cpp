// Samples of /status over the last 15 minutes; see status_history.h.
#include "proxy/status_history.h"

#include "util/json_writer.h"

namespace switchyard::proxy {
namespace {

using util::JsonWriter;

void migration_json(JsonWriter& w, const MigrationSample& m) {
  w.begin_object().key("phase").string(m.phase);
  w.key("writes_rewritten").number(m.writes_rewritten).key("writes_refused").number(m.writes_refused);
  w.key("reads_old").number(m.reads_old).key("reads_new").number(m.reads_new);
  w.key("shadow_match").number(m.shadow_match).key("shadow_mismatch").number(m.shadow_mismatch);
  w.key("shadow_transient").number(m.shadow_transient).key("shadow_error").number(m.shadow_error);
  w.key("shadow_skipped").number(m.shadow_skipped);
  w.key("shadow_old_count").number(m.shadow_old_count).key("shadow_old_seconds").fixed(m.shadow_old_seconds, 6);
  w.key("shadow_new_count").number(m.shadow_new_count).key("shadow_new_seconds").fixed(m.shadow_new_seconds, 6);
  w.key("sessions_behind").number(m.sessions_behind);
  w.end_object();
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
  std::string out;
  JsonWriter w(out);
  w.begin_object().key("interval_seconds").number(history.interval_seconds());
  w.key("capacity").number(history.capacity()).key("samples").begin_array();
  for (const StatusSample& s : history.samples()) {
    w.begin_object().key("t").number(s.unix_ms).key("generation").number(s.generation);
    w.key("active_sessions").number(s.active_sessions).key("upstream_count").number(s.upstream_count);
    w.key("upstream_seconds").fixed(s.upstream_seconds, 6).key("reloads_ok").number(s.reloads_ok);
    w.key("reloads_failed").number(s.reloads_failed).key("migrations").begin_object();
    for (const auto& m : s.migrations) migration_json(w.key(m.name), m);
    w.end_object().end_object();
  }
  w.end_array().end_object();
  return out + "\n";
}

}  // namespace switchyard::proxy
