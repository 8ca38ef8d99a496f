// A throwaway PostgreSQL 15 server for one run of the tests: its own temp directory, a free
// loopback port, settings that favour speed over durability, and known users and a database.
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "tests/support/child_process.h"
#include "tests/support/endpoint.h"
#include "tests/support/temp_dir.h"

namespace switchyard::test_support {

// What the cluster is created with. Logins from 127.0.0.1 use trust for every user except
// these two; the unix socket (in the cluster's directory) is trust for everyone.
inline constexpr char kSuperuser[] = "postgres";
inline constexpr char kMd5User[] = "md5user";  // md5 auth, password stored as md5
inline constexpr char kMd5Password[] = "md5-secret";
inline constexpr char kScramUser[] = "scramuser";  // scram-sha-256 auth and storage
inline constexpr char kScramPassword[] = "scram-secret";
inline constexpr char kAppDatabase[] = "app";

// How a cluster differs from the default one (tls_test.cpp starts one with ssl=on and
// hostssl lines only).
struct PgClusterOptions {
  std::string hba;                    // pg_hba.conf in place of the default; its `local` line too
  std::vector<std::string> settings;  // more "name=value" server settings (-c)
  // Files copied into the data directory before the start, as (name there, source path), owned
  // by the server's OS user with mode 0600 (as PostgreSQL demands of ssl_key_file).
  std::vector<std::pair<std::string, std::string>> files;
};

class PgCluster {
 public:
  // initdb, pg_hba.conf, start, wait until it answers (bounded), create users and `app`.
  // Runs the server as the `postgres` OS user when we are root. Returns null and says why
  // (with the server log) in `error`. Libpq's default sslmode (prefer) reaches a TLS cluster.
  static std::unique_ptr<PgCluster> start(std::string& error, const PgClusterOptions& options = {});

  // Fast shutdown (SIGINT), bounded wait, then SIGKILL; removes the directory.
  ~PgCluster();
  PgCluster(const PgCluster&) = delete;
  PgCluster& operator=(const PgCluster&) = delete;

  // Fast shutdown (SIGINT: sessions end with "terminating connection due to administrator
  // command"), then a start on the same port and data directory, waiting (bounded) until it
  // answers. The caller's connections are gone afterwards. False and why, with the log, in `error`.
  bool restart(std::string& error);

  const std::string& host() const { return endpoint_.host; }
  int port() const { return endpoint_.port; }
  const Endpoint& endpoint() const { return endpoint_; }
  std::string conninfo(const std::string& db, const std::string& user, const std::string& password = "") const {
    return endpoint_.conninfo(db, user, password);
  }
  std::string log_path() const { return dir_->file("postgres.log"); }
  pid_t pid() const { return server_->pid(); }

 private:
  PgCluster() = default;
  PgClusterOptions options_;
  bool init(std::string& error);
  bool launch(std::string& error);
  // Starts the server on endpoint_.port and waits until it answers or exits. `bind_failed`
  // says whether it exited because the port was taken.
  bool spawn_and_wait(std::string& error, bool& bind_failed);
  bool create_roles_and_database(std::string& error);

  std::unique_ptr<TempDir> dir_;
  std::optional<RunAs> run_as_;
  Endpoint endpoint_{"127.0.0.1", 0};
  std::unique_ptr<ChildProcess> server_;
};

}  // namespace switchyard::test_support
