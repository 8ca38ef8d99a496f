// The Prometheus text (format 0.0.4) of GET /metrics; see admin_handler.h. Every family is
// written with its HELP and TYPE lines; histograms with cumulative buckets, le="+Inf", _sum
// and _count.
#include <algorithm>
#include <cstdio>

#include "proxy/admin_handler.h"

namespace switchyard::proxy {
namespace {

// A label value with \, " and newline escaped, as the format requires.
std::string label(std::string_view v) {
  std::string out;
  for (const char c : v) {
    if (c == '\\') out += "\\\\";
    else if (c == '"') out += "\\\"";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
  return out;
}

std::string fmt(double v, const char* format) {
  char buf[32];
  std::snprintf(buf, sizeof buf, format, v);
  return buf;
}

void family(std::string& out, std::string_view name, std::string_view type, std::string_view help) {
  out.append("# HELP ").append(name).append(" ").append(help).append("\n");
  out.append("# TYPE ").append(name).append(" ").append(type).append("\n");
}

// One sample; `labels` is empty or `a="x",b="y"`.
void sample(std::string& out, std::string_view name, const std::string& labels, uint64_t value) {
  out.append(name);
  if (!labels.empty()) out.append("{").append(labels).append("}");
  out.append(" ").append(std::to_string(value)).append("\n");
}

void histogram(std::string& out, std::string_view name, const std::string& labels, const Histogram::Snapshot& h) {
  const std::string prefix = labels.empty() ? "" : labels + ",";
  const std::string bucket = std::string(name) + "_bucket";
  uint64_t cumulative = 0;
  for (size_t i = 0; i < Histogram::kBounds.size(); ++i) {
    cumulative += h.buckets[i];
    sample(out, bucket, prefix + "le=\"" + fmt(Histogram::kBounds[i], "%g") + "\"", cumulative);
  }
  sample(out, bucket, prefix + "le=\"+Inf\"", h.count);
  out.append(name).append("_sum");
  if (!labels.empty()) out.append("{").append(labels).append("}");
  out.append(" ").append(fmt(h.sum_seconds, "%.6f")).append("\n");
  sample(out, std::string(name) + "_count", labels, h.count);
}

}  // namespace

std::string metrics_text(const AdminView& v) {
  std::string out;
  family(out, "switchyard_up", "gauge", "1 while the proxy process is running.");
  out += "switchyard_up 1\n";
  family(out, "switchyard_sessions_active", "gauge", "Client sessions open now.");
  sample(out, "switchyard_sessions_active", "", static_cast<uint64_t>(std::max<int64_t>(0, v.active_sessions)));
  family(out, "switchyard_sessions_total", "counter", "Client sessions accepted since start.");
  sample(out, "switchyard_sessions_total", "", v.total_sessions);
  family(out, "switchyard_config_generation", "gauge", "Configuration generation in force: 1 at start, +1 per reload.");
  sample(out, "switchyard_config_generation", "", v.generation);
  family(out, "switchyard_reloads_total", "counter", "Configuration reloads by result.");
  sample(out, "switchyard_reloads_total", "result=\"ok\"", v.reloads_ok);
  sample(out, "switchyard_reloads_total", "result=\"failed\"", v.reloads_failed);

  family(out, "switchyard_statements_total", "counter",
         "Statements on migrated tables by migration, kind and route: writes rewritten into both shapes, "
         "refused (SQLSTATE 0A000) by reason, or passed unmirrored under on_unsupported: pass by the reason "
         "they would have been refused; reads served from the old or the new shape.");
  for (const auto& [name, c] : v.migration_metrics) {
    const std::string m = "migration=\"" + label(name) + "\",";
    sample(out, "switchyard_statements_total", m + "kind=\"write\",route=\"rewritten\"", c.writes_rewritten);
    for (size_t i = 0; i < rewrite::kRefusalReasons; ++i) {
      const std::string reason = std::string(",reason=\"") + std::string(rewrite::to_string(static_cast<rewrite::RefusalReason>(i))) + "\"";
      sample(out, "switchyard_statements_total", m + "kind=\"write\",route=\"refused\"" + reason, c.writes_refused_by[i]);
      sample(out, "switchyard_statements_total", m + "kind=\"write\",route=\"passed\"" + reason, c.writes_passed_by[i]);
    }
    sample(out, "switchyard_statements_total", m + "kind=\"read\",route=\"old\"", c.reads_old);
    sample(out, "switchyard_statements_total", m + "kind=\"read\",route=\"new\"", c.reads_new);
  }
  family(out, "switchyard_shadow_reads_total", "counter", "Shadow reads by migration and result.");
  for (const auto& [name, c] : v.migration_metrics) {
    const std::string m = "migration=\"" + label(name) + "\",";
    sample(out, "switchyard_shadow_reads_total", m + "result=\"match\"", c.shadow_match);
    sample(out, "switchyard_shadow_reads_total", m + "result=\"mismatch\"", c.shadow_mismatch);
    sample(out, "switchyard_shadow_reads_total", m + "result=\"transient\"", c.shadow_transient);
    sample(out, "switchyard_shadow_reads_total", m + "result=\"error\"", c.shadow_error);
    sample(out, "switchyard_shadow_reads_total", m + "result=\"skipped\"", c.shadow_skipped);
  }
  family(out, "switchyard_shadow_seconds", "histogram", "Time of each side of a shadow read, by migration.");
  for (const auto& [name, c] : v.migration_metrics) {
    const std::string m = "migration=\"" + label(name) + "\",";
    histogram(out, "switchyard_shadow_seconds", m + "side=\"old\"", c.shadow_old_seconds);
    histogram(out, "switchyard_shadow_seconds", m + "side=\"new\"", c.shadow_new_seconds);
  }

  family(out, "switchyard_rewrite_cache_hits_total", "counter", "Rewrites answered from a worker's cache.");
  sample(out, "switchyard_rewrite_cache_hits_total", "", v.rewrite_cache_hits);
  family(out, "switchyard_rewrite_cache_misses_total", "counter", "Rewrites computed (cache misses).");
  sample(out, "switchyard_rewrite_cache_misses_total", "", v.rewrite_cache_misses);
  family(out, "switchyard_rewrite_seconds", "histogram", "Time to rewrite a statement on a cache miss.");
  histogram(out, "switchyard_rewrite_seconds", "", v.rewrite_seconds);
  family(out, "switchyard_upstream_seconds", "histogram",
         "Time from a Query, Sync or FunctionCall sent upstream to its ReadyForQuery.");
  histogram(out, "switchyard_upstream_seconds", "", v.upstream_seconds);
  family(out, "switchyard_ddl_lint_total", "counter", "Risky DDL statements seen, by action taken.");
  sample(out, "switchyard_ddl_lint_total", "action=\"warned\"", v.ddl_lint_warned);
  sample(out, "switchyard_ddl_lint_total", "action=\"blocked\"", v.ddl_lint_blocked);
  family(out, "switchyard_reprepares_total", "counter",
         "Client statements prepared again upstream after a phase flip changed their rewrite.");
  sample(out, "switchyard_reprepares_total", "", v.reprepares);
  family(out, "switchyard_prepared_statements", "gauge", "Statements the client sessions hold prepared.");
  sample(out, "switchyard_prepared_statements", "", static_cast<uint64_t>(v.prepared_statements));
  family(out, "switchyard_sessions_behind", "gauge",
         "Sessions still under a configuration with another phase for the migration.");
  for (const auto& m : v.migrations)
    sample(out, "switchyard_sessions_behind", "migration=\"" + label(m.name) + "\"", static_cast<uint64_t>(m.sessions_behind));
  family(out, "switchyard_sessions_ended_total", "counter", "Sessions ended by a memory or time bound on messages.");
  sample(out, "switchyard_sessions_ended_total", "reason=\"assembly_budget\"", v.assembly_refused);
  sample(out, "switchyard_sessions_ended_total", "reason=\"message_timeout\"", v.message_timeouts);
  family(out, "switchyard_tls_handshake_failures_total", "counter", "Sessions ended by a failed TLS handshake, by leg.");
  sample(out, "switchyard_tls_handshake_failures_total", "leg=\"client\"", v.tls_client_handshake_failures);
  sample(out, "switchyard_tls_handshake_failures_total", "leg=\"upstream\"", v.tls_upstream_handshake_failures);
  family(out, "switchyard_auth_scram_total", "counter",
         "Sessions whose SCRAM exchange the proxy ran on both legs, by outcome (fallback: auth.query failed, relayed).");
  sample(out, "switchyard_auth_scram_total", "outcome=\"ok\"", v.auth_scram_sessions);
  sample(out, "switchyard_auth_scram_total", "outcome=\"failed\"", v.auth_scram_failures);
  sample(out, "switchyard_auth_scram_total", "outcome=\"fallback\"", v.auth_scram_fallbacks);
  family(out, "switchyard_assembly_bytes", "gauge", "Bytes of client and server messages being assembled now.");
  sample(out, "switchyard_assembly_bytes", "", v.assembly_bytes);
  // One family per run of rows with the same name; its first row carries the help.
  std::string_view previous;
#define SWITCHYARD_WRITE_COUNTER(member, name, labels, help) \
  if (previous != (name)) family(out, name, "counter", help); \
  previous = (name);                                          \
  sample(out, name, labels, v.listeners.member);
  SWITCHYARD_LISTENER_COUNTERS(SWITCHYARD_WRITE_COUNTER)
#undef SWITCHYARD_WRITE_COUNTER
  return out;
}

}  // namespace switchyard::proxy
