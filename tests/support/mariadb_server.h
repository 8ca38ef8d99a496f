// A throwaway MariaDB 10.11 server for the MySQL-protocol tests: mariadb-install-db into its own
// temp directory, mariadbd on a free loopback port (bind-address 127.0.0.1) with its unix socket
// in that directory, settings that favour speed over durability, and known users and a database.
// Stopped by its own pid (SIGTERM, a bounded wait, then SIGKILL); the directory goes with it.
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "tests/support/child_process.h"
#include "tests/support/endpoint.h"
#include "tests/support/temp_dir.h"

namespace switchyard::test_support {

// root logs in over the unix socket only, without a password. The others log in from anywhere
// ('%'), each with its own plugin, and may do anything.
inline constexpr char kMariaDbRoot[] = "root";
inline constexpr char kMariaDbNativeUser[] = "native_user";  // mysql_native_password
inline constexpr char kMariaDbNativePassword[] = "native-secret";
inline constexpr char kMariaDbEd25519User[] = "ed_user";  // ed25519 (MariaDB's client_ed25519)
inline constexpr char kMariaDbEd25519Password[] = "ed-secret";
inline constexpr char kMariaDbAppDatabase[] = "app";

// What a test may add to the server's settings: more mariadbd options, and files copied into
// its directory first (owned by the server's OS user), named in the options as "{dir}/NAME"
// (a certificate and key for --ssl-cert / --ssl-key, say).
struct MariaDbOptions {
  std::vector<std::string> settings;
  std::vector<std::pair<std::string, std::string>> files;  // name in the directory, source path
};

class MariaDbServer {
 public:
  // mariadb-install-db, start, wait until it answers (bounded), create the users and `app`.
  // Runs the server as the `mysql` OS user when we are root. Returns null and says why (with
  // the server's error log) in `error`.
  static std::unique_ptr<MariaDbServer> start(std::string& error, const MariaDbOptions& options = {});

  // SIGTERM, up to 30 s for a clean shutdown, then SIGKILL; removes the directory.
  ~MariaDbServer();
  MariaDbServer(const MariaDbServer&) = delete;
  MariaDbServer& operator=(const MariaDbServer&) = delete;

  const std::string& host() const { return endpoint_.host; }
  int port() const { return endpoint_.port; }
  std::string socket_path() const { return dir_->file("mariadbd.sock"); }
  std::string log_path() const { return dir_->file("mariadbd.err"); }
  pid_t pid() const { return server_->pid(); }

 private:
  MariaDbServer() = default;
  bool install(std::string& error);
  bool spawn_and_wait(std::string& error, bool& bind_failed);
  bool create_users_and_database(std::string& error);

  std::unique_ptr<TempDir> dir_;
  MariaDbOptions options_;
  std::optional<RunAs> run_as_;
  Endpoint endpoint_{"127.0.0.1", 0};
  std::unique_ptr<ChildProcess> server_;
};

}  // namespace switchyard::test_support
