// Small RAII helpers over libpq for tests: connections whose error messages carry the SQLSTATE,
// results freed automatically, and queries and waits that give up after a time limit instead of
// hanging the suite when a proxy stalls.
#pragma once

#include <libpq-fe.h>

#include <chrono>
#include <memory>
#include <string>

namespace switchyard::test_support {

using namespace std::chrono_literals;

struct PgConnDeleter {
  void operator()(PGconn* conn) const { PQfinish(conn); }
};
struct PgResultDeleter {
  void operator()(PGresult* result) const { PQclear(result); }
};
using PgConn = std::unique_ptr<PGconn, PgConnDeleter>;
using PgResult = std::unique_ptr<PGresult, PgResultDeleter>;

// Opens a connection within `timeout` (running out of time adds a test failure, as no test
// expects a stall). Never null: check PQstatus. Errors are verbose, so a
// refused login reads "FATAL:  28P01: password authentication failed for user ...". Notices
// are dropped rather than printed (tests that want them set their own receiver).
PgConn connect(const std::string& conninfo, std::chrono::milliseconds timeout = 15s);
// Like PQexec (the last result, or the COPY result), but gives up after `timeout`: then it
// adds a test failure and returns null.
PgResult exec(PGconn* conn, const std::string& sql, std::chrono::milliseconds timeout = 30s);
// After a PQsend* call that returned `sent`: the last result of the command (or the COPY result
// that starts a copy), waiting at most `timeout`; null, with a test failure, if none came.
PgResult await_result(PGconn* conn, bool sent, const std::string& what, std::chrono::milliseconds timeout = 30s);
// The first value of the first row of `sql`. On any error, adds a test failure that quotes
// `sql` and the error, and returns "<error>".
std::string query_value(PGconn* conn, const std::string& sql);
// Waits until PQgetResult would not block (reading input as it arrives); false on timeout
// or a broken connection.
bool result_ready(PGconn* conn, std::chrono::milliseconds timeout);
// Waits until `conn`'s socket is readable, then reads what arrived (PQconsumeInput).
// False on timeout or a broken connection.
bool wait_input(PGconn* conn, std::chrono::milliseconds timeout);
// Sends what libpq has buffered (the connection may be nonblocking), reading input meanwhile
// as PQflush asks; false on timeout or error.
bool flush_within(PGconn* conn, std::chrono::milliseconds timeout);
// The SQLSTATE of a result ("" if none) and a one-line description for assertion messages.
std::string sqlstate(const PGresult* result);
std::string describe(const PGresult* result);

}  // namespace switchyard::test_support
