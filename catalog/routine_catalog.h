// What the rewriter must know of the server's own code, read over the control connection at
// start and at every reload (schema_loader.cpp calls these; blocking, never on a session's
// thread):
//   - the volatility of every function, operator and cast (rewrite/volatility.h);
//   - the functions, procedures, triggers, rules and views that write a relation of a migration
//     (rewrite/catalog.h, ServerWriter), which the rewriter refuses to run (rewrite/pg/server_code.h).
//
// A routine writes a relation when its body does: a SQL function's body (or BEGIN ATOMIC body)
// is parsed and its write targets looked at; any other language (PL/pgSQL, PL/Perl, ...) counts
// when its source names the relation as a whole word and holds a write keyword (INSERT, UPDATE,
// DELETE, MERGE, COPY, TRUNCATE). A routine also writes it when its body names a routine that
// does (transitively). Triggers write it when their function does; rules when their actions
// write it or call such a routine; views when they read it (a write to an updatable view lands
// in its table). C and internal functions, and anything in pg_catalog or information_schema,
// are not looked at; nor is dynamic SQL whose text names the relation only at run time.
#pragma once

#include <libpq-fe.h>

#include <string>

#include "rewrite/catalog.h"

namespace switchyard::catalog {

bool read_volatility(PGconn* c, rewrite::VolatilityCatalog& out, std::string& error);

// Fills `server_writers` of every migration of `catalog` whose phase is not off.
bool read_server_writers(PGconn* c, rewrite::Catalog& catalog, std::string& error);

}  // namespace switchyard::catalog
