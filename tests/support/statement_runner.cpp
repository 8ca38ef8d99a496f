// One statement in each protocol, with bounded waits, and text views of the results (see
// statement_runner.h).
#include "tests/support/statement_runner.h"

#include <gtest/gtest.h>

namespace switchyard::test_support {

namespace {

std::string quoted_literal(const std::string& value) {
  std::string text = "'";
  for (const char c : value) text += c == '\'' ? std::string("''") : std::string(1, c);
  return text + "'";
}

std::string field_text(const PGresult* r, int row, int column) {
  return PQgetisnull(r, row, column) ? "NULL" : PQgetvalue(r, row, column);
}

std::string error_field(const PGresult* r, int field) {
  const char* value = PQresultErrorField(r, field);
  return value ? value : "";
}

}  // namespace

std::string_view to_string(Protocol p) {
  switch (p) {
    case Protocol::kSimple: return "simple";
    case Protocol::kExtended: return "extended";
    case Protocol::kExtendedTyped: return "extended_typed";
    case Protocol::kPrepared: return "prepared";
  }
  return "?";
}

std::string with_literals(const std::string& sql, const std::vector<std::optional<std::string>>& params) {
  std::string text = sql;
  // Highest number first, so $1 never eats the start of $12.
  for (size_t n = params.size(); n >= 1; --n) {
    const std::string placeholder = "$" + std::to_string(n);
    const std::string literal = params[n - 1] ? quoted_literal(*params[n - 1]) : "NULL";
    for (size_t at = text.find(placeholder); at != std::string::npos; at = text.find(placeholder, at + literal.size()))
      text.replace(at, placeholder.size(), literal);
  }
  return text;
}

PgResult run(PGconn* conn, const Statement& s, Protocol protocol) {
  std::vector<const char*> values;
  for (const auto& p : s.params) values.push_back(p ? p->c_str() : nullptr);
  const int n = static_cast<int>(values.size());
  switch (protocol) {
    case Protocol::kSimple: {
      const std::string sql = with_literals(s.sql, s.params);
      return await_result(conn, PQsendQuery(conn, sql.c_str()) == 1, sql);
    }
    case Protocol::kExtended:
      return await_result(conn, PQsendQueryParams(conn, s.sql.c_str(), n, nullptr, values.data(), nullptr, nullptr, 0) == 1,
                         s.sql);
    case Protocol::kExtendedTyped: {
      if (s.types.size() != s.params.size()) ADD_FAILURE() << "declare one type per parameter: " << s.sql;
      const Oid* types = s.types.size() == s.params.size() ? s.types.data() : nullptr;
      return await_result(conn, PQsendQueryParams(conn, s.sql.c_str(), n, types, values.data(), nullptr, nullptr, 0) == 1,
                         s.sql);
    }
    case Protocol::kPrepared: {
      PgResult prepared = await_result(conn, PQsendPrepare(conn, "", s.sql.c_str(), 0, nullptr) == 1, s.sql);
      if (!prepared || PQresultStatus(prepared.get()) != PGRES_COMMAND_OK) return prepared;
      return await_result(conn, PQsendQueryPrepared(conn, "", n, values.data(), nullptr, nullptr, 0) == 1, s.sql);
    }
  }
  return nullptr;
}

PgResult prepare_and_describe(PGconn* conn, const std::string& sql, const std::vector<Oid>& types) {
  const int n = static_cast<int>(types.size());
  PgResult prepared = await_result(conn, PQsendPrepare(conn, "", sql.c_str(), n, n ? types.data() : nullptr) == 1, sql);
  if (!prepared || PQresultStatus(prepared.get()) != PGRES_COMMAND_OK) return prepared;
  return await_result(conn, PQsendDescribePrepared(conn, "") == 1, "describe " + sql);
}

std::string client_view(const PGresult* r, bool with_rows) {
  if (r == nullptr) return "(no result)\n";
  std::string text = std::string(PQresStatus(PQresultStatus(r))) + "\n";
  if (PQresultStatus(r) == PGRES_FATAL_ERROR || PQresultStatus(r) == PGRES_NONFATAL_ERROR) {
    return text + "error " + error_field(r, PG_DIAG_SQLSTATE) + ": " + error_field(r, PG_DIAG_MESSAGE_PRIMARY) + "\n";
  }
  text += "tag " + std::string(PQcmdStatus(const_cast<PGresult*>(r))) + "\n";
  text += "count " + std::string(PQcmdTuples(const_cast<PGresult*>(r))) + "\n";
  text += "rows " + std::to_string(PQntuples(r)) + "\ncolumns";
  for (int c = 0; c < PQnfields(r); ++c) text += " " + std::string(PQfname(r, c)) + ":" + std::to_string(PQftype(r, c));
  text += "\n";
  if (!with_rows) return text;
  for (int row = 0; row < PQntuples(r); ++row) {
    text += "row";
    for (int c = 0; c < PQnfields(r); ++c) text += (c ? "|" : " ") + field_text(r, row, c);
    text += "\n";
  }
  return text;
}

std::string description_view(const PGresult* d) {
  if (d == nullptr) return "(no result)\n";
  if (PQresultStatus(d) != PGRES_COMMAND_OK) return client_view(d);
  std::string text = "params";
  for (int p = 0; p < PQnparams(d); ++p) text += " " + std::to_string(PQparamtype(d, p));
  text += "\ncolumns";
  for (int c = 0; c < PQnfields(d); ++c) text += " " + std::string(PQfname(d, c)) + ":" + std::to_string(PQftype(d, c));
  return text + "\n";
}

}  // namespace switchyard::test_support
