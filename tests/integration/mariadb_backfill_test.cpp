// `switchyard backfill` under protocol: mysql against the shared MariaDB, run as the operator
// runs it (the real binary, a config file of its own): every row filled through up, --reverse
// through down, a SIGKILL mid-run resumed from the checkpoint, the lock refusing a second run,
// a backfill racing writers that go through the proxy in dual_write with no row left wrong, and
// a bad control string named in the error. Verify finds a row planted behind the proxy's back.
// The table kinds: copy_table backfilled while writers insert, update and delete old rows through
// the proxy, and rename_table killed mid-run and resumed, each checked against hand-written SQL
// over both tables; verify finds a changed, a missing and an extra new row.
#include <gtest/gtest.h>

#include <atomic>
#include <functional>
#include <csignal>
#include <mutex>
#include <random>
#include <thread>

#include "tests/integration/mariadb_job_config.h"
#include "tests/integration/mariadb_relay_fixture.h"
#include "tests/support/http_client.h"
#include "tests/support/net.h"
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
  EXPECT_NE(second.err.find("resuming backfill bf-kill from its checkpoint: stage copy, " + std::to_string(at_kill) + " rows done"),
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

// Writers through the proxy, three connections in `app`, each statement from next(writer, i, rng),
// that are going before a job starts and keep going after it ends.
class WriterRace {
 public:
  using Next = std::function<std::string(int writer, int i, std::mt19937& rng)>;
  WriterRace(const MariaDbLogin& login, Next next) {
    for (int w = 0; w < 3; ++w)
      threads_.emplace_back([this, login, next, w] {
        std::string err;
        MariaDbConn c = connect_mariadb(login, err);
        if (!c || !mariadb_query(c.get(), "USE app", err)) return failed("connect: " + err);
        std::mt19937 rng(w + 7);
        for (int i = 0; !done_; ++i) {
          const std::string sql = next(w, i, rng);
          if (mariadb_query(c.get(), sql, err)) ++writes_;
          else failed(sql + ": " + err);
        }
      });
  }
  ~WriterRace() { stop(); }
  // Runs `job` once writes are going, and returns its result once more have gone after it.
  CommandResult around(const std::function<CommandResult()>& job) {
    EXPECT_TRUE(eventually([&] { return writes_.load() >= 20 || failures_.load() > 0; }, 20s)) << writes_.load();
    const long before = writes_.load();
    CommandResult r = job();
    const long at_end = writes_.load();
    EXPECT_GT(at_end, before) << "no write raced the job";
    EXPECT_TRUE(eventually([&] { return writes_.load() >= at_end + 20 || failures_.load() > 0; }, 20s));
    stop();
    return r;
  }
  void stop() {
    done_ = true;
    for (auto& t : threads_)
      if (t.joinable()) t.join();
  }
  long writes() const { return writes_.load(); }
  long failures() const { return failures_.load(); }
  std::string first_failure() {
    std::lock_guard<std::mutex> lock(mu_);
    return first_failure_;
  }

 private:
  void failed(const std::string& why) {
    ++failures_;
    std::lock_guard<std::mutex> lock(mu_);
    if (first_failure_.empty()) first_failure_ = why;
  }
  std::atomic<bool> done_{false};
  std::atomic<long> writes_{0}, failures_{0};
  std::mutex mu_;
  std::string first_failure_;
  std::vector<std::thread> threads_;
};

TEST_F(MariaDbBackfill, RacingWritersThroughTheProxyLeaveNoMismatch) {
  constexpr int kRows = 20000;
  make_table("bf_race", "bf-race", kRows);
  std::string error;
  auto proxy = start_mysql_proxy(mysql_job_control_yaml() + migration_yaml("bf-race", "bf_race"), error);
  ASSERT_NE(proxy, nullptr) << error;
  WriterRace race(login_to(target_of(*proxy), kMariaDbNativeUser, kMariaDbNativePassword), [](int, int, std::mt19937& rng) {
    return "UPDATE bf_race SET full_name = CONCAT('w', " + std::to_string(rng()) + ") WHERE id = " +
           std::to_string(1 + rng() % kRows);
  });
  MysqlJobConfig config(mysql_job_control_yaml() + migration_yaml("bf-race", "bf_race"));
  const CommandResult run = race.around([&] { return config.run("backfill", "bf-race", {"--batch-rows", "100"}); });
  ASSERT_EQ(run.exit_code, 0) << run.describe();
  EXPECT_EQ(race.failures(), 0) << race.first_failure();
  EXPECT_GT(race.writes(), 100);
  EXPECT_EQ(mismatches("bf_race"), "0");
  const CommandResult verify = config.run("verify", "bf-race");
  EXPECT_EQ(verify.exit_code, 0) << verify.describe();
  std::printf("%ld updates through the proxy raced the backfill of %d rows\n", race.writes(), kRows);
}

TEST_F(MariaDbBackfill, BadControlStringAndUnsupportedOptionsAreClearErrors) {
  make_table("bf_bad", "bf-bad", 10);
  MysqlJobConfig bad(mysql_job_control_yaml("host=127.0.0.1 sslmode=require") + migration_yaml("bf-bad", "bf_bad"));
  const CommandResult r = bad.run("backfill", "bf-bad");
  EXPECT_EQ(r.exit_code, 1) << r.describe();
  EXPECT_NE(r.err.find("control: unknown key sslmode"), std::string::npos) << r.err;
  MysqlJobConfig good(mysql_job_control_yaml() + migration_yaml("bf-bad", "bf_bad"));
  // The shared server has no replicas: the lag limit checks nothing, and says so.
  const CommandResult lag = good.run("backfill", "bf-bad", {"--max-lag-ms", "100"});
  EXPECT_EQ(lag.exit_code, 0) << lag.describe();
  EXPECT_NE(lag.err.find("--max-lag-ms: no replica found"), std::string::npos) << lag.err;
  const CommandResult alone = good.run("backfill", "bf-bad", {"--replica", "127.0.0.1:1"});
  EXPECT_EQ(alone.exit_code, 1) << alone.describe();
  EXPECT_NE(alone.err.find("--replica needs --max-lag-ms"), std::string::npos) << alone.err;
  const CommandResult bad_replica = good.run("backfill", "bf-bad", {"--max-lag-ms", "100", "--replica", "nowhere"});
  EXPECT_EQ(bad_replica.exit_code, 1) << bad_replica.describe();
  EXPECT_NE(bad_replica.err.find("--replica wants HOST:PORT, got 'nowhere'"), std::string::npos) << bad_replica.err;
}

// Verify keeps its place: killed mid-run, the next run goes on after the last compared chunk with
// the counts and samples so far, and reports what one uninterrupted run reports.
TEST_F(MariaDbBackfill, VerifyResumesFromItsCheckpointAfterSigkill) {
  constexpr int kRows = 100000;
  make_table("bf_verify", "bf-verify", kRows);
  run_all({"UPDATE app.bf_verify SET display_name = full_name",
           "UPDATE app.bf_verify SET display_name = 'planted' WHERE id IN (10, 99990)",
           "UPDATE app.bf_verify SET display_name = NULL WHERE id = 60000"});
  std::string ignored;  // no checkpoint table yet is fine
  (void)mariadb_query(direct_.get(), "DELETE FROM switchyard.verify_checkpoints WHERE migration = 'bf-verify'", ignored);
  MysqlJobConfig config(mysql_job_control_yaml() + migration_yaml("bf-verify", "bf_verify"));
  const CommandResult whole = config.run("verify", "bf-verify", {"--chunk-rows", "5000"});
  EXPECT_EQ(whole.exit_code, 1) << whole.describe();
  const std::string counts = "100000 rows compared: 99997 matching, 2 mismatched, 1 missing in new, 0 extra in new";
  EXPECT_NE(whole.out.find(counts), std::string::npos) << whole.out;
  // A finished verify starts over; this one is killed once it is past the first planted row.
  std::string error;
  auto first = config.spawn_command("verify", "bf-verify", {"--chunk-rows", "20"}, error);
  ASSERT_TRUE(first) << error;
  const auto compared = [&] {
    const std::string v = value("SELECT rows_compared FROM switchyard.verify_checkpoints WHERE migration = 'bf-verify' AND "
                                "stage = 'compare'");
    return v.empty() || v[0] < '0' || v[0] > '9' ? 0L : std::stol(v);
  };
  ASSERT_TRUE(eventually([&] { return compared() >= 2000; }, 60s)) << config.log();
  first->stop(SIGKILL, 0ms);
  const long at_kill = compared();
  ASSERT_LT(at_kill, kRows) << "the verify finished before it could be killed";
  const CommandResult second = config.run("verify", "bf-verify", {"--chunk-rows", "5000"});
  EXPECT_EQ(second.exit_code, 1) << second.describe();
  EXPECT_NE(second.err.find("resuming verify bf-verify from its checkpoint: " + std::to_string(at_kill) + " rows compared"),
            std::string::npos)
      << second.err;
  EXPECT_NE(second.out.find(counts), std::string::npos) << second.out;
  EXPECT_NE(second.out.find("key '10'"), std::string::npos) << second.out;  // a sample from before the kill
  EXPECT_NE(second.out.find("key '99990'"), std::string::npos) << second.out;
  EXPECT_EQ(value("SELECT stage FROM switchyard.verify_checkpoints WHERE migration = 'bf-verify'"), "done");
  // --restart walks every row again.
  const CommandResult restart = config.run("verify", "bf-verify", {"--restart"});
  EXPECT_NE(restart.out.find(counts), std::string::npos) << restart.out;
  std::printf("verify killed after %ld of %d rows, resumed there\n", at_kill, kRows);
}

// The console's buttons: POST /migrations/NAME/backfill and /verify run the jobs inside the proxy.
TEST_F(MariaDbBackfill, TheAdminApiRunsBackfillAndVerifyInsideTheProxy) {
  make_table("bf_admin", "bf-admin", 6000);
  const int admin = pick_free_port();
  std::string error;
  auto proxy = start_mysql_proxy(mysql_job_control_yaml() + migration_yaml("bf-admin", "bf_admin") + "admin: {listen: 127.0.0.1:" +
                                     std::to_string(admin) + "}\n",
                                 error);
  ASSERT_NE(proxy, nullptr) << error;
  std::string status;
  const auto finished = [&](const std::string& kind) {
    return eventually(
        [&] {
          status = http_request(admin, "GET", "/status").body;
          const size_t at = status.find("\"job\":\"" + kind + " bf-admin\"");
          return at != std::string::npos && (status.find("\"state\":\"done\"", at) != std::string::npos ||
                                             status.find("\"state\":\"failed\"", at) != std::string::npos);
        },
        60s);
  };
  const HttpResponse started = http_request(admin, "POST", "/migrations/bf-admin/backfill");
  ASSERT_EQ(started.status, 202) << started.describe();
  ASSERT_TRUE(finished("backfill")) << status;
  EXPECT_NE(status.find("\"rows_changed\":6000"), std::string::npos) << status << proxy->log();
  EXPECT_EQ(mismatches("bf_admin"), "0");
  ASSERT_TRUE(mariadb_query(direct_.get(), "UPDATE app.bf_admin SET display_name = 'x' WHERE id IN (5, 6)", error)) << error;
  ASSERT_EQ(http_request(admin, "POST", "/migrations/bf-admin/verify").status, 202);
  ASSERT_TRUE(finished("verify")) << status;
  EXPECT_NE(status.find("\"clean\":false,\"matching\":5998,\"mismatched\":2,\"missing\":0,\"extra\":0"), std::string::npos)
      << status;
}

// A primary with a binlog and a replica of it (GTID, from the primary's position after setup),
// each its own server: --max-lag-ms holds the backfill while the replica's SQL thread is
// stopped, and lets it go on once the replica catches up.
TEST(MariaDbReplicaLag, BackfillWaitsWhileAReplicaLagsAndGoesOnWhenItCatchesUp) {
  std::string error;
  MariaDbOptions primary_options, replica_options;
  primary_options.settings = {"--log-bin={dir}/binlog", "--server-id=1", "--binlog-format=ROW"};
  replica_options.settings = {"--server-id=2", "--report-host=127.0.0.1"};
  auto primary = MariaDbServer::start(error, primary_options);
  ASSERT_TRUE(primary) << error;
  auto replica = MariaDbServer::start(error, replica_options);
  ASSERT_TRUE(replica) << error;
  MariaDbConn p = connect_mariadb(socket_login(primary->socket_path(), kMariaDbRoot), error);
  MariaDbConn r = connect_mariadb(socket_login(replica->socket_path(), kMariaDbRoot), error);
  ASSERT_TRUE(p && r) << error;
  auto one = [&](MYSQL* c, const std::string& sql) {
    std::string e;
    auto rows = mariadb_query(c, sql, e);
    return !rows ? "error: " + e : rows->empty() || (*rows)[0].empty() ? std::string() : (*rows)[0][0];
  };
  const std::string position = one(p.get(), "SELECT @@gtid_binlog_pos");
  for (const std::string& sql :
       {"SET GLOBAL gtid_slave_pos = '" + position + "'",
        "CHANGE MASTER TO MASTER_HOST = '127.0.0.1', MASTER_PORT = " + std::to_string(primary->port()) + ", MASTER_USER = '" +
            kMariaDbNativeUser + "', MASTER_PASSWORD = '" + kMariaDbNativePassword +
            "', MASTER_USE_GTID = slave_pos, MASTER_CONNECT_RETRY = 1",
        std::string("START SLAVE")})
    ASSERT_TRUE(mariadb_query(r.get(), sql, error)) << sql << ": " << error;
  for (const std::string& sql : {std::string("USE app"), std::string("CREATE TABLE app.bf_lag (id INT PRIMARY KEY, full_name VARCHAR(100), "
                                             "display_name VARCHAR(100)) ENGINE=InnoDB"),
                                 std::string("INSERT INTO app.bf_lag (id, full_name) SELECT seq, CONCAT('user ', seq) FROM "
                                             "seq_1_to_3000")})
    ASSERT_TRUE(mariadb_query(p.get(), sql, error)) << sql << ": " << error;
  ASSERT_TRUE(eventually([&] { return one(r.get(), "SELECT COUNT(*) FROM app.bf_lag") == "3000"; }, 30s))
      << one(r.get(), "SHOW SLAVE STATUS");
  ASSERT_TRUE(mariadb_query(r.get(), "STOP SLAVE SQL_THREAD", error)) << error;

  MysqlJobConfig config(mysql_job_control_yaml("host=127.0.0.1 port=" + std::to_string(primary->port()) + " user=" +
                                     kMariaDbNativeUser + " password=" + kMariaDbNativePassword + " dbname=app") +
                        migration_yaml("bf-lag", "bf_lag"));
  auto job = config.spawn("bf-lag", {"--max-lag-ms", "300", "--batch-rows", "100"}, error);
  ASSERT_TRUE(job) << error;
  const std::string want = "throttling: replica 127.0.0.1:" + std::to_string(replica->port()) + " lags more than 300 ms";
  ASSERT_TRUE(eventually([&] { return config.log().find(want) != std::string::npos; }, 30s)) << config.log();
  std::this_thread::sleep_for(2s);
  // Held: not a row written while the replica lags.
  EXPECT_EQ(one(p.get(), "SELECT COUNT(*) FROM app.bf_lag WHERE display_name IS NOT NULL"), "0");
  EXPECT_TRUE(job->running()) << config.log();
  const auto resumed_at = std::chrono::steady_clock::now();
  ASSERT_TRUE(mariadb_query(r.get(), "START SLAVE SQL_THREAD", error)) << error;
  ASSERT_TRUE(job->wait_exit(60s)) << config.log();
  const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - resumed_at);
  EXPECT_EQ(job->wait_status().value_or(-1), 0) << config.log();
  EXPECT_NE(config.log().find("--max-lag-ms: checking 1 replica(s): 127.0.0.1:" + std::to_string(replica->port())),
            std::string::npos)
      << config.log();
  EXPECT_EQ(one(p.get(), "SELECT COUNT(*) FROM app.bf_lag WHERE NOT (display_name <=> full_name)"), "0");
  EXPECT_TRUE(eventually([&] { return one(r.get(), "SELECT COUNT(*) FROM app.bf_lag WHERE display_name IS NULL") == "0"; },
                         30s));
  std::printf("held while the replica's SQL thread was stopped; done %lld ms after it started again\n",
              static_cast<long long>(took.count()));
}

