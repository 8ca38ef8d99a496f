// The PostgreSQL statement rewriter: SQL text and the migrations in force in, SQL text out.
// Pure: no I/O, no logging; safe to call from any thread.
//
// For each statement of the text (a simple Query may hold several), every INSERT, UPDATE or
// DELETE anywhere in it (including inside CTEs) whose target is a migrated relation in a
// phase other than `off` is edited so that it also writes the other shape (column_writes.h).
// Statements that need no edit keep their original text byte for byte; edited ones are
// deparsed. A write that cannot be mirrored exactly refuses the whole text, unless its
// migration says `on_unsupported: pass`. Text that does not parse is left for the server to
// reject with its own error.
#pragma once

#include <string>
#include <string_view>

#include "rewrite/catalog.h"
#include "rewrite/rewrite_result.h"

namespace switchyard::rewrite::pg {

// `route` says, per migration, which shape this session's reads are served from (reads are
// routed only for migrations in phases that route them; see docs/migrations.md).
RewriteResult rewrite_sql(std::string_view sql, const Catalog& catalog, ReadRoute route = {});

// A statement that makes PostgreSQL itself raise the refusal (SQLSTATE 0A000,
// feature_not_supported), so the server aborts the transaction and reports the error exactly as
// for any failed statement. Takes no parameters.
std::string refusal_statement(const RewriteResult& refused);
// The same for any message: a DO block that raises `message` with SQLSTATE 0A000.
std::string raise_statement(const std::string& message);

}  // namespace switchyard::rewrite::pg
