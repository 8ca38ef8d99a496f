// Runs one statement as a client would in each protocol (simple, extended with inferred or
// declared parameter types, prepared), with a time limit, and renders what the client saw as
// text, so that a run through switchyard and a run against PostgreSQL compare with one EXPECT_EQ.
#pragma once

#include <libpq-fe.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tests/support/pg_connection.h"

namespace switchyard::test_support {

// Type OIDs, as in pg_type.
inline constexpr Oid kBoolOid = 16;
inline constexpr Oid kInt4Oid = 23;
inline constexpr Oid kTextOid = 25;
inline constexpr Oid kBpcharOid = 1042;

enum class Protocol {
  kSimple,         // PQexec, the parameters spliced into the text as quoted literals
  kExtended,       // PQexecParams, parameter types left to the server
  kExtendedTyped,  // PQexecParams with the statement's declared parameter types
  kPrepared,       // PQprepare (types left to the server), then PQexecPrepared
};
std::string_view to_string(Protocol p);

struct Statement {
  std::string sql;                                  // may use $1 .. $n
  std::vector<std::optional<std::string>> params;   // text values; nullopt is NULL
  std::vector<Oid> types;                           // for kExtendedTyped: one per parameter
};

// `sql` with each $n replaced by its parameter as a quoted literal (or NULL), as a client
// library that interpolates on its side would send it.
std::string with_literals(const std::string& sql, const std::vector<std::optional<std::string>>& params);


// Runs `statement` and returns its last result (for a multi-statement simple query, the last
// statement's); null, with a test failure added, if nothing came back within the time limit.
PgResult run(PGconn* conn, const Statement& statement, Protocol protocol);
// Prepares `sql` as the unnamed statement (types left to the server, or `types`) and describes
// it; the Describe result, or the Parse error.
PgResult prepare_and_describe(PGconn* conn, const std::string& sql, const std::vector<Oid>& types = {});

// What a client sees of a result: status, SQLSTATE and message of an error, command tag, row
// count, column names and type OIDs, and (unless `with_rows` is false) the rows.
std::string client_view(const PGresult* result, bool with_rows = true);
// What PQdescribePrepared tells: parameter types, then column names and types.
std::string description_view(const PGresult* described);

}  // namespace switchyard::test_support
