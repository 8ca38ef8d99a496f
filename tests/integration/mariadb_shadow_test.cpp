// Shadow reads under protocol: mysql, against the shared MariaDB: the executor's MySQL backend
// (proxy/mysql_shadow_connection.h) on its own, then through switchyard with a rename_column in
// phase shadow, every read sampled. Shapes that agree count as matches; a row made to differ
// directly in the database (bypassing the proxy) is a confirmed mismatch, logged with both
// values, while the client is still served the old shape; NULL is not ''; the session's
// ANSI_QUOTES is followed by the shadow connection; an unreachable or unusable control counts
// errors and never fails a client.
#include <mysql.h>

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>

#include "config/config.h"
#include "proxy/metrics.h"
#include "proxy/shadow.h"
#include "tests/integration/mariadb_relay_fixture.h"
#include "tests/support/admin_probe.h"
#include "tests/support/http_client.h"
#include "tests/support/net.h"
#include "tests/support/wait.h"

namespace switchyard::test_support {
namespace {

using Rows = std::vector<std::vector<std::string>>;

constexpr char kMigration[] = "shadow_users_display_name";

MariaDbConn connect_direct(std::string& error) {
  return connect_mariadb(login_to(direct_target(), kMariaDbNativeUser, kMariaDbNativePassword), error);
}

void direct_sql(const std::string& sql, bool as_root = false) {
  std::string error;
  MariaDbConn c = as_root ? connect_mariadb(socket_login(shared_mariadb().socket_path(), kMariaDbRoot), error)
                          : connect_direct(error);
  ASSERT_TRUE(c) << error;
  ASSERT_TRUE(mariadb_query(c.get(), sql, error)) << sql << ": " << error;
}

// `user`'s control string to the shared MariaDB, database app.
std::string control_of(const std::string& user, const std::string& password) {
  MariaDbServer& s = shared_mariadb();
  return "host=" + s.host() + " port=" + std::to_string(s.port()) + " user=" + user + " password=" + password +
         " dbname=" + kMariaDbAppDatabase;
}

// `table` with ids 1..20 whose old and new columns agree, 21 NULL in both, 22 '' in both.
void create_users(const std::string& table) {
  direct_sql("DROP TABLE IF EXISTS " + table);
  direct_sql("CREATE TABLE " + table + " (id INT PRIMARY KEY, full_name VARCHAR(100), display_name VARCHAR(100))");
  std::string insert = "INSERT INTO " + table + " VALUES (21, NULL, NULL), (22, '', '')";
  for (int i = 1; i <= 20; ++i) insert += ", (" + std::to_string(i) + ", 'user " + std::to_string(i) + "', 'user " + std::to_string(i) + "')";
  direct_sql(insert);
}

// --- the executor's MySQL backend, without a proxy ---------------------------------------------

class MariaDbShadowExecutor : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string error;
    dir_ = TempDir::create("mariadb-shadow-", error);
    ASSERT_TRUE(dir_) << error;
    config_.log = dir_->file("mismatches.jsonl");
    config_.timeout_ms = 10000;
  }
  void start(const std::string& control) {
    executor_ = std::make_unique<proxy::ShadowExecutor>(config_, control, metrics_, config::Protocol::kMysql);
    std::string error;
    ASSERT_TRUE(executor_->start(error)) << error;
  }
  void submit_and_wait(const std::string& served, const std::string& other) {
    proxy::ShadowRead read;
    read.migration = kMigration;
    read.fingerprint = served;
    read.served_sql = served;
    read.other_sql = other;
    ASSERT_TRUE(executor_->submit(std::move(read)));
    ASSERT_TRUE(executor_->wait_idle(30s));
  }
  proxy::MigrationMetrics& m() { return metrics_.migration(kMigration); }
  // match / mismatch / transient / error
  std::string counts() {
    return std::to_string(m().shadow_match) + "/" + std::to_string(m().shadow_mismatch) + "/" +
           std::to_string(m().shadow_transient) + "/" + std::to_string(m().shadow_error);
  }

  std::unique_ptr<TempDir> dir_;
  config::ShadowConfig config_;
  proxy::Metrics metrics_;
  std::unique_ptr<proxy::ShadowExecutor> executor_;  // last: stopped before the rest goes
};

