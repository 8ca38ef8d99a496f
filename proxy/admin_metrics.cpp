// The Prometheus text (format 0.0.4) of GET /metrics; see admin_handler.h. Every family is
// written with its HELP and TYPE lines; histograms with cumulative buckets, le="+Inf", _sum
// and _count. The counters come from the rows of metric_families.h; only the gauges, which
// are not counters the proxy keeps, are written by hand here.
#include <algorithm>
#include <cstdio>
#include <iterator>

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

// One row's samples: a count; a count per refusal reason (reason="..." added to the labels);
// a histogram.
void write_value(std::string& out, std::string_view name, const std::string& labels, uint64_t value) {
  sample(out, name, labels, value);
}
void write_value(std::string& out, std::string_view name, const std::string& labels, const ByReason::Copy& counts) {
  for (size_t i = 0; i < counts.size(); ++i)
    sample(out, name,
           labels + ",reason=\"" + std::string(rewrite::to_string(static_cast<rewrite::RefusalReason>(i))) + "\"",
           counts[i]);
}
void write_value(std::string& out, std::string_view name, const std::string& labels, const Histogram::Snapshot& h) {
  histogram(out, name, labels, h);
}

// One row of SWITCHYARD_MIGRATION_COUNTERS, to be written for every migration in turn.
struct MigrationRow {
  std::string_view family;
  std::string_view labels;
  std::string_view help;
  std::string_view type;
  void (*write)(std::string& out, std::string_view family, const std::string& labels, const MigrationCounters& c);
};

#define SWITCHYARD_MIGRATION_ROW(shape, member, json, family, labels, help)                          \
  MigrationRow{family, labels, help, shape::kType,                                                    \
               [](std::string& out, std::string_view f, const std::string& l, const MigrationCounters& c) { \
                 write_value(out, f, l, c.member);                                                    \
               }},
constexpr MigrationRow kMigrationRows[] = {SWITCHYARD_MIGRATION_COUNTERS(SWITCHYARD_MIGRATION_ROW)};
#undef SWITCHYARD_MIGRATION_ROW

// The per-migration families: each family once, with the samples of every migration in it
// (the format wants a family's samples together). Rows of family "" are /status only.
void migration_families(std::string& out, const AdminView& v) {
  constexpr size_t n = std::size(kMigrationRows);
  for (size_t first = 0; first < n;) {
    const MigrationRow& head = kMigrationRows[first];
    size_t end = first + 1;
    while (end < n && (kMigrationRows[end].family.empty() || kMigrationRows[end].family == head.family)) ++end;
    if (head.family.empty()) {
      first = end;
      continue;
    }
    family(out, head.family, head.type, head.help);
    for (const auto& [name, c] : v.migration_metrics) {
      const std::string m = "migration=\"" + label(name) + "\",";
      for (size_t i = first; i < end; ++i)
        if (!kMigrationRows[i].family.empty())
          kMigrationRows[i].write(out, kMigrationRows[i].family, m + std::string(kMigrationRows[i].labels), c);
    }
    first = end;
  }
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
  migration_families(out, v);
  family(out, "switchyard_prepared_statements", "gauge", "Statements the client sessions hold prepared.");
  sample(out, "switchyard_prepared_statements", "", static_cast<uint64_t>(v.prepared_statements));
  family(out, "switchyard_sessions_behind", "gauge",
         "Sessions still under a configuration with another phase for the migration.");
  for (const auto& m : v.migrations)
    sample(out, "switchyard_sessions_behind", "migration=\"" + label(m.name) + "\"", static_cast<uint64_t>(m.sessions_behind));
  family(out, "switchyard_assembly_bytes", "gauge", "Bytes of client and server messages being assembled now.");
  sample(out, "switchyard_assembly_bytes", "", v.assembly_bytes);
  // The process-wide rows, then the listeners': one family per run of rows with the same name,
  // its first row carrying the help.
  std::string_view previous;
#define SWITCHYARD_WRITE_ROW(shape, member, name, labels, help)      \
  if (previous != (name)) family(out, name, shape::kType, help); \
  previous = (name);                                               \
  write_value(out, name, labels, from.member);
  {
    const AdminView& from = v;
    SWITCHYARD_PROCESS_COUNTERS(SWITCHYARD_WRITE_ROW)
  }
  {
    const ListenerCounts& from = v.listeners;
    SWITCHYARD_LISTENER_COUNTERS(SWITCHYARD_WRITE_ROW)
  }
#undef SWITCHYARD_WRITE_ROW
  return out;
}

}  // namespace switchyard::proxy
