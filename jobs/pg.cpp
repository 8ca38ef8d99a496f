// libpq wrapper for the jobs; see pg.h.
#include "jobs/pg.h"

#include <cstdlib>

namespace switchyard::jobs {
namespace {

std::string first_line(const char* s) {
  std::string m = s ? s : "";
  while (!m.empty() && (m.back() == '\n' || m.back() == ' ')) m.pop_back();
  const auto nl = m.find('\n');
  return nl == std::string::npos ? m : m.substr(0, nl);
}

}  // namespace

QueryResult::QueryResult(PGresult* r) : r_(r) {
  const ExecStatusType s = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
  ok_ = s == PGRES_COMMAND_OK || s == PGRES_TUPLES_OK;
  if (!ok_) {
    const char* state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : nullptr;
    sqlstate_ = state ? state : "";
    const char* primary = r ? PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY) : nullptr;
    error_ = first_line(primary ? primary : (r ? PQresultErrorMessage(r) : "no result (connection lost)"));
    if (error_.empty()) error_ = "connection lost";
  }
}

int QueryResult::rows() const { return r_ ? PQntuples(r_.get()) : 0; }
int QueryResult::columns() const { return r_ ? PQnfields(r_.get()) : 0; }
bool QueryResult::is_null(int row, int col) const { return PQgetisnull(r_.get(), row, col) != 0; }
std::string QueryResult::value(int row, int col) const { return PQgetvalue(r_.get(), row, col); }

long long QueryResult::number(int row, int col) const {
  if (row >= rows() || col >= columns() || is_null(row, col)) return 0;
  return std::strtoll(PQgetvalue(r_.get(), row, col), nullptr, 10);
}

long long QueryResult::affected() const {
  const char* n = r_ ? PQcmdTuples(r_.get()) : nullptr;
  return n && *n ? std::strtoll(n, nullptr, 10) : 0;
}

std::unique_ptr<Db> Db::connect(const std::string& conninfo, const std::string& application_name, std::string& error) {
  // expand_dbname: `dbname` holds the whole connection string; application_name, later, wins.
  const char* keys[] = {"dbname", "application_name", nullptr};
  const char* values[] = {conninfo.c_str(), application_name.c_str(), nullptr};
  PGconn* c = PQconnectdbParams(keys, values, 1);
  if (PQstatus(c) != CONNECTION_OK) {
    error = "cannot connect over control: " + first_line(PQerrorMessage(c));
    PQfinish(c);
    return nullptr;
  }
  PQsetNoticeProcessor(c, [](void*, const char*) {}, nullptr);
  return std::unique_ptr<Db>(new Db(c));
}

Db::~Db() { PQfinish(conn_); }

QueryResult Db::exec(const std::string& sql, const std::vector<Param>& params) {
  std::vector<const char*> values;
  for (const auto& p : params) values.push_back(p ? p->c_str() : nullptr);
  return QueryResult(PQexecParams(conn_, sql.c_str(), static_cast<int>(values.size()), nullptr, values.data(), nullptr,
                                  nullptr, 0));
}

QueryResult Db::exec_script(const std::string& sql) { return QueryResult(PQexec(conn_, sql.c_str())); }

bool is_retryable(const std::string& sqlstate) {
  return sqlstate == "55P03" || sqlstate == "40P01" || sqlstate == "40001";
}

}  // namespace switchyard::jobs