TEST_F(MariaDbShadowExecutor, AgreeingReadsMatchAndNullIsNotTheEmptyString) {
  create_users("shadow_exec_users");
  ASSERT_NO_FATAL_FAILURE(start(control_of(kMariaDbNativeUser, kMariaDbNativePassword)));
  submit_and_wait("SELECT full_name FROM shadow_exec_users WHERE id = 3", "SELECT display_name FROM shadow_exec_users WHERE id = 3");
  submit_and_wait("SELECT id, full_name FROM shadow_exec_users", "SELECT id, display_name FROM shadow_exec_users");
  submit_and_wait("SELECT full_name FROM shadow_exec_users WHERE id = 21", "SELECT display_name FROM shadow_exec_users WHERE id = 21");
  EXPECT_EQ(counts(), "3/0/0/0");
  EXPECT_EQ(m().shadow_old_seconds.snapshot().count, 3u);
  EXPECT_EQ(m().shadow_new_seconds.snapshot().count, 3u);
  // NULL on one side, '' on the other.
  submit_and_wait("SELECT full_name FROM shadow_exec_users WHERE id = 21", "SELECT display_name FROM shadow_exec_users WHERE id = 22");
  EXPECT_EQ(counts(), "3/1/0/0");
  // A failing side is an error, and the connection goes on.
  submit_and_wait("SELECT no_such_column FROM shadow_exec_users", "SELECT display_name FROM shadow_exec_users");
  submit_and_wait("SELECT full_name FROM shadow_exec_users WHERE id = 5", "SELECT display_name FROM shadow_exec_users WHERE id = 5");
  EXPECT_EQ(counts(), "4/1/0/1");
  const std::string log = read_file(config_.log);
  EXPECT_NE(log.find("\"migration\":\"shadow_users_display_name\""), std::string::npos) << log;
}

TEST_F(MariaDbShadowExecutor, EachStatementIsBoundedByTheServer) {
  config_.timeout_ms = 500;
  ASSERT_NO_FATAL_FAILURE(start(control_of(kMariaDbNativeUser, kMariaDbNativePassword)));
  const auto started = std::chrono::steady_clock::now();
  submit_and_wait("SELECT SLEEP(5) FROM DUAL WHERE 1 = 1", "SELECT 0");
  EXPECT_LT(std::chrono::steady_clock::now() - started, 4s) << counts();
  EXPECT_EQ(counts(), "0/0/0/1") << "interrupted by max_statement_time: an error";
  // The connection is usable afterwards.
  submit_and_wait("SELECT 1", "SELECT 1");
  EXPECT_EQ(m().shadow_match, 1u) << counts();
}

TEST_F(MariaDbShadowExecutor, AnUnreachableControlCountsErrorsAndStopsPromptly) {
  ASSERT_NO_FATAL_FAILURE(start("host=127.0.0.1 port=" + std::to_string(pick_free_port()) + " user=nobody password=x dbname=app"));
  for (int i = 0; i < 3; ++i) submit_and_wait("SELECT 1", "SELECT 1");
  EXPECT_EQ(counts(), "0/0/0/3");
  const auto started = std::chrono::steady_clock::now();
  executor_->stop();
  EXPECT_LT(std::chrono::steady_clock::now() - started, 3s);
}

// --- through switchyard ---------------------------------------------------------------------

class MariaDbShadowProxy : public ::testing::Test {
 protected:
  void start(const std::string& table, const std::string& control) {
    std::string error;
    dir_ = TempDir::create("mariadb-shadow-proxy-", error);
    ASSERT_TRUE(dir_) << error;
    log_path_ = dir_->file("shadow.jsonl");
    admin_ = pick_free_port();
    proxy_ = start_mysql_proxy("control: \"" + control + "\"\nadmin: {listen: 127.0.0.1:" + std::to_string(admin_) +
                                   "}\nshadow: {log: " + log_path_ + "}\nmigrations:\n  - name: " + kMigration +
                                   "\n    table: " + table +
                                   "\n    rename_column: {from: full_name, to: display_name}\n    phase: shadow\n"
                                   "    shadow: {sample_percent: 100}\n",
                               error);
    ASSERT_TRUE(proxy_) << error;
    client_ = connect_mariadb(login_to(target_of(*proxy_), kMariaDbNativeUser, kMariaDbNativePassword), error);
    ASSERT_TRUE(client_) << error;
  }
  Rows query(const std::string& sql) {
    std::string error;
    auto rows = mariadb_query(client_.get(), sql, error);
    EXPECT_TRUE(rows) << sql << ": " << error;
    return rows.value_or(Rows{});
  }
  double shadow(const std::string& result) {
    const std::string m = http_request(admin_, "GET", "/metrics").body;
    return metric_sum(m, "switchyard_shadow_reads_total{migration=\"" + std::string(kMigration) + "\",result=\"" + result +
                             "\"}")
        .value_or(-1);
  }
  // Waits until the counts of match, mismatch and error are these.
  ::testing::AssertionResult counts_become(double match, double mismatch, double error) {
    std::string seen;
    if (eventually(
            [&] {
              seen = std::to_string(shadow("match")) + "/" + std::to_string(shadow("mismatch")) + "/" +
                     std::to_string(shadow("error"));
              return shadow("match") == match && shadow("mismatch") == mismatch && shadow("error") == error;
            },
            15s))
      return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure() << "match/mismatch/error " << seen << "; the proxy's log:\n" << proxy_->log();
  }

