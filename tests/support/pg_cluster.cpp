// Throwaway PostgreSQL cluster: initdb, configure, start, wait, stop (see pg_cluster.h).
#include "tests/support/pg_cluster.h"

#include <libpq-fe.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>

#include "tests/support/net.h"
#include "tests/support/pg_connection.h"
#include "tests/support/run_command.h"
#include "tests/support/wait.h"

namespace switchyard::test_support {
namespace {

constexpr char kHba[] =
    "# Written by the switchyard integration tests.\n"
    "local all all                    trust\n"
    "host  all md5user   127.0.0.1/32 md5\n"
    "host  all scramuser 127.0.0.1/32 scram-sha-256\n"
    "host  all all       127.0.0.1/32 trust\n";

// Durability is worth nothing in a throwaway cluster; connections are many in pgbench.
// client_connection_check_interval lets a backend busy in pg_sleep notice that its client
// socket closed, which is what killed_client_test looks for.
const char* const kSettings[] = {
    "listen_addresses=127.0.0.1", "fsync=off",          "synchronous_commit=off",
    "full_page_writes=off",       "max_connections=200", "client_connection_check_interval=1000",
};

}  // namespace

std::unique_ptr<PgCluster> PgCluster::start(std::string& error, const PgClusterOptions& options) {
  std::unique_ptr<PgCluster> cluster(new PgCluster);
  cluster->options_ = options;
  if (!cluster->init(error) || !cluster->launch(error) || !cluster->create_roles_and_database(error)) return nullptr;
  return cluster;
}

PgCluster::~PgCluster() {
  if (server_) server_->stop(SIGINT, 20s);
}

bool PgCluster::init(std::string& error) {
  run_as_ = drop_root_to("postgres", error);
  if (!error.empty()) return false;
  dir_ = TempDir::create("switchyard-pg-", error);
  if (!dir_) return false;
  if (run_as_ && !dir_->chown_to(run_as_->uid, run_as_->gid, error)) return false;
  ChildSpec initdb;
  initdb.argv = {pg_program("initdb"), "-D", dir_->file("data"), "-U", kSuperuser, "-A", "trust", "-E", "UTF8",
                 "--locale=C", "--no-sync", "--no-instructions"};
  initdb.run_as = run_as_;
  initdb.working_dir = dir_->path();
  const CommandResult result = run_command(initdb, 120s);
  if (!result.succeeded()) {
    error = "initdb failed\n" + result.describe();
    return false;
  }
  for (const auto& [name, source] : options_.files) {
    const std::string target = dir_->file("data/" + name);
    if (!write_file(target, read_file(source), error)) return false;
    if (chmod(target.c_str(), 0600) != 0 ||
        (run_as_ && chown(target.c_str(), run_as_->uid, run_as_->gid) != 0)) {
      error = target + ": " + std::strerror(errno);
      return false;
    }
  }
  return write_file(dir_->file("data/pg_hba.conf"), options_.hba.empty() ? std::string(kHba) : options_.hba, error);
}

bool PgCluster::launch(std::string& error) {
  for (int attempt = 1; attempt <= 3; ++attempt) {
    endpoint_.port = pick_free_port();
    bool bind_failed = false;
    if (spawn_and_wait(error, bind_failed)) return true;
    if (!bind_failed || attempt == 3) return false;
  }
  return false;
}

bool PgCluster::restart(std::string& error) {
  const int status = server_->stop(SIGINT, 20s);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    error = "PostgreSQL did not shut down cleanly on SIGINT: " + describe_wait_status(status);
    return false;
  }
  bool bind_failed = false;
  return spawn_and_wait(error, bind_failed);
}

bool PgCluster::spawn_and_wait(std::string& error, bool& bind_failed) {
  const std::size_t log_offset = read_file(log_path()).size();
  ChildSpec spec;
  spec.argv = {pg_program("postgres"), "-D", dir_->file("data"), "-p", std::to_string(endpoint_.port),
               "-k", dir_->path()};
  for (const char* setting : kSettings) {
    spec.argv.push_back("-c");
    spec.argv.push_back(setting);
  }
  for (const std::string& setting : options_.settings) {
    spec.argv.push_back("-c");
    spec.argv.push_back(setting);
  }
  spec.run_as = run_as_;
  spec.working_dir = dir_->path();
  spec.output_path = log_path();
  server_ = ChildProcess::spawn(spec, error);
  if (!server_) return false;
  const std::string ping = conninfo("postgres", kSuperuser);
  const bool ready =
      eventually([&] { return !server_->running() || PQping(ping.c_str()) == PQPING_OK; }, 30s, 100ms);
  if (ready && server_->running()) return true;
  const std::string log = read_file(log_path(), log_offset);
  if (!ready) {
    error = "PostgreSQL did not become ready within 30 s\n" + log;
    return false;
  }
  bind_failed = log.find("could not bind") != std::string::npos;
  error = "PostgreSQL " + describe_wait_status(server_->stop(SIGKILL, 0ms)) + "\n" + log;
  return false;
}

bool PgCluster::create_roles_and_database(std::string& error) {
  PgConn conn = connect(conninfo("postgres", kSuperuser));
  if (PQstatus(conn.get()) != CONNECTION_OK) {
    error = "cannot connect to the new cluster: " + std::string(PQerrorMessage(conn.get()));
    return false;
  }
  // Each role's password is stored the way its pg_hba.conf line authenticates it.
  const std::string statements[] = {
      "SET password_encryption = 'md5'",
      std::string("CREATE ROLE ") + kMd5User + " LOGIN PASSWORD '" + kMd5Password + "'",
      "SET password_encryption = 'scram-sha-256'",
      std::string("CREATE ROLE ") + kScramUser + " LOGIN PASSWORD '" + kScramPassword + "'",
      std::string("CREATE DATABASE ") + kAppDatabase,
  };
  for (const std::string& sql : statements) {
    PgResult result(PQexec(conn.get(), sql.c_str()));
    if (PQresultStatus(result.get()) != PGRES_COMMAND_OK) {
      error = sql + ": " + describe(result.get());
      return false;
    }
  }
  return true;
}

}  // namespace switchyard::test_support