// copy_table tb_legacy (id, name, accttype) -> tb_account (id, name, kind).
constexpr char kKindUp[] = "CASE accttype WHEN 'S' THEN 'savings' ELSE 'checking' END";

std::string copy_yaml(const std::string& phase) {
  return "migrations:\n  - name: tb-copy\n    copy_table:\n      from: tb_legacy\n      to: tb_account\n"
         "      columns: {name: name, kind: \"" + std::string(kKindUp) + "\"}\n"
         "      down: {accttype: \"CASE kind WHEN 'savings' THEN 'S' ELSE 'C' END\"}\n    phase: " + phase + "\n";
}

class MariaDbTableBackfill : public MariaDbBackfill {
 protected:
  std::string latest_deadlock() {
    std::string error;
    auto r = mariadb_query(direct_.get(), "SHOW ENGINE INNODB STATUS", error);
    if (!r || r->empty() || (*r)[0].size() < 3) return error;
    const std::string& status = (*r)[0][2];
    const size_t at = status.find("LATEST DETECTED DEADLOCK");
    return at == std::string::npos ? "" : status.substr(at, status.find("TRANSACTIONS\n", at) - at);
  }
  void forget_checkpoints(const std::string& migration) {
    std::string error;  // no checkpoint table yet is fine
    (void)mariadb_query(direct_.get(), "DELETE FROM switchyard.checkpoints WHERE migration = '" + migration + "'", error);
  }
  // The oracle, by hand: old rows whose new row is absent or not up(old), and new rows with no old row.
  std::string copy_differences() {
    return value("SELECT COUNT(*) FROM app.tb_legacy l LEFT JOIN app.tb_account a ON a.id = l.id WHERE a.id IS NULL OR "
                 "NOT (a.name <=> l.name AND a.kind <=> (" + std::string(kKindUp) + "))") + "/" +
           value("SELECT COUNT(*) FROM app.tb_account a WHERE NOT EXISTS (SELECT 1 FROM app.tb_legacy l WHERE l.id = a.id)");
  }
};

