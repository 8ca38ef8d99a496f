// `switchyard backfill` under protocol: mysql against the shared MariaDB, run as the operator
// runs it (the real binary, a config file of its own): every row filled through up, --reverse
// through down, a SIGKILL mid-run resumed from the checkpoint, the lock refusing a second run,
// a backfill racing writers that go through the proxy in dual_write with no row left wrong, and
// a bad control string named in the error. Verify finds a row planted behind the proxy's back.
#include <gtest/gtest.h>

#include <atomic>
#include <csignal>
#include <random>
#include <thread>

#include "tests/integration/mariadb_job_config.h"
#include "tests/integration/mariadb_relay_fixture.h"
#include "tests/support/wait.h"

namespace switchyard::test_support {
namespace {

std::string migration_yaml(const std::string& name, const std::string& table, const std::string& phase = "dual_write") {
  return rename_full_name_yaml(name, table, phase);
}

class MariaDbBackfill : public MariaDbJobTest {
 protected:
  // `table` (id INT PK, full_name, display_name NULL) with `rows` rows; its checkpoint rows gone.
  void make_table(const std::string& table, const std::string& migration, int rows) {
    std::string error;
    for (const std::string& sql : std::vector<std::string>{
             "DROP TABLE IF EXISTS " + table,
          "CREATE TABLE " + table + " (id INT PRIMARY KEY, full_name VARCHAR(100), display_name VARCHAR(100)) ENGINE=InnoDB",
          "INSERT INTO " + table + " (id, full_name) SELECT seq, CONCAT('user ', seq) FROM seq_1_to_" + std::to_string(rows),
          "ANALYZE TABLE " + table, "CREATE DATABASE IF NOT EXISTS switchyard"})
      ASSERT_TRUE(mariadb_query(direct_.get(), sql, error)) << sql << ": " << error;
    (void)mariadb_query(direct_.get(), "DELETE FROM switchyard.checkpoints WHERE migration = '" + migration + "'", error);
  }

  std::string mismatches(const std::string& table) {
    return value("SELECT COUNT(*) FROM app." + table + " WHERE NOT (display_name <=> full_name)");
  }

