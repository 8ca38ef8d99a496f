// A database and a switchyard with migrations in front of it (see migration_proxy.h).
#include "tests/support/migration_proxy.h"

#include "tests/support/integration_environment.h"
#include "tests/support/pg_cluster.h"

namespace switchyard::test_support {
namespace {

constexpr std::size_t kLogTail = 6000;

bool run_sql(const std::string& conninfo, const std::string& sql, std::string& error) {
  PgConn conn = connect(conninfo);
  if (PQstatus(conn.get()) != CONNECTION_OK) {
    error = "cannot connect: " + std::string(PQerrorMessage(conn.get()));
    return false;
  }
  PgResult result = exec(conn.get(), sql);
  const ExecStatusType status = result ? PQresultStatus(result.get()) : PGRES_FATAL_ERROR;
  if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) return true;
  error = sql + "\n-> " + describe(result.get());
  return false;
}

}  // namespace

std::string control_yaml(const std::string& database) {
  return "control: \"" + integration_env().direct().conninfo(database, kSuperuser) + "\"\n";
}

bool run_direct(const std::string& database, const std::string& sql, std::string& error) {
  return run_sql(integration_env().direct().conninfo(database, kSuperuser), sql, error);
}

std::unique_ptr<MigrationProxy> MigrationProxy::start(const std::string& database, const std::string& setup_sql,
                                                      const std::string& migrations_yaml, std::string& error) {
  integration_env().create_fresh_database(database);  // adds a test failure if it cannot
  if (::testing::Test::HasFatalFailure()) {
    error = "cannot create database " + database;
    return nullptr;
  }
  if (!setup_sql.empty() && !run_direct(database, setup_sql, error)) return nullptr;
  return attach(database, migrations_yaml, error);
}

std::unique_ptr<MigrationProxy> MigrationProxy::attach(const std::string& database, const std::string& migrations_yaml,
                                                       std::string& error) {
  std::unique_ptr<MigrationProxy> out(new MigrationProxy);
  out->database_ = database;
  out->proxy_ = ProxyProcess::start(integration_env().direct(), control_yaml(database) + migrations_yaml, error);
  if (!out->proxy_) return nullptr;
  return out;
}

std::string MigrationProxy::proxied_conninfo() const { return proxy_->endpoint().conninfo(database_, kSuperuser); }

std::string MigrationProxy::direct_conninfo() const {
  return integration_env().direct().conninfo(database_, kSuperuser);
}

std::string MigrationProxy::log_tail() const {
  const std::string text = proxy_->log();
  return text.size() > kLogTail ? "[...]\n" + text.substr(text.size() - kLogTail) : text;
}

}  // namespace switchyard::test_support