TEST_F(MariaDbTableBackfill, CopyTableUnderRacingWritersLeavesTheNewTableExactlyUpOfTheOld) {
  constexpr int kRows = 20000;
  run_all({"DROP TABLE IF EXISTS tb_legacy", "DROP TABLE IF EXISTS tb_account",
           "CREATE TABLE tb_legacy (id INT PRIMARY KEY, name VARCHAR(60), accttype CHAR(1)) ENGINE=InnoDB",
           "CREATE TABLE tb_account (id INT PRIMARY KEY, name VARCHAR(60), kind VARCHAR(10)) ENGINE=InnoDB",
           "INSERT INTO tb_legacy SELECT seq, CONCAT('acct ', seq), IF(seq % 3 = 0, 'S', 'C') FROM seq_1_to_" +
               std::to_string(kRows),
           // What an earlier phase left: a stale row, and rows whose old row was deleted unmirrored.
           "INSERT INTO tb_account VALUES (7, 'stale', 'savings'), (900001, 'orphan', 'checking'), (900002, NULL, NULL)",
           "ANALYZE TABLE tb_legacy"});
  forget_checkpoints("tb-copy");
  std::string error;
  auto proxy = start_mysql_proxy(mysql_job_control_yaml() + copy_yaml("dual_write"), error);
  ASSERT_NE(proxy, nullptr) << error;
  WriterRace race(login_to(target_of(*proxy), kMariaDbNativeUser, kMariaDbNativePassword), [](int w, int i, std::mt19937& rng) {
    const std::string k = std::to_string(1 + rng() % kRows);
    switch (i % 4) {
      case 0:
      case 1:
        return "UPDATE tb_legacy SET name = CONCAT('w', " + std::to_string(rng() % 1000) + "), accttype = IF(RAND() < 0.5, "
               "'S', 'C') WHERE id = " + k;
      case 2: return "DELETE FROM tb_legacy WHERE id = " + k;
      default:
        return "INSERT INTO tb_legacy (id, name, accttype) VALUES (" + std::to_string(1000000 * (w + 1) + i) + ", 'new', 'S')";
    }
  });
  MysqlJobConfig config(mysql_job_control_yaml() + copy_yaml("dual_write"));
  const CommandResult run = race.around([&] { return config.run("backfill", "tb-copy", {"--batch-rows", "250"}); });
  ASSERT_EQ(run.exit_code, 0) << run.describe();
  EXPECT_EQ(race.failures(), 0) << race.first_failure() << "\n" << latest_deadlock();
  EXPECT_EQ(copy_differences(), "0/0");
  const CommandResult verify = config.run("verify", "tb-copy", {"--chunk-rows", "3000"});
  EXPECT_EQ(verify.exit_code, 0) << verify.describe();
  EXPECT_NE(verify.out.find("0 mismatched, 0 missing in new, 0 extra in new"), std::string::npos) << verify.out;
  std::printf("%ld writes through the proxy raced the copy of %d rows: %s", race.writes(), kRows, run.out.c_str());

  // Behind the proxy's back: one new row changed, one gone, one with no old row.
  const std::string changed = value("SELECT MIN(id) FROM app.tb_legacy WHERE id >= 1200");
  const std::string gone = value("SELECT MIN(id) FROM app.tb_legacy WHERE id > " + changed);
  run_all({"UPDATE app.tb_account SET kind = 'planted' WHERE id = " + changed,
           "DELETE FROM app.tb_account WHERE id = " + gone, "INSERT INTO app.tb_account VALUES (950000, 'extra', NULL)"});
  const CommandResult dirty = config.run("verify", "tb-copy", {"--chunk-rows", "3000"});
  EXPECT_EQ(dirty.exit_code, 1) << dirty.describe();
  EXPECT_NE(dirty.out.find("1 mismatched, 1 missing in new, 1 extra in new"), std::string::npos) << dirty.out;
  EXPECT_NE(dirty.out.find("key '" + changed + "': expected '" + changed + "', "), std::string::npos) << dirty.out;
  EXPECT_NE(dirty.out.find("'planted'"), std::string::npos) << dirty.out;
  EXPECT_NE(dirty.out.find("key '" + gone + "': expected '" + gone + "', "), std::string::npos) << dirty.out;
  EXPECT_NE(dirty.out.find("found no row"), std::string::npos) << dirty.out;
  // The backfill puts it right again: the changed and the missing row rewritten, the extra one swept.
  const CommandResult again = config.run("backfill", "tb-copy", {"--batch-rows", "5000"});
  ASSERT_EQ(again.exit_code, 0) << again.describe();
  EXPECT_NE(again.out.find(", 3 rows written"), std::string::npos) << again.out;
  EXPECT_EQ(copy_differences(), "0/0");

  // verify --reverse: the old table against down(new row). down inverts up on 'S' and 'C', so
  // it is clean; then an old row changed, one gone and one the new table lacks.
  const CommandResult reverse = config.run("verify", "tb-copy", {"--reverse", "--chunk-rows", "3000"});
  EXPECT_EQ(reverse.exit_code, 0) << reverse.describe();
  EXPECT_NE(reverse.out.find("verify --reverse tb-copy: "), std::string::npos) << reverse.out;
  EXPECT_NE(reverse.out.find("0 mismatched, 0 missing in old, 0 extra in old"), std::string::npos) << reverse.out;
  const std::string odd = value("SELECT MIN(id) FROM app.tb_legacy WHERE id >= 5000");
  const std::string lost = value("SELECT MIN(id) FROM app.tb_legacy WHERE id > " + odd);
  run_all({"UPDATE app.tb_legacy SET accttype = 'X' WHERE id = " + odd, "DELETE FROM app.tb_legacy WHERE id = " + lost,
           "INSERT INTO app.tb_legacy VALUES (960000, 'old only', 'S')"});
  const CommandResult reverse_dirty = config.run("verify", "tb-copy", {"--reverse", "--chunk-rows", "3000"});
  EXPECT_EQ(reverse_dirty.exit_code, 1) << reverse_dirty.describe();
  EXPECT_NE(reverse_dirty.out.find("1 mismatched, 1 missing in old, 1 extra in old"), std::string::npos) << reverse_dirty.out;
  EXPECT_NE(reverse_dirty.out.find("key '" + odd + "': expected "), std::string::npos) << reverse_dirty.out;
  EXPECT_NE(reverse_dirty.out.find("'X'"), std::string::npos) << reverse_dirty.out;
}

