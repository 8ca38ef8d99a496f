// sysbench oltp_write_only (server-side prepared statements) through switchyard while a column
// migration of its own table is in dual_write: sbtest1.k -> k2 (rename_column), expanded and
// backfilled first as the jobs would. No error, no reconnect, and afterwards no row where the
// two columns disagree: every UPDATE k=k+1, INSERT and DELETE sysbench made was mirrored.
#include <gtest/gtest.h>

#include <regex>

#include "tests/integration/mariadb_relay_fixture.h"
#include "tests/support/run_command.h"

namespace switchyard::test_support {
namespace {

TEST(MariaDbSysbenchMigration, OltpWriteOnlyInDualWriteHasNoErrorsAndNoDivergedRow) {
  MariaDbServer& s = shared_mariadb();
  const auto sysbench = [&](const MysqlTarget& t, std::vector<std::string> extra) {
    std::vector<std::string> argv = {"/usr/bin/sysbench", "oltp_write_only", "--db-driver=mysql", "--mysql-host=" + t.host,
                                     "--mysql-port=" + std::to_string(t.port), "--mysql-user=native_user",
                                     "--mysql-password=native-secret", "--mysql-db=app", "--tables=1", "--table-size=2000",
                                     "--db-ps-mode=auto", "--report-interval=0"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    return run_command(argv, 120s);
  };
  (void)sysbench(direct_target(), {"cleanup"});
  const CommandResult prepared = sysbench(direct_target(), {"prepare"});
  ASSERT_TRUE(prepared.succeeded()) << prepared.describe();
  std::string error;
  MariaDbConn direct = connect_mariadb(tcp_login(s, kMariaDbNativeUser, kMariaDbNativePassword), error);
  ASSERT_TRUE(direct) << error;
  for (const char* sql : {"USE app", "ALTER TABLE sbtest1 ADD COLUMN k2 INT NULL", "UPDATE sbtest1 SET k2 = k"})
    ASSERT_TRUE(mariadb_query(direct.get(), sql, error)) << sql << ": " << error;
  auto proxy = start_mysql_proxy("control: \"host=" + s.host() + " port=" + std::to_string(s.port()) + " user=" +
                                     kMariaDbNativeUser + " password=" + kMariaDbNativePassword + " dbname=app\"\n" +
                                     "migrations:\n  - name: sbtest_k2\n    table: sbtest1\n"
                                     "    rename_column: {from: k, to: k2}\n    phase: dual_write\n",
                                 error);
  ASSERT_NE(proxy, nullptr) << error;
  // One thread with no error ignored, then four, where the server's own deadlock verdicts
  // (which sysbench retries) may come, but no reconnect.
  const CommandResult one = sysbench(target_of(*proxy), {"--threads=1", "--time=3", "--mysql-ignore-errors=none", "run"});
  ASSERT_TRUE(one.succeeded()) << one.describe();
  EXPECT_TRUE(std::regex_search(one.out, std::regex(R"(ignored errors: +0 )"))) << one.out;
  const CommandResult four = sysbench(target_of(*proxy), {"--threads=4", "--time=3", "run"});
  ASSERT_TRUE(four.succeeded()) << four.describe();
  EXPECT_TRUE(std::regex_search(four.out, std::regex(R"(reconnects: +0 )"))) << four.out;
  const auto diverged = mariadb_query(direct.get(), "SELECT COUNT(*), SUM(k2 IS NULL) FROM sbtest1 WHERE NOT (k <=> k2)", error);
  ASSERT_TRUE(diverged) << error;
  EXPECT_EQ((*diverged)[0][0], "0") << "rows where k and k2 disagree";
  const auto rows = mariadb_query(direct.get(), "SELECT COUNT(*) FROM sbtest1", error);
  ASSERT_TRUE(rows) << error;
  EXPECT_EQ((*rows)[0][0], "2000");  // each DELETE is followed by its INSERT
  for (const CommandResult* r : {&one, &four}) {
    const auto tps = r->out.find("transactions:");
    ASSERT_NE(tps, std::string::npos);
    std::printf("sysbench oltp_write_only in dual_write: %s\n", r->out.substr(tps, r->out.find('\n', tps) - tps).c_str());
  }
  EXPECT_NE(proxy->log().find("phase dual_write"), std::string::npos);
  (void)sysbench(direct_target(), {"cleanup"});
}

}  // namespace
}  // namespace switchyard::test_support
