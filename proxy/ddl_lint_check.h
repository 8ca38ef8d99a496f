// The session's side of the DDL lint (rewrite/pg/ddl_lint.h, rewrite/mysql/ddl_lint.h, decided
// by the planner): under `ddl_lint: warn` each risky DDL statement a client sends is logged and
// counted and goes through; under `block` it is counted and logged, and the planner has replaced
// the text with a statement that makes the server raise the refusal itself (PostgreSQL: SQLSTATE
// 0A000, so a transaction in progress aborts as for any error), or (MySQL) with the stand-in
// whose OK the session answers with ERR 1235.
#pragma once

#include <cstdint>

#include "planner/decision.h"
#include "proxy/metrics.h"

namespace switchyard::proxy {

// Logs and counts what `d` says of the DDL lint (nothing for most statements). Call on the
// session's thread.
void report_ddl(const planner::Decision& d, Metrics& metrics, uint64_t session_id);

}  // namespace switchyard::proxy
