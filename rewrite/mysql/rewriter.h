// The MySQL / MariaDB statement rewriter: SQL text and the migrations in force in, a
// RewriteResult out, as the PostgreSQL rewriter (rewrite/pg/rewriter.h) gives it, so that a
// MySQL session (proxy/mysql_session.h, through the rewrite cache) can relay, replace or refuse
// a statement exactly as a PostgreSQL one does. Pure: no I/O, no logging, no exceptions; safe to
// call from any thread.
//
// For each statement of the text (a COM_QUERY may hold several): a text that names no migrated
// table is not parsed (rewrite/prefilter.h); reads are routed by phase (read_routing.h); writes
// to a migrated table are mirrored (column_writes.h). Edits are made to the statement's own
// text, so what they do not touch (comments, spacing, spelling) is relayed as written; every
// rewritten statement must parse again, or the text is refused (kRewriteFailed). A text that
// does not parse is left for the server to reject, unless it may write a migrated table in a
// form the parser does not handle: that is refused. A write of a two-table kind (rename_table,
// copy_table) becomes a write script (table_writes.h) the session runs in steps.
#pragma once

#include <string>
#include <string_view>

#include "rewrite/catalog.h"
#include "rewrite/mysql/lexical.h"
#include "rewrite/rewrite_result.h"

namespace switchyard::rewrite::mysql {

// `route` says, per migration, which shape this session's reads are served from; `settings`
// are the session's lexical settings (sql_mode, character set) and whether its sql_mode has
// MariaDB's SIMULTANEOUS_ASSIGNMENT: then a SET does not apply left to right, and a SET list
// (UPDATE, ON DUPLICATE KEY UPDATE) that needs a mirror is refused. `database`: the session's
// current database, in which an unqualified table name is looked up ("": not known, any
// database's table of the migration's name counts; read_routing.h names_table).
RewriteResult rewrite_sql(std::string_view sql, const Catalog& catalog, ReadRoute route = {},
                          const LexicalSettings& settings = {}, const std::string& database = {});

// The client's error for a refusal: ERR 1235 (ER_NOT_SUPPORTED_YET), SQLSTATE 42000, and the
// message "switchyard: migration <name>: <reason>".
inline constexpr unsigned kRefusalErrno = 1235;
inline constexpr char kRefusalSqlState[] = "42000";
std::string refusal_message(const RewriteResult& refused);

}  // namespace switchyard::rewrite::mysql
