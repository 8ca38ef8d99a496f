// The session's side of the DDL lint (rewrite/pg/ddl_lint.h): under `ddl_lint: warn` it logs and
// counts each risky DDL statement a client sends and lets it through; under `block` it counts
// it and replaces the text with a statement that makes PostgreSQL raise the refusal itself
// (SQLSTATE 0A000), so a transaction in progress aborts as for any error.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "proxy/session_context.h"
#include "rewrite/rewrite_result.h"

namespace switchyard::proxy {

// nullopt: relay `sql` (no finding, lint off, or warn). Otherwise what to send instead: a
// kRewritten result whose `sql` raises the refusal (it takes no parameters). Non-DDL text costs
// a scan of its first keywords, never a parse. Call on the session's thread.
std::optional<rewrite::RewriteResult> check_ddl(std::string_view sql, const Generation& gen, Metrics& metrics,
                                                uint64_t session_id);

}  // namespace switchyard::proxy
