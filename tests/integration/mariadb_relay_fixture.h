// What the MariaDbRelay* suites share: a switchyard with protocol: mysql in front of the shared
// MariaDB (tests/support/mariadb_environment.h), and ways to run the mariadb CLI and a PyMySQL
// script against it or against the server directly, to compare the two.
#pragma once

#include <gtest/gtest.h>
#include <signal.h>

#include <memory>
#include <string>
#include <vector>

#include "tests/support/mariadb_connection.h"
#include "tests/support/mariadb_environment.h"
#include "tests/support/proxy_process.h"
#include "tests/support/run_command.h"
#include "tests/support/temp_dir.h"
#include "tests/support/wait.h"

namespace switchyard::test_support {

// The server, or the proxy in front of it.
struct MysqlTarget {
  std::string host;
  int port = 0;
  std::string host_port() const { return host + ":" + std::to_string(port); }
};

inline MysqlTarget direct_target() {
  MariaDbServer& s = shared_mariadb();
  return {s.host(), s.port()};
}

// Starts switchyard (protocol: mysql, then `extra_yaml`) in front of the shared MariaDB.
inline std::unique_ptr<ProxyProcess> start_mysql_proxy(const std::string& extra_yaml, std::string& error) {
  MariaDbServer& s = shared_mariadb();
  return ProxyProcess::start(Endpoint{s.host(), s.port()}, "protocol: mysql\n" + extra_yaml, error);
}

inline MysqlTarget target_of(const ProxyProcess& p) { return {p.endpoint().host, p.endpoint().port}; }

// The `control:` line for the shared MariaDB, as native_user, with `dbname`.
inline std::string mariadb_control_yaml(const std::string& dbname) {
  MariaDbServer& s = shared_mariadb();
  return "control: \"host=" + s.host() + " port=" + std::to_string(s.port()) + " user=" + kMariaDbNativeUser +
         " password=" + kMariaDbNativePassword + " dbname=" + dbname + "\"\n";
}

// Writes `config` as the proxy's config file, reloads it by SIGHUP, and waits until the log says
// generation `generation` is in force.
inline ::testing::AssertionResult reload_with(ProxyProcess& proxy, const std::string& config, int generation) {
  std::string error;
  if (!write_file(proxy.config_path(), config, error)) return ::testing::AssertionFailure() << error;
  if (kill(proxy.pid(), SIGHUP) != 0) return ::testing::AssertionFailure() << "SIGHUP failed";
  const std::string want = "reload: generation " + std::to_string(generation) + ":";
  if (!eventually([&] { return proxy.log().find(want) != std::string::npos; }, 20s))
    return ::testing::AssertionFailure() << "no \"" << want << "\" in the log:\n" << proxy.log();
  return ::testing::AssertionSuccess();
}

// The mariadb CLI as `user`, database app, batch mode, reading `script` on stdin; `extra`
// arguments before it.
inline CommandResult run_mariadb_cli(const MysqlTarget& t, const std::string& user, const std::string& password,
                                     const std::string& script, const std::vector<std::string>& extra = {},
                                     std::chrono::milliseconds timeout = 60s) {
  std::string error;
  auto dir = TempDir::create("switchyard-cli-", error);
  const std::string path = dir->file("script.sql");
  write_file(path, script, error);
  std::string cmd = "exec /usr/bin/mariadb --no-defaults -h " + t.host + " -P " + std::to_string(t.port) + " -u " + user +
                    " -p'" + password + "' -D app";
  for (const auto& e : extra) cmd += " '" + e + "'";
  cmd += " < " + path;
  return run_command({"/bin/sh", "-c", cmd}, timeout);
}

// Runs a Python 3 script (the system's, which has PyMySQL) with the host and port as argv[1]
// and argv[2].
inline CommandResult run_pymysql(const MysqlTarget& t, const std::string& script, std::chrono::milliseconds timeout = 120s) {
  std::string error;
  auto dir = TempDir::create("switchyard-py-", error);
  const std::string path = dir->file("script.py");
  write_file(path, script, error);
  return run_command({"/usr/bin/python3", path, t.host, std::to_string(t.port)}, timeout);
}

inline MariaDbLogin login_to(const MysqlTarget& t, const std::string& user, const std::string& password) {
  MariaDbLogin login;
  login.host = t.host;
  login.port = t.port;
  login.user = user;
  login.password = password;
  login.database = kMariaDbAppDatabase;
  return login;
}

// A proxy shared by the tests of one suite.
class MariaDbRelayFixture : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    std::string error;
    proxy_ = start_mysql_proxy("", error).release();
    ASSERT_NE(proxy_, nullptr) << error;
  }
  static void TearDownTestSuite() {
    delete proxy_;
    proxy_ = nullptr;
  }
  static MysqlTarget proxy() { return target_of(*proxy_); }
  static ProxyProcess& proxy_process() { return *proxy_; }

  static inline ProxyProcess* proxy_ = nullptr;
};

}  // namespace switchyard::test_support
