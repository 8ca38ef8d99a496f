// Throwaway MariaDB server: install, start, wait, create users, stop (see mariadb_server.h).
#include "tests/support/mariadb_server.h"

#include <signal.h>
#include <unistd.h>

#include "tests/support/mariadb_connection.h"
#include "tests/support/net.h"
#include "tests/support/run_command.h"
#include "tests/support/wait.h"

namespace switchyard::test_support {
namespace {

constexpr char kInstallDb[] = "/usr/bin/mariadb-install-db";
constexpr char kServer[] = "/usr/sbin/mariadbd";

// Durability is worth nothing here; ed25519 is loaded for the users that log in with it.
const char* const kSettings[] = {
    "--bind-address=127.0.0.1",          "--skip-networking=0",
    "--skip-name-resolve",               "--plugin-load-add=auth_ed25519",
    "--innodb-flush-log-at-trx-commit=0", "--innodb-doublewrite=0",
    "--innodb-buffer-pool-size=64M",     "--performance-schema=0",
    "--local-infile=1",                  "--max-connections=200",
    "--character-set-server=utf8mb4",    "--collation-server=utf8mb4_general_ci",
};

}  // namespace

std::unique_ptr<MariaDbServer> MariaDbServer::start(std::string& error, const MariaDbOptions& options) {
  std::unique_ptr<MariaDbServer> server(new MariaDbServer);
  server->options_ = options;
  if (!server->install(error)) return nullptr;
  for (int attempt = 1; attempt <= 3; ++attempt) {
    server->endpoint_.port = pick_free_port();
    bool bind_failed = false;
    if (server->spawn_and_wait(error, bind_failed)) break;
    if (!bind_failed || attempt == 3) return nullptr;
  }
  if (!server->create_users_and_database(error)) return nullptr;
  return server;
}

MariaDbServer::~MariaDbServer() {
  if (server_) server_->stop(SIGTERM, 30s);
}

bool MariaDbServer::install(std::string& error) {
  run_as_ = drop_root_to("mysql", error);
  if (!error.empty()) return false;
  dir_ = TempDir::create("switchyard-mariadb-", error);
  if (!dir_) return false;
  if (run_as_ && !dir_->chown_to(run_as_->uid, run_as_->gid, error)) return false;
  for (const auto& [name, source] : options_.files) {
    if (!write_file(dir_->file(name), read_file(source), error)) return false;
    if (run_as_ && chown(dir_->file(name).c_str(), run_as_->uid, run_as_->gid) != 0) {
      error = "chown " + dir_->file(name) + " failed";
      return false;
    }
  }
  ChildSpec spec;
  // root@localhost gets no password ("normal"); no test database. Its bootstrap's temporary
  // tables go into this server's own directory, as the server's do: in a shared /tmp, suites
  // installing at the same time have failed with "Unknown table 'mysql.tmp_proxies_priv'".
  spec.argv = {kInstallDb, "--no-defaults", "--datadir=" + dir_->file("data"), "--auth-root-authentication-method=normal",
               "--skip-test-db", "--skip-name-resolve", "--innodb-flush-log-at-trx-commit=0", "--tmpdir=" + dir_->path()};
  spec.run_as = run_as_;
  spec.working_dir = dir_->path();
  const CommandResult result = run_command(spec, 120s);
  if (!result.succeeded()) {
    error = "mariadb-install-db failed\n" + result.describe();
    return false;
  }
  return true;
}

bool MariaDbServer::spawn_and_wait(std::string& error, bool& bind_failed) {
  const std::size_t log_offset = read_file(log_path()).size();
  ChildSpec spec;
  spec.argv = {kServer,
               "--no-defaults",
               "--datadir=" + dir_->file("data"),
               "--port=" + std::to_string(endpoint_.port),
               "--socket=" + socket_path(),
               "--pid-file=" + dir_->file("mariadbd.pid"),
               "--log-error=" + log_path(),
               "--tmpdir=" + dir_->path()};
  for (const char* setting : kSettings) spec.argv.emplace_back(setting);
  for (std::string setting : options_.settings) {
    if (const auto at = setting.find("{dir}"); at != std::string::npos) setting.replace(at, 5, dir_->path());
    spec.argv.push_back(std::move(setting));
  }
  spec.run_as = run_as_;
  spec.working_dir = dir_->path();
  spec.output_path = dir_->file("mariadbd.out");
  server_ = ChildProcess::spawn(spec, error);
  if (!server_) return false;
  const MariaDbLogin root = socket_login(socket_path(), kMariaDbRoot);
  std::string connect_error;
  const bool ready = eventually(
      [&] { return !server_->running() || connect_mariadb(root, connect_error) != nullptr; }, 60s, 100ms);
  if (ready && server_->running()) return true;
  const std::string log = read_file(log_path(), log_offset);
  if (!ready) {
    error = "MariaDB did not become ready within 60 s (" + connect_error + ")\n" + log;
    server_->stop(SIGKILL, 0ms);
    return false;
  }
  bind_failed = log.find("Address already in use") != std::string::npos;
  error = "MariaDB " + describe_wait_status(server_->stop(SIGKILL, 0ms)) + "\n" + log;
  return false;
}

bool MariaDbServer::create_users_and_database(std::string& error) {
  std::string why;
  MariaDbConn conn = connect_mariadb(socket_login(socket_path(), kMariaDbRoot), why);
  if (!conn) {
    error = "cannot connect to the new server as root: " + why;
    return false;
  }
  const std::string native = std::string("'") + kMariaDbNativeUser + "'@'%'";
  const std::string ed = std::string("'") + kMariaDbEd25519User + "'@'%'";
  // Anonymous accounts (''@'localhost', ''@host), if mariadb-install-db made any, would match
  // before ours for some logins; they go as mysql_secure_installation removes them.
  const std::string statements[] = {
      "DELETE FROM mysql.global_priv WHERE User = ''",
      "FLUSH PRIVILEGES",
      "CREATE USER " + native + " IDENTIFIED VIA mysql_native_password USING PASSWORD('" + kMariaDbNativePassword + "')",
      "GRANT ALL PRIVILEGES ON *.* TO " + native,
      "CREATE USER " + ed + " IDENTIFIED VIA ed25519 USING PASSWORD('" + kMariaDbEd25519Password + "')",
      "GRANT ALL PRIVILEGES ON *.* TO " + ed,
      std::string("CREATE DATABASE ") + kMariaDbAppDatabase,
  };
  for (const std::string& sql : statements) {
    if (!mariadb_query(conn.get(), sql, why)) {
      error = sql + ": " + why;
      return false;
    }
  }
  return true;
}

}  // namespace switchyard::test_support
