// The JSON body of GET /status; see admin_handler.h. Written with the one JSON writer
// (util/json_writer.h); a migration's counters come from the rows of metric_families.h.
#include "proxy/admin_handler.h"
#include "util/json_writer.h"

namespace switchyard::proxy {
namespace {

using util::JsonWriter;

// The upper bound of the bucket holding quantile `q` (0 when empty; the last bound for +Inf).
double quantile_bound(const Histogram::Snapshot& h, double q) {
  if (h.count == 0) return 0;
  const auto rank = static_cast<uint64_t>(q * static_cast<double>(h.count) + 0.999999);
  uint64_t seen = 0;
  for (size_t i = 0; i < Histogram::kBounds.size(); ++i) {
    seen += h.buckets[i];
    if (seen >= rank) return Histogram::kBounds[i];
  }
  return Histogram::kBounds.back();
}

// One row's value: a count; {"unsupported_form":n,"volatile":n,...} with every reason present;
// {"count":N,"sum_seconds":S,"p50_seconds":B,"p99_seconds":B}, quantiles as bucket bounds.
void value(JsonWriter& w, uint64_t count) { w.number(count); }
void value(JsonWriter& w, const ByReason::Copy& counts) {
  w.begin_object();
  for (size_t i = 0; i < counts.size(); ++i)
    w.key(rewrite::to_string(static_cast<rewrite::RefusalReason>(i))).number(counts[i]);
  w.end_object();
}
void value(JsonWriter& w, const Histogram::Snapshot& h) {
  w.begin_object().key("count").number(h.count).key("sum_seconds").number(h.sum_seconds);
  w.key("p50_seconds").number(quantile_bound(h, 0.5)).key("p99_seconds").number(quantile_bound(h, 0.99));
  w.end_object();
}

void counters(JsonWriter& w, const MigrationCounters& c) {
  w.begin_object();
#define SWITCHYARD_JSON_ROW(shape, member, json, ...) value(w.key(json), c.member);
  SWITCHYARD_MIGRATION_COUNTERS(SWITCHYARD_JSON_ROW)
#undef SWITCHYARD_JSON_ROW
  w.end_object();
}

// An array of values that are already JSON objects.
void raw_array(JsonWriter& w, const std::vector<std::string>& json_objects) {
  w.begin_array();
  for (const auto& o : json_objects) w.raw(o);
  w.end_array();
}

void migration(JsonWriter& w, const MigrationView& m) {
  w.begin_object();
  w.key("name").string(m.name).key("kind").string(m.kind).key("old").string(m.old_table);
  w.key("new").string(m.new_table).key("phase").string(m.phase);
  w.key("canary_percent").number(m.canary_percent).key("canary_key").string(m.canary_key);
  w.key("shadow_sample_percent").number(m.shadow_sample_percent);
  counters(w.key("counters"), m.counters);
  w.key("server_writers").begin_array();
  for (const auto& sw : m.server_writers)
    w.begin_object().key("kind").string(sw.kind).key("name").string(sw.name).key("writes").string(sw.writes).end_object();
  w.end_array();
  w.key("sessions_behind").number(m.sessions_behind).key("statements_old_shape").number(m.statements_old_shape);
  raw_array(w.key("recent_refused"), m.counters.recent_refused);
  raw_array(w.key("recent_mismatches"), m.counters.recent_mismatches);
  w.end_object();
}

}  // namespace

std::string status_json(const AdminView& v) {
  std::string out;
  JsonWriter w(out);
  w.begin_object();
  w.key("version").string(v.version).key("uptime_seconds").number(v.uptime_seconds);
  w.key("generation").number(v.generation).key("config").string(v.config_path);
  w.key("listen").string(v.listen).key("upstream").string(v.upstream);
  w.key("sessions").begin_object().key("active").number(v.active_sessions).key("total").number(v.total_sessions);
  w.key("prepared_statements").number(v.prepared_statements);
  w.key("prepared_statements_max").number(v.prepared_statements_max);
  w.key("reprepares").number(v.reprepares).end_object();
  w.key("draining").boolean(v.draining);
  value(w.key("upstream_latency"), v.upstream_seconds);
  w.key("jobs").raw(v.jobs_json);
  w.key("statements").begin_object().key("rewritten").number(v.statements_rewritten);
  w.key("refused").number(v.statements_refused);
  value(w.key("refused_by_reason"), v.statements_refused_by);
  w.key("passed").number(v.statements_passed).end_object();
  w.key("reloads").begin_object().key("ok").number(v.reloads_ok).key("failed").number(v.reloads_failed);
  if (!v.last_reload_error.empty())
    w.key("last_error").string(v.last_reload_error).key("last_error_at").string(v.last_reload_error_at);
  w.end_object();
  w.key("migrations").begin_array();
  for (const auto& m : v.migrations) migration(w, m);
  w.end_array();
  w.end_object();
  return out + "\n";
}

}  // namespace switchyard::proxy
