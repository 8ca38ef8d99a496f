// What the MariaDB job suites (MariaDbBackfill, MariaDbExpandContract) share: a protocol: mysql
// config file of their own in a temp dir, over the shared MariaDB's `app` database, and the job
// commands run over it as the operator runs them (the real binary).
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "tests/integration/mariadb_relay_fixture.h"
#include "tests/support/child_process.h"

namespace switchyard::test_support {

// The control: line for the shared MariaDB's `app` (or `control_override` as given).
inline std::string mysql_job_control_yaml(const std::string& control_override = "") {
  MariaDbServer& s = shared_mariadb();
  const std::string control = control_override.empty()
                                  ? "host=" + s.host() + " port=" + std::to_string(s.port()) + " user=" +
                                        kMariaDbNativeUser + " password=" + kMariaDbNativePassword + " dbname=app"
                                  : control_override;
  return "control: \"" + control + "\"\n";
}

// A `migrations:` list of one rename_column full_name -> display_name of `table`.
inline std::string rename_full_name_yaml(const std::string& name, const std::string& table, const std::string& phase) {
  return "migrations:\n  - name: " + name + "\n    table: " + table +
         "\n    rename_column: {from: full_name, to: display_name}\n    phase: " + phase + "\n";
}

// A suite with a direct connection to the shared MariaDB, in `app`.
class MariaDbJobTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string error;
    direct_ = connect_mariadb(tcp_login(shared_mariadb(), kMariaDbNativeUser, kMariaDbNativePassword), error);
    ASSERT_TRUE(direct_) << error;
    ASSERT_TRUE(mariadb_query(direct_.get(), "USE app", error)) << error;
  }

  // Runs each statement on the direct connection; a failure fails the test, naming it.
  void run_all(const std::vector<std::string>& sqls) {
    std::string error;
    for (const std::string& sql : sqls) ASSERT_TRUE(mariadb_query(direct_.get(), sql, error)) << sql << ": " << error;
  }

  // The first value of the first row, "(no row)", or "error: ...".
  std::string value(const std::string& sql) {
    std::string error;
    auto r = mariadb_query(direct_.get(), sql, error);
    if (!r) return "error: " + error;
    if (r->empty() || (*r)[0].empty()) return "(no row)";
    return (*r)[0][0];
  }

  MariaDbConn direct_;
};

class MysqlJobConfig {
 public:
  explicit MysqlJobConfig(const std::string& yaml) {
    std::string error;
    dir_ = TempDir::create("switchyard-mysql-job-", error);
    path_ = dir_->file("switchyard.yaml");
    write_file(path_, "protocol: mysql\n" + yaml, error);
  }
  // Replaces the config (e.g. to move a migration to another phase).
  bool rewrite(const std::string& yaml) {
    std::string error;
    return write_file(path_, "protocol: mysql\n" + yaml, error);
  }
  std::vector<std::string> argv(const std::string& command, const std::string& migration,
                                const std::vector<std::string>& extra) const {
    std::vector<std::string> out = {ProxyProcess::binary_path(), command, "--config", path_, migration};
    out.insert(out.end(), extra.begin(), extra.end());
    return out;
  }
  CommandResult run(const std::string& command, const std::string& migration, const std::vector<std::string>& extra = {}) const {
    return run_command(argv(command, migration, extra), 180s);
  }
  // `switchyard backfill MIGRATION EXTRA...` in the background, its output in log().
  std::unique_ptr<ChildProcess> spawn(const std::string& migration, const std::vector<std::string>& extra,
                                      std::string& error) const {
    return spawn_command("backfill", migration, extra, error);
  }
  std::unique_ptr<ChildProcess> spawn_command(const std::string& command, const std::string& migration,
                                              const std::vector<std::string>& extra, std::string& error) const {
    ChildSpec spec;
    spec.argv = argv(command, migration, extra);
    spec.output_path = dir_->file("spawned.log");
    return ChildProcess::spawn(spec, error);
  }
  std::string log() const { return read_file(dir_->file("spawned.log")); }

 private:
  std::unique_ptr<TempDir> dir_;
  std::string path_;
};

}  // namespace switchyard::test_support