  std::string checkpoint_rows(const std::string& migration) {
    std::string error;
    auto r = mariadb_query(direct_.get(),
                           "SELECT rows_done FROM switchyard.checkpoints WHERE migration = '" + migration + "' AND job = "
                           "'backfill'",
                           error);
    return r && !r->empty() ? (*r)[0][0] : "";
  }
};

TEST_F(MariaDbBackfill, FillsEveryRowThroughUpThenReverseThroughDown) {
  make_table("bf_fill", "bf-fill", 5000);
  MysqlJobConfig config(mysql_job_control_yaml() + migration_yaml("bf-fill", "bf_fill"));
  const CommandResult fwd = config.run("backfill", "bf-fill", {"--batch-rows", "300"});
  ASSERT_EQ(fwd.exit_code, 0) << fwd.describe();
  EXPECT_NE(fwd.out.find("done, 5000 rows walked (5000 in this run), 5000 rows written"), std::string::npos) << fwd.out;
  EXPECT_EQ(mismatches("bf_fill"), "0");
  EXPECT_EQ(value("SELECT display_name FROM app.bf_fill WHERE id = 4321"), "user 4321");
  EXPECT_EQ(value("SELECT stage FROM switchyard.checkpoints WHERE migration = 'bf-fill' AND job = 'backfill'"), "done");
  const CommandResult clean = config.run("verify", "bf-fill", {"--chunk-rows", "700"});
  EXPECT_EQ(clean.exit_code, 0) << clean.describe();
  EXPECT_NE(clean.out.find("5000 rows compared: 5000 matching, 0 mismatched, 0 missing"), std::string::npos) << clean.out;
  // A divergence behind the proxy's back is found by its key (up, and down: both columns differ).
  std::string planted;
  ASSERT_TRUE(mariadb_query(direct_.get(), "UPDATE app.bf_fill SET display_name = 'planted' WHERE id = 1234", planted))
      << planted;
  const CommandResult dirty = config.run("verify", "bf-fill", {"--chunk-rows", "700"});
  EXPECT_EQ(dirty.exit_code, 1) << dirty.describe();
  EXPECT_NE(dirty.out.find("1 mismatched"), std::string::npos) << dirty.out;
  EXPECT_NE(dirty.out.find("key '1234'"), std::string::npos) << dirty.out;
  ASSERT_TRUE(mariadb_query(direct_.get(), "UPDATE app.bf_fill SET display_name = full_name WHERE id = 1234", planted))
      << planted;
  // Run again: nothing left to change.
  const CommandResult again = config.run("backfill", "bf-fill", {"--batch-rows", "1000"});
  ASSERT_EQ(again.exit_code, 0) << again.describe();
  EXPECT_NE(again.out.find("0 rows written"), std::string::npos) << again.out;

  // Reverse: the old column emptied, then filled back from the new one through down.
  std::string error;
  ASSERT_TRUE(mariadb_query(direct_.get(), "UPDATE app.bf_fill SET full_name = NULL", error)) << error;
  MysqlJobConfig with_down(mysql_job_control_yaml() +
                           "migrations:\n  - name: bf-fill\n    table: bf_fill\n"
                           "    rename_column: {from: full_name, to: display_name}\n    phase: new_only\n");
  const CommandResult refused = with_down.run("backfill", "bf-fill");
  EXPECT_EQ(refused.exit_code, 1) << refused.describe();
  EXPECT_NE(refused.err.find("phase new_only"), std::string::npos) << refused.err;
  const CommandResult rev = with_down.run("backfill", "bf-fill", {"--reverse", "--batch-rows", "700"});
  ASSERT_EQ(rev.exit_code, 0) << rev.describe();
  EXPECT_NE(rev.out.find("5000 rows written"), std::string::npos) << rev.out;
  EXPECT_EQ(mismatches("bf_fill"), "0");
}

TEST_F(MariaDbBackfill, ResumesFromItsCheckpointAfterSigkill) {
  constexpr int kRows = 40000;
  make_table("bf_kill", "bf-kill", kRows);
  MysqlJobConfig config(mysql_job_control_yaml() + migration_yaml("bf-kill", "bf_kill"));
  std::string error;
  auto first = config.spawn("bf-kill", {"--batch-rows", "200", "--pause-ms", "20"}, error);
  ASSERT_TRUE(first) << error;
  ASSERT_TRUE(eventually([&] { return checkpoint_rows("bf-kill").size() && checkpoint_rows("bf-kill") != "0"
                                          && std::stol(checkpoint_rows("bf-kill")) >= 4000; },
                         60s))
      << config.log();
  first->stop(SIGKILL, 0ms);
  const long at_kill = std::stol(checkpoint_rows("bf-kill"));
  ASSERT_LT(at_kill, kRows) << "the backfill finished before it could be killed";
  // Every committed batch is in the table: the rows up to the checkpoint's key are filled.
  EXPECT_EQ(value("SELECT COUNT(*) FROM app.bf_kill WHERE display_name IS NOT NULL"), std::to_string(at_kill));

  const CommandResult second = config.run("backfill", "bf-kill", {"--batch-rows", "2000"});
  ASSERT_EQ(second.exit_code, 0) << second.describe();
  EXPECT_NE(second.err.find("resuming backfill bf-kill from its checkpoint: " + std::to_string(at_kill) + " rows done"),
            std::string::npos)
      << second.err;
  EXPECT_NE(second.out.find(std::to_string(kRows) + " rows walked (" + std::to_string(kRows - at_kill) + " in this run)"),
            std::string::npos)
      << second.out;
  EXPECT_EQ(mismatches("bf_kill"), "0");
  std::printf("killed at %ld of %d rows; the second run walked %ld\n", at_kill, kRows, kRows - at_kill);

  // --restart ignores a finished or unfinished checkpoint and walks every row again.
  const CommandResult restart = config.run("backfill", "bf-kill", {"--restart", "--batch-rows", "5000"});
  ASSERT_EQ(restart.exit_code, 0) << restart.describe();
  EXPECT_NE(restart.out.find("(" + std::to_string(kRows) + " in this run), 0 rows written"), std::string::npos) << restart.out;
}

TEST_F(MariaDbBackfill, SecondConcurrentRunIsRefusedByTheLock) {
  make_table("bf_lock", "bf-lock", 3000);
  MysqlJobConfig config(mysql_job_control_yaml() + migration_yaml("bf-lock", "bf_lock"));
  std::string error;
  auto slow = config.spawn("bf-lock", {"--batch-rows", "10", "--pause-ms", "200"}, error);
  ASSERT_TRUE(slow) << error;
  ASSERT_TRUE(eventually([&] { return !checkpoint_rows("bf-lock").empty(); }, 30s)) << config.log();
  const CommandResult second = config.run("backfill", "bf-lock");
  EXPECT_EQ(second.exit_code, 1) << second.describe();
  EXPECT_NE(second.err.find("another backfill of migration bf-lock is running: connection id"), std::string::npos)
      << second.err;
  EXPECT_NE(second.err.find("switchyard.backfill.bf-lock"), std::string::npos) << second.err;
  slow->stop(SIGTERM, 10s);  // stops after its batch; the lock goes with its connection
  const CommandResult after = config.run("backfill", "bf-lock", {"--batch-rows", "1000"});
  EXPECT_EQ(after.exit_code, 0) << after.describe();
  EXPECT_EQ(mismatches("bf_lock"), "0");
}

TEST_F(MariaDbBackfill, RacingWritersThroughTheProxyLeaveNoMismatch) {
  constexpr int kRows = 20000;
  make_table("bf_race", "bf-race", kRows);
  std::string error;
  auto proxy = start_mysql_proxy(mysql_job_control_yaml() + migration_yaml("bf-race", "bf_race"), error);
  ASSERT_NE(proxy, nullptr) << error;
  std::atomic<bool> done{false};
  std::atomic<long> updates{0}, failures{0};
  std::vector<std::thread> writers;
  const MariaDbLogin login = login_to(target_of(*proxy), kMariaDbNativeUser, kMariaDbNativePassword);
  for (int w = 0; w < 3; ++w) {
    writers.emplace_back([&, w] {
      std::string err;
      MariaDbConn c = connect_mariadb(login, err);
      if (!c) {
        ++failures;
        return;
      }
      std::mt19937 rng(w);
      std::uniform_int_distribution<int> id(1, kRows);
      while (!done) {
        const int k = id(rng);
        if (mariadb_query(c.get(), "UPDATE bf_race SET full_name = CONCAT('w', " + std::to_string(rng()) + ") WHERE id = " +
                                       std::to_string(k), err))
          ++updates;
        else
          ++failures;
      }
    });
  }
  MysqlJobConfig config(mysql_job_control_yaml() + migration_yaml("bf-race", "bf_race"));
  // The writers are going before the backfill starts, and keep going after it ends.
  EXPECT_TRUE(eventually([&] { return updates.load() >= 20 || failures.load() > 0; }, 20s)) << updates.load();
  const long before = updates.load();
  const CommandResult run = config.run("backfill", "bf-race", {"--batch-rows", "100"});
  const long at_end = updates.load();
  EXPECT_GT(at_end, before) << "no update raced the backfill";
  EXPECT_TRUE(eventually([&] { return updates.load() >= at_end + 20 || failures.load() > 0; }, 20s));
  done = true;
  for (auto& t : writers) t.join();
  ASSERT_EQ(run.exit_code, 0) << run.describe();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_GT(updates.load(), 100);
  EXPECT_EQ(mismatches("bf_race"), "0");
  const CommandResult verify = config.run("verify", "bf-race");
  EXPECT_EQ(verify.exit_code, 0) << verify.describe();
  std::printf("%ld updates through the proxy raced the backfill of %d rows\n", updates.load(), kRows);
}

TEST_F(MariaDbBackfill, BadControlStringAndUnsupportedOptionsAreClearErrors) {
  make_table("bf_bad", "bf-bad", 10);
  MysqlJobConfig bad(mysql_job_control_yaml("host=127.0.0.1 sslmode=require") + migration_yaml("bf-bad", "bf_bad"));
  const CommandResult r = bad.run("backfill", "bf-bad");
  EXPECT_EQ(r.exit_code, 1) << r.describe();
  EXPECT_NE(r.err.find("control: unknown key sslmode"), std::string::npos) << r.err;
  MysqlJobConfig good(mysql_job_control_yaml() + migration_yaml("bf-bad", "bf_bad"));
  const CommandResult lag = good.run("backfill", "bf-bad", {"--max-lag-ms", "100"});
  EXPECT_EQ(lag.exit_code, 1) << lag.describe();
  EXPECT_NE(lag.err.find("--max-lag-ms is not supported under protocol: mysql"), std::string::npos) << lag.err;
}

}  // namespace
}  // namespace switchyard::test_support