  std::unique_ptr<TempDir> dir_;
  std::string log_path_;
  int admin_ = 0;
  std::unique_ptr<ProxyProcess> proxy_;
  MariaDbConn client_;
};

TEST_F(MariaDbShadowProxy, AgreeingShapesMatchAndADivergedRowIsAConfirmedMismatch) {
  create_users("shadow_proxy_users");
  ASSERT_NO_FATAL_FAILURE(start("shadow_proxy_users", control_of(kMariaDbNativeUser, kMariaDbNativePassword)));
  for (int id = 1; id <= 5; ++id)
    EXPECT_EQ(query("SELECT full_name FROM shadow_proxy_users WHERE id = " + std::to_string(id)),
              (Rows{{"user " + std::to_string(id)}}));
  EXPECT_EQ(query("SELECT id, full_name FROM shadow_proxy_users ORDER BY id").size(), 22u);
  // The session's ANSI_QUOTES: "..." are identifiers, on the shadow connection too.
  query("SET SESSION sql_mode = CONCAT(@@SESSION.sql_mode, ',ANSI_QUOTES')");
  EXPECT_EQ(query("SELECT \"full_name\" FROM \"shadow_proxy_users\" WHERE \"id\" = 4"), (Rows{{"user 4"}}));
  query("SET SESSION sql_mode = REPLACE(@@SESSION.sql_mode, 'ANSI_QUOTES', '')");
  ASSERT_TRUE(counts_become(7, 0, 0));

  // The new column differs for one row, written past the proxy: the client still reads the old
  // shape, and the read is a confirmed mismatch, logged with both values.
  direct_sql("UPDATE shadow_proxy_users SET display_name = 'diverged' WHERE id = 3");
  EXPECT_EQ(query("SELECT full_name FROM shadow_proxy_users WHERE id = 3"), (Rows{{"user 3"}}));
  ASSERT_TRUE(counts_become(7, 1, 0));
  // NULL (old) against '' (new) is a difference too.
  direct_sql("UPDATE shadow_proxy_users SET display_name = '' WHERE id = 21");
  EXPECT_EQ(query("SELECT full_name FROM shadow_proxy_users WHERE id = 21"), (Rows{{"NULL"}}));
  ASSERT_TRUE(counts_become(7, 2, 0));
  const std::string lines = read_file(log_path_);
  EXPECT_NE(lines.find(std::string("\"migration\":\"") + kMigration + "\""), std::string::npos) << lines;
  EXPECT_NE(lines.find("diverged"), std::string::npos) << lines;
  EXPECT_NE(lines.find("user 3"), std::string::npos) << lines;
  size_t n = 0;
  for (char ch : lines) n += ch == '\n';
  EXPECT_EQ(n, 2u) << lines;
  // Writes are not shadowed, and still go through.
  query("UPDATE shadow_proxy_users SET full_name = 'renamed' WHERE id = 7");
  EXPECT_EQ(query("SELECT full_name FROM shadow_proxy_users WHERE id = 7"), (Rows{{"renamed"}}));
  ASSERT_TRUE(counts_become(8, 2, 0));
}

TEST_F(MariaDbShadowProxy, AnUnusableControlCountsErrorsAndClientsAreServed) {
  create_users("shadow_gone_users");
  // The schema is loaded over this user at start-up; the shadow connection opens only at the
  // first sampled read, by which time the user is gone.
  direct_sql("DROP USER IF EXISTS 'shadow_gone'@'%'", true);
  direct_sql("CREATE USER 'shadow_gone'@'%' IDENTIFIED BY 'gone-secret'", true);
  direct_sql("GRANT ALL PRIVILEGES ON *.* TO 'shadow_gone'@'%'", true);
  ASSERT_NO_FATAL_FAILURE(start("shadow_gone_users", control_of("shadow_gone", "gone-secret")));
  direct_sql("DROP USER 'shadow_gone'@'%'", true);
  for (int id = 1; id <= 3; ++id)
    EXPECT_EQ(query("SELECT full_name FROM shadow_gone_users WHERE id = " + std::to_string(id)),
              (Rows{{"user " + std::to_string(id)}}));
  ASSERT_TRUE(counts_become(0, 0, 3));
  EXPECT_EQ(query("SELECT count(full_name) FROM shadow_gone_users"), (Rows{{"21"}}));
  ASSERT_TRUE(counts_become(0, 0, 4));
}

}  // namespace
}  // namespace switchyard::test_support