TEST_F(MariaDbTableBackfill, RenameTableResumesAfterSigkillAndCopiesEveryColumn) {
  constexpr int kRows = 40000;
  run_all({"DROP TABLE IF EXISTS tb_inovices", "DROP TABLE IF EXISTS tb_invoices",
           "CREATE TABLE tb_inovices (id INT AUTO_INCREMENT PRIMARY KEY, total DECIMAL(10,2), note VARCHAR(40), "
           "issued DATETIME(6)) ENGINE=InnoDB",
           "INSERT INTO tb_inovices SELECT seq, seq / 7, IF(seq % 5 = 0, NULL, CONCAT('n', seq)), "
           "'2026-01-01' + INTERVAL seq SECOND FROM seq_1_to_" + std::to_string(kRows),
           "CREATE TABLE tb_invoices LIKE tb_inovices", "ANALYZE TABLE tb_inovices"});
  forget_checkpoints("tb-rename");
  MysqlJobConfig config(mysql_job_control_yaml() +
                        "migrations:\n  - name: tb-rename\n    rename_table: {from: tb_inovices, to: tb_invoices}\n"
                        "    phase: dual_write\n");
  std::string error;
  auto first = config.spawn("tb-rename", {"--batch-rows", "200", "--pause-ms", "20"}, error);
  ASSERT_TRUE(first) << error;
  ASSERT_TRUE(eventually([&] { return checkpoint_rows("tb-rename").size() && std::stol(checkpoint_rows("tb-rename")) >= 4000; },
                         60s))
      << config.log();
  first->stop(SIGKILL, 0ms);
  const long at_kill = std::stol(checkpoint_rows("tb-rename"));
  ASSERT_LT(at_kill, kRows) << "the backfill finished before it could be killed";
  EXPECT_EQ(value("SELECT COUNT(*) FROM app.tb_invoices"), std::to_string(at_kill));
  const CommandResult second = config.run("backfill", "tb-rename", {"--batch-rows", "3000"});
  ASSERT_EQ(second.exit_code, 0) << second.describe();
  EXPECT_NE(second.err.find("resuming backfill tb-rename from its checkpoint: stage copy, " + std::to_string(at_kill) +
                            " rows done"),
            std::string::npos)
      << second.err;
  EXPECT_NE(second.out.find(std::to_string(kRows) + " rows walked (" + std::to_string(kRows - at_kill) + " in this run), " +
                            std::to_string(kRows) + " rows written"),
            std::string::npos)
      << second.out;
  EXPECT_EQ(value("SELECT COUNT(*) FROM app.tb_inovices o LEFT JOIN app.tb_invoices n ON n.id = o.id WHERE n.id IS NULL "
                  "OR NOT (n.total <=> o.total AND n.note <=> o.note AND n.issued <=> o.issued)"),
            "0");
  EXPECT_EQ(value("SELECT COUNT(*) FROM app.tb_invoices"), std::to_string(kRows));
  const CommandResult verify = config.run("verify", "tb-rename");
  EXPECT_EQ(verify.exit_code, 0) << verify.describe();
  EXPECT_NE(verify.out.find(std::to_string(kRows) + " rows compared: " + std::to_string(kRows) + " matching"), std::string::npos)
      << verify.out;
  std::printf("killed at %ld of %d rows; the second run walked %ld\n", at_kill, kRows, kRows - at_kill);
}

}  // namespace
}  // namespace switchyard::test_support
