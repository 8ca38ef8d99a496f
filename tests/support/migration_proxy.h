// A database of its own with a switchyard in front of it that runs migrations, on the shared
// cluster (integration_env()). switchyard checks its migrations against the live schema when it
// starts, so the tables are created directly first and the proxy is started after them.
#pragma once

#include <memory>
#include <string>

#include "tests/support/pg_connection.h"
#include "tests/support/proxy_process.h"

namespace switchyard::test_support {

// The `control:` line of a config: the superuser's connection to `database` on the cluster.
std::string control_yaml(const std::string& database);

// Runs `sql` (one simple query, which may hold several statements) directly on `database` as
// the superuser. False and why in `error`.
bool run_direct(const std::string& database, const std::string& sql, std::string& error);

class MigrationProxy {
 public:
  // Drops and creates `database`, runs `setup_sql` on it directly, then starts switchyard with
  // `control:` pointing at it and `migrations_yaml` (a `migrations:` list, verbatim). Returns
  // null and says why in `error`.
  static std::unique_ptr<MigrationProxy> start(const std::string& database, const std::string& setup_sql,
                                               const std::string& migrations_yaml, std::string& error);
  // Starts switchyard on `database` as it is now (no setup).
  static std::unique_ptr<MigrationProxy> attach(const std::string& database, const std::string& migrations_yaml,
                                                std::string& error);

  const std::string& database() const { return database_; }
  ProxyProcess& process() { return *proxy_; }
  std::string proxied_conninfo() const;
  std::string direct_conninfo() const;
  // Connections as the superuser; never null, check PQstatus.
  PgConn connect_proxied() const { return connect(proxied_conninfo()); }
  PgConn connect_direct() const { return connect(direct_conninfo()); }
  // The proxy's log, for a failure message: the tail, as the head is start-up noise.
  std::string log_tail() const;

 private:
  MigrationProxy() = default;
  std::string database_;
  std::unique_ptr<ProxyProcess> proxy_;
};

}  // namespace switchyard::test_support
