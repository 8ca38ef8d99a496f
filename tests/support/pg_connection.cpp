// libpq helpers with time limits (see pg_connection.h).
#include "tests/support/pg_connection.h"

#include <gtest/gtest.h>
#include <poll.h>

#include "tests/support/wait.h"

namespace switchyard::test_support {
namespace {

bool wait_socket(PGconn* conn, short events, std::chrono::steady_clock::time_point deadline) {
  pollfd waiting{PQsocket(conn), events, 0};
  if (waiting.fd < 0) return false;
  return poll(&waiting, 1, millis_until(deadline)) > 0;
}

void ignore_notice(void*, const PGresult*) {}

}  // namespace

PgConn connect(const std::string& conninfo, std::chrono::milliseconds timeout) {
  PgConn conn(PQconnectStart(conninfo.c_str()));
  if (!conn) return conn;
  PQsetErrorVerbosity(conn.get(), PQERRORS_VERBOSE);
  PQsetNoticeReceiver(conn.get(), ignore_notice, nullptr);
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  PostgresPollingStatusType state = PGRES_POLLING_WRITING;
  while (state != PGRES_POLLING_OK && state != PGRES_POLLING_FAILED) {
    const short events = state == PGRES_POLLING_READING ? POLLIN : POLLOUT;
    if (PQstatus(conn.get()) == CONNECTION_BAD) break;
    if (!wait_socket(conn.get(), events, deadline)) {
      ADD_FAILURE() << "no connection within " << timeout.count() << " ms: " << conninfo;
      break;
    }
    state = PQconnectPoll(conn.get());
  }
  return conn;
}

bool wait_input(PGconn* conn, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  return wait_socket(conn, POLLIN, deadline) && PQconsumeInput(conn) == 1;
}

bool result_ready(PGconn* conn, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  if (PQflush(conn) < 0) return false;
  while (PQisBusy(conn)) {
    if (!wait_socket(conn, POLLIN, deadline) || PQconsumeInput(conn) != 1) return false;
  }
  return true;
}

bool flush_within(PGconn* conn, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  int pending;
  while ((pending = PQflush(conn)) == 1) {
    pollfd waiting{PQsocket(conn), POLLIN | POLLOUT, 0};
    if (poll(&waiting, 1, millis_until(deadline)) <= 0) return false;
    if ((waiting.revents & POLLIN) && PQconsumeInput(conn) != 1) return false;
  }
  return pending == 0;
}

PgResult await_result(PGconn* conn, bool sent, const std::string& what, std::chrono::milliseconds timeout) {
  if (!sent) {
    ADD_FAILURE() << "cannot send: " << what << "\n" << PQerrorMessage(conn);
    return nullptr;
  }
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  PgResult last;
  while (true) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (!result_ready(conn, std::max(left, 0ms))) {
      ADD_FAILURE() << "no result within " << timeout.count() << " ms for: " << what << "\n" << PQerrorMessage(conn);
      return nullptr;
    }
    PgResult next(PQgetResult(conn));
    if (!next) return last;
    const ExecStatusType status = PQresultStatus(next.get());
    last = std::move(next);
    // libpq hands out a COPY result until the copy ends: the caller must take over.
    if (status == PGRES_COPY_IN || status == PGRES_COPY_OUT || status == PGRES_COPY_BOTH) return last;
    if (PQstatus(conn) == CONNECTION_BAD) return last;
  }
}

PgResult exec(PGconn* conn, const std::string& sql, std::chrono::milliseconds timeout) {
  return await_result(conn, PQsendQuery(conn, sql.c_str()) == 1, sql, timeout);
}

std::string query_value(PGconn* conn, const std::string& sql) {
  PgResult result = exec(conn, sql);
  if (!result || PQresultStatus(result.get()) != PGRES_TUPLES_OK || PQntuples(result.get()) < 1) {
    ADD_FAILURE() << "query failed: " << sql << "\n" << (result ? describe(result.get()) : PQerrorMessage(conn));
    return "<error>";
  }
  return PQgetvalue(result.get(), 0, 0);
}

std::string sqlstate(const PGresult* result) {
  const char* state = result ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
  return state ? state : "";
}

std::string describe(const PGresult* result) {
  if (result == nullptr) return "(no result)";
  std::string text = PQresStatus(PQresultStatus(result));
  const std::string state = sqlstate(result);
  if (!state.empty()) text += " " + state;
  const char* message = PQresultErrorMessage(result);
  if (message != nullptr && *message != '\0') text += ": " + std::string(message);
  return text;
}

}  // namespace switchyard::test_support
