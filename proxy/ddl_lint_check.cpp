// Reporting the DDL lint's findings of a session's statements; see ddl_lint_check.h.
#include "proxy/ddl_lint_check.h"

#include <spdlog/spdlog.h>

namespace switchyard::proxy {

void report_ddl(const planner::Decision& d, Metrics& metrics, uint64_t session_id) {
  for (const auto& f : d.ddl_warnings) {
    metrics.ddl_lint_warned.fetch_add(1, std::memory_order_relaxed);
    spdlog::warn("session={} ddl_lint {}: {}; safe alternative: {}", session_id, f.rule, f.message, f.alternative);
  }
  if (d.ddl_blocked == 0) return;
  metrics.ddl_lint_blocked.fetch_add(1, std::memory_order_relaxed);
  spdlog::warn("session={} ddl_lint blocked: {}", session_id, d.refusal.message);
}

}  // namespace switchyard::proxy
