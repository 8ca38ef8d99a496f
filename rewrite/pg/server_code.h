// Server-side code that writes a migrated relation behind the proxy's back: a function or
// procedure, a trigger, a rule or an updatable view (catalog.h, ServerWriter). Two halves, both
// pure:
//   - at load, what one piece of server-side SQL does (sql_body_use), which the schema loader
//     (proxy/routine_catalog.cpp) applies to SQL function bodies and rule and view definitions;
//   - per statement, the refusal of a statement that runs such code (check_server_writers).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "rewrite/catalog.h"
#include "rewrite/pg/pg_query_c.h"
#include "rewrite/rewrite_result.h"

namespace switchyard::rewrite::pg {

// The relations and functions one text of SQL names, by unqualified name as written.
struct SqlBodyUse {
  bool parsed = false;               // false: the text did not parse; the lists are empty
  std::vector<std::string> written;  // targets of INSERT, UPDATE, DELETE, MERGE, COPY FROM, TRUNCATE
  std::vector<std::string> read;     // every other relation named (a rule's own table left out)
  std::vector<std::string> called;   // functions and procedures called
};
SqlBodyUse sql_body_use(std::string_view sql);

// What check_server_writers found in one statement.
struct ServerWriteCheck {
  std::string migration;  // empty: the statement runs no server writer
  std::string refusal;    // the client's message (without the "switchyard: migration M: " prefix)
  bool waived = false;    // the migration says `on_unsupported: pass`: relay, but count it
};

// Whether statement `raw` runs code that writes a relation of a migration in a phase other than
// off: it calls one of the migration's writer functions or procedures (a FuncCall anywhere,
// CALL too; an unqualified name matches any schema), it is a DO block whose body names one of
// the migration's writer functions, or one of its relations beside a write keyword, or it writes
// (INSERT, UPDATE, DELETE, MERGE, COPY FROM, TRUNCATE) a table or view whose trigger, rule or
// view definition writes one. The first migration in config order that refuses wins; one that
// says `on_unsupported: pass` is reported waived unless another refuses.
ServerWriteCheck check_server_writers(const PgQuery__RawStmt* raw, const Catalog& catalog);

}  // namespace switchyard::rewrite::pg
