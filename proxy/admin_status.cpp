// The JSON body of GET /status; see admin_handler.h.
#include <cstdio>

#include "proxy/admin_handler.h"

namespace switchyard::proxy {
namespace {

std::string number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

void field(std::string& out, std::string_view name, const std::string& json_value) {
  if (out.back() != '{') out += ',';
  out += '"';
  out.append(name);
  out += "\":";
  out += json_value;
}

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

// {"count":N,"sum_seconds":S,"p50_seconds":B,"p99_seconds":B}: quantiles as bucket bounds.
std::string latency_json(const Histogram::Snapshot& h) {
  return "{\"count\":" + std::to_string(h.count) + ",\"sum_seconds\":" + number(h.sum_seconds) +
         ",\"p50_seconds\":" + number(quantile_bound(h, 0.5)) + ",\"p99_seconds\":" + number(quantile_bound(h, 0.99)) +
         "}";
}

// {"unsupported_form":n,"volatile":n,...}, every reason present.
std::string by_reason_json(const std::array<uint64_t, rewrite::kRefusalReasons>& counts) {
  std::string out = "{";
  for (size_t i = 0; i < counts.size(); ++i)
    field(out, rewrite::to_string(static_cast<rewrite::RefusalReason>(i)), std::to_string(counts[i]));
  return out + "}";
}

std::string counters_json(const MigrationCounters& c) {
  std::string out = "{";
  field(out, "writes_rewritten", std::to_string(c.writes_rewritten));
  field(out, "writes_refused", std::to_string(c.writes_refused));
  field(out, "writes_refused_by_reason", by_reason_json(c.writes_refused_by));
  field(out, "writes_passed_by_reason", by_reason_json(c.writes_passed_by));
  field(out, "reads_old", std::to_string(c.reads_old));
  field(out, "reads_new", std::to_string(c.reads_new));
  field(out, "shadow_match", std::to_string(c.shadow_match));
  field(out, "shadow_mismatch", std::to_string(c.shadow_mismatch));
  field(out, "shadow_transient", std::to_string(c.shadow_transient));
  field(out, "shadow_error", std::to_string(c.shadow_error));
  field(out, "shadow_skipped", std::to_string(c.shadow_skipped));
  field(out, "shadow_old_latency", latency_json(c.shadow_old_seconds));
  field(out, "shadow_new_latency", latency_json(c.shadow_new_seconds));
  return out + "}";
}

std::string array_of(const std::vector<std::string>& json_objects) {
  std::string out = "[";
  for (const auto& o : json_objects) {
    if (out.size() > 1) out += ',';
    out += o;
  }
  return out + "]";
}

std::string migration_json(const MigrationView& m) {
  std::string out = "{";
  field(out, "name", json_quote(m.name));
  field(out, "kind", json_quote(m.kind));
  field(out, "old", json_quote(m.old_table));
  field(out, "new", json_quote(m.new_table));
  field(out, "phase", json_quote(m.phase));
  field(out, "canary_percent", std::to_string(m.canary_percent));
  field(out, "canary_key", json_quote(m.canary_key));
  field(out, "shadow_sample_percent", number(m.shadow_sample_percent));
  field(out, "counters", counters_json(m.counters));
  std::string writers = "[";
  for (const auto& w : m.server_writers) {
    if (writers.size() > 1) writers += ',';
    writers += "{\"kind\":" + json_quote(w.kind) + ",\"name\":" + json_quote(w.name) + ",\"writes\":" + json_quote(w.writes) + "}";
  }
  field(out, "server_writers", writers + "]");
  field(out, "sessions_behind", std::to_string(m.sessions_behind));
  field(out, "statements_old_shape", std::to_string(m.statements_old_shape));
  field(out, "recent_refused", array_of(m.counters.recent_refused));
  field(out, "recent_mismatches", array_of(m.counters.recent_mismatches));
  return out + "}";
}

}  // namespace

std::string status_json(const AdminView& v) {
  std::string out = "{";
  field(out, "version", json_quote(v.version));
  field(out, "uptime_seconds", std::to_string(v.uptime_seconds));
  field(out, "generation", std::to_string(v.generation));
  field(out, "config", json_quote(v.config_path));
  field(out, "listen", json_quote(v.listen));
  field(out, "upstream", json_quote(v.upstream));
  field(out, "sessions",
        "{\"active\":" + std::to_string(v.active_sessions) + ",\"total\":" + std::to_string(v.total_sessions) +
            ",\"prepared_statements\":" + std::to_string(v.prepared_statements) +
            ",\"prepared_statements_max\":" + std::to_string(v.prepared_statements_max) +
            ",\"reprepares\":" + std::to_string(v.reprepares) + "}");
  field(out, "draining", v.draining ? "true" : "false");
  field(out, "upstream_latency", latency_json(v.upstream_seconds));
  field(out, "jobs", v.jobs_json);
  field(out, "statements",
        "{\"rewritten\":" + std::to_string(v.statements_rewritten) + ",\"refused\":" + std::to_string(v.statements_refused) +
            ",\"refused_by_reason\":" + by_reason_json(v.statements_refused_by) +
            ",\"passed\":" + std::to_string(v.statements_passed) + "}");
  std::string reloads = "{\"ok\":" + std::to_string(v.reloads_ok) + ",\"failed\":" + std::to_string(v.reloads_failed);
  if (!v.last_reload_error.empty())
    reloads += ",\"last_error\":" + json_quote(v.last_reload_error) + ",\"last_error_at\":" + json_quote(v.last_reload_error_at);
  field(out, "reloads", reloads + "}");
  std::string migrations = "[";
  for (const auto& m : v.migrations) {
    if (migrations.size() > 1) migrations += ',';
    migrations += migration_json(m);
  }
  field(out, "migrations", migrations + "]");
  return out + "}\n";
}

}  // namespace switchyard::proxy
