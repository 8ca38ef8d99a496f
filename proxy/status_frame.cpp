// The text screen of `switchyard status`; see status_frame.h.
#include "proxy/status_frame.h"

#include <boost/json.hpp>

#include <algorithm>
#include <array>
#include <cstdio>
#include <vector>

namespace switchyard::proxy {
namespace {

namespace json = boost::json;

constexpr std::array<const char*, 6> kPhases = {"off", "dual_write", "shadow", "canary", "read_new", "new_only"};

const json::value* at(const json::value& v, std::initializer_list<const char*> path) {
  const json::value* p = &v;
  for (const char* key : path) {
    if (!p->is_object()) return nullptr;
    p = p->as_object().if_contains(key);
    if (p == nullptr) return nullptr;
  }
  return p;
}

double num(const json::value& v, std::initializer_list<const char*> path, double otherwise = -1) {
  const json::value* p = at(v, path);
  if (p == nullptr) return otherwise;
  if (p->is_int64()) return static_cast<double>(p->as_int64());
  if (p->is_uint64()) return static_cast<double>(p->as_uint64());
  if (p->is_double()) return p->as_double();
  return otherwise;
}

std::string str(const json::value& v, std::initializer_list<const char*> path) {
  const json::value* p = at(v, path);
  return p != nullptr && p->is_string() ? std::string(p->as_string()) : std::string("-");
}

std::string fmt(const char* format, double value) {
  char buf[64];
  std::snprintf(buf, sizeof buf, format, value);
  return buf;
}

std::string count(double v) { return v < 0 ? "-" : fmt("%.0f", v); }
std::string ms(double seconds) { return seconds <= 0 ? "-" : fmt("%.1f ms", seconds * 1000); }

struct Painter {
  bool color;
  std::string bold(const std::string& s) const { return color ? "\x1b[1m" + s + "\x1b[0m" : s; }
  std::string red(const std::string& s) const { return color ? "\x1b[31m" + s + "\x1b[0m" : s; }
  std::string current(const std::string& s) const { return color ? "\x1b[1;7m" + s + "\x1b[0m" : s; }
};

// The per-second rate of a counter over each pair of adjacent history samples.
std::vector<double> rates(const json::value& history, const std::string& migration, const char* counter) {
  std::vector<double> out;
  const json::value* samples = at(history, {"samples"});
  if (samples == nullptr || !samples->is_array()) return out;
  const auto& a = samples->as_array();
  for (size_t i = 1; i < a.size(); ++i) {
    const double dt = (num(a[i], {"t"}) - num(a[i - 1], {"t"})) / 1000;
    const double now = num(a[i], {"migrations", migration.c_str(), counter});
    const double before = num(a[i - 1], {"migrations", migration.c_str(), counter});
    if (dt <= 0 || now < 0 || before < 0) continue;
    out.push_back(std::max(0.0, (now - before) / dt));
  }
  return out;
}

std::string rate_text(const std::vector<double>& r) { return r.empty() ? "-" : fmt("%.1f/s", r.back()); }

std::string sparkline(const std::vector<double>& r, size_t width) {
  static const std::array<const char*, 8> kBlocks = {"▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"};
  if (r.empty()) return "(no history yet)";
  const size_t from = r.size() > width ? r.size() - width : 0;
  const double top = *std::max_element(r.begin() + static_cast<long>(from), r.end());
  std::string out;
  for (size_t i = from; i < r.size(); ++i)
    out += kBlocks[top <= 0 ? 0 : std::min<size_t>(7, static_cast<size_t>(r[i] / top * 7.999))];
  return out;
}

std::string job_line(const json::value& job, const std::string& kind) {
  const std::string label = kind + std::string(kind.size() < 10 ? 10 - kind.size() : 1, ' ');
  if (!job.is_object()) return label + "not started from this proxy";
  const double pct = std::clamp(num(job, {"percent"}, 0), 0.0, 100.0);
  const std::string state = str(job, {"state"});
  const int filled = state == "done" ? 30 : static_cast<int>(pct / 100 * 30);
  std::string bar = "[" + std::string(static_cast<size_t>(filled), '#') + std::string(static_cast<size_t>(30 - filled), ' ') + "]";
  std::string line = label + bar + " " + fmt("%.1f%%", pct) + " " + state + ", " +
                     count(num(job, {"rows_done"})) + "/" + count(num(job, {"rows_total"})) + " rows";
  if (state == "running")
    line += ", " + fmt("%.0f rows/s", num(job, {"rows_per_second"}, 0)) + ", ETA " +
            (num(job, {"eta_seconds"}) < 0 ? std::string("?") : fmt("%.0fs", num(job, {"eta_seconds"})));
  if (const std::string t = str(job, {"throttle"}); t != "-" && !t.empty()) line += " (throttled: " + t + ")";
  if (const std::string e = str(job, {"error"}); e != "-" && !e.empty()) line += " error: " + e;
  if (kind == "verify" && state == "done")
    line += num(job, {"mismatched"}, 0) + num(job, {"missing"}, 0) + num(job, {"extra"}, 0) == 0
                ? ", both shapes agree"
                : ", " + count(num(job, {"mismatched"})) + " mismatched, " + count(num(job, {"missing"})) +
                      " missing, " + count(num(job, {"extra"})) + " extra";
  return line;
}

// Cuts `line` to `width` columns, counting each UTF-8 sequence and skipping ANSI escapes.
std::string cut(const std::string& line, int width) {
  std::string out;
  int columns = 0;
  for (size_t i = 0; i < line.size();) {
    if (line[i] == '\x1b') {
      const size_t end = line.find('m', i);
      out.append(line, i, end == std::string::npos ? std::string::npos : end - i + 1);
      i = end == std::string::npos ? line.size() : end + 1;
      continue;
    }
    size_t n = 1;
    while (i + n < line.size() && (static_cast<unsigned char>(line[i + n]) & 0xC0) == 0x80) ++n;
    if (columns < width) out.append(line, i, n);
    ++columns;
    i += n;
  }
  return out;
}

}  // namespace

std::string render_status_frame(const json::value& status, const json::value& history, const FrameStyle& style) {
  const Painter p{style.color};
  std::vector<std::string> lines;
  lines.push_back(p.bold("switchyard " + str(status, {"version"})) + "  clients " + str(status, {"listen"}) +
                  "  upstream " + str(status, {"upstream"}) + "  generation " + count(num(status, {"generation"})) +
                  "  up " + count(num(status, {"uptime_seconds"})) + "s" +
                  (at(status, {"draining"}) && at(status, {"draining"})->is_bool() && at(status, {"draining"})->as_bool()
                       ? "  " + p.red("DRAINING")
                       : ""));
  const double up_count = num(status, {"upstream_latency", "count"}, 0);
  lines.push_back("sessions " + count(num(status, {"sessions", "active"})) + " (" + count(num(status, {"sessions", "total"})) +
                  " since start)  upstream latency mean " +
                  ms(up_count > 0 ? num(status, {"upstream_latency", "sum_seconds"}, 0) / up_count : 0) + ", p99 <= " +
                  ms(num(status, {"upstream_latency", "p99_seconds"}, 0)) + "  reloads " +
                  count(num(status, {"reloads", "ok"})) + " ok, " + count(num(status, {"reloads", "failed"})) + " refused");
  if (const std::string e = str(status, {"reloads", "last_error"}); e != "-")
    lines.push_back(p.red("last refused reload (" + str(status, {"reloads", "last_error_at"}) + "): " + e));

  const json::value* migrations = at(status, {"migrations"});
  if (migrations == nullptr || !migrations->is_array() || migrations->as_array().empty())
    lines.push_back("no migration configured in " + str(status, {"config"}));
  for (const json::value& m : migrations != nullptr && migrations->is_array() ? migrations->as_array() : json::array{}) {
    const std::string name = str(m, {"name"});
    lines.push_back("");
    lines.push_back(p.bold(name) + "  " + str(m, {"kind"}) + " " + str(m, {"old"}) + " -> " + str(m, {"new"}));
    const std::string phase = str(m, {"phase"});
    std::string line = "  phase    ";
    for (size_t i = 0; i < kPhases.size(); ++i) {
      if (i > 0) line += " > ";
      line += phase == kPhases[i] ? p.current("[" + std::string(kPhases[i]) + "]") : std::string(kPhases[i]);
    }
    lines.push_back(line);
    const auto rewritten = rates(history, name, "writes_rewritten");
    const auto refused = rates(history, name, "writes_refused");
    line = "  writes   rewritten " + rate_text(rewritten) + " (" + count(num(m, {"counters", "writes_rewritten"})) +
           ")  refused " + rate_text(refused) + " (" + count(num(m, {"counters", "writes_refused"})) + ")";
    lines.push_back(num(m, {"counters", "writes_refused"}, 0) > 0 ? p.red(line) : line);
    const json::value* last_refused = at(m, {"recent_refused"});
    if (last_refused != nullptr && last_refused->is_array() && !last_refused->as_array().empty()) {
      const json::value& r = last_refused->as_array().back();
      lines.push_back("           last refused: " + str(r, {"fingerprint"}) + " (" + str(r, {"reason"}) + ")");
    }
    lines.push_back("  reads    old " + rate_text(rates(history, name, "reads_old")) + " (" +
                    count(num(m, {"counters", "reads_old"})) + ")  new " + rate_text(rates(history, name, "reads_new")) +
                    " (" + count(num(m, {"counters", "reads_new"})) + ")  canary " +
                    count(num(m, {"canary_percent"})) + "% by " + str(m, {"canary_key"}));
    const auto latency = [&](const char* side) {
      const double n = num(m, {"counters", side, "count"}, 0);
      return ms(n > 0 ? num(m, {"counters", side, "sum_seconds"}, 0) / n : 0);
    };
    line = "  shadow   match " + count(num(m, {"counters", "shadow_match"})) + "  mismatch " +
           count(num(m, {"counters", "shadow_mismatch"})) + "  transient " + count(num(m, {"counters", "shadow_transient"})) +
           "  error " + count(num(m, {"counters", "shadow_error"})) + "  skipped " +
           count(num(m, {"counters", "shadow_skipped"})) + "  latency old " + latency("shadow_old_latency") + ", new " +
           latency("shadow_new_latency");
    lines.push_back(num(m, {"counters", "shadow_mismatch"}, 0) > 0 ? p.red(line) : line);
    const json::value* last_mismatch = at(m, {"recent_mismatches"});
    if (last_mismatch != nullptr && last_mismatch->is_array() && !last_mismatch->as_array().empty())
      lines.push_back(p.red("           last mismatch: " + str(last_mismatch->as_array().back(), {"fingerprint"})));
    const double behind = num(m, {"sessions_behind"}, 0);
    lines.push_back("  sessions " + count(behind) + " behind (on an older generation's phase)");
    if (behind > 0) lines.back() = p.red(lines.back());
    const json::value* jobs = at(status, {"jobs", name.c_str()});
    const json::value none;
    for (const char* kind : {"backfill", "verify"}) {
      const json::value* job = jobs != nullptr && jobs->is_object() ? jobs->as_object().if_contains(kind) : nullptr;
      lines.push_back("  " + job_line(job != nullptr ? *job : none, kind));
    }
    lines.push_back("  writes/s over " + count(num(history, {"interval_seconds"}) * static_cast<double>(rewritten.size())) +
                    "s  " + sparkline(rewritten, static_cast<size_t>(std::max(10, style.width - 30))));
  }
  std::string out;
  for (const auto& l : lines) out += cut(l, style.width) + "\n";
  return out;
}

}  // namespace switchyard::proxy
