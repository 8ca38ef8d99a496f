// Applying the DDL lint to a session's statements: log, count, and refuse in block mode; see
// ddl_lint_check.h.
#include "proxy/ddl_lint_check.h"

#include <spdlog/spdlog.h>

#include "rewrite/pg/ddl_lint.h"
#include "rewrite/pg/rewriter.h"

namespace switchyard::proxy {

std::optional<rewrite::RewriteResult> check_ddl(std::string_view sql, const Generation& gen, Metrics& metrics,
                                                uint64_t session_id) {
  const config::DdlLint mode = gen.config.ddl_lint;
  if (mode == config::DdlLint::kOff || !rewrite::pg::may_be_ddl(sql)) return std::nullopt;
  const auto findings = rewrite::pg::lint_ddl(sql, gen.catalog);
  if (findings.empty()) return std::nullopt;
  if (mode == config::DdlLint::kWarn) {
    for (const auto& f : findings) {
      metrics.ddl_lint_warned.fetch_add(1, std::memory_order_relaxed);
      spdlog::warn("session={} ddl_lint {}: {}; safe alternative: {}", session_id, f.rule, f.message, f.alternative);
    }
    return std::nullopt;
  }
  metrics.ddl_lint_blocked.fetch_add(1, std::memory_order_relaxed);
  std::string message = rewrite::pg::describe(findings.front());
  if (findings.size() > 1) message += " (and " + std::to_string(findings.size() - 1) + " more in this text)";
  spdlog::warn("session={} ddl_lint blocked: {}", session_id, message);
  // The refusal travels as a rewrite: the raising statement replaces the whole text, so a
  // multi-statement string is not half-applied.
  rewrite::RewriteResult r;
  r.kind = rewrite::RewriteResult::Kind::kRewritten;
  r.sql = rewrite::pg::raise_statement(message);
  return r;
}

}  // namespace switchyard::proxy
