// Real MySQL drivers the way applications use them (issue 13, Part 2, item 4): mysqlclient
// (MySQLdb), MariaDB Connector/J, Ruby mysql2 and Node mysql2 each run the same script
// (tests/integration/drivers/mysql/script.txt: DDL, every common type, server-side prepared
// statements, a rolled-back transaction, errors with their code and SQLSTATE, multi-statements)
// directly against MariaDB and through switchyard (`protocol: mysql`); the two transcripts must
// be equal but for thread ids. Then each driver holds one connection in a loop, as a pool does,
// while switchyard reloads its config (POST /reload and SIGHUP), and nothing breaks.
#include <gtest/gtest.h>
#include <signal.h>

#include <atomic>
#include <map>
#include <mutex>
#include <thread>

#include "tests/integration/mariadb_relay_fixture.h"
#include "tests/support/admin_probe.h"
#include "tests/support/http_client.h"
#include "tests/support/mariadb_connection.h"
#include "tests/support/mariadb_environment.h"
#include "tests/support/mysql_driver_client.h"
#include "tests/support/net.h"
#include "tests/support/proxy_process.h"
#include "tests/support/temp_dir.h"
#include "tests/support/wait.h"

namespace switchyard::test_support {
namespace {

MysqlDriverLogin login_at(const Endpoint& server) {
  return {server, kMariaDbNativeUser, kMariaDbNativePassword, kMariaDbAppDatabase};
}

Endpoint direct_endpoint() {
  MariaDbServer& s = shared_mariadb();
  return {s.host(), s.port()};
}

// One switchyard in front of the shared MariaDB for a suite, with an admin server.
class MysqlRelay {
 public:
  void start() {
    admin_port_ = pick_free_port();
    std::string error;
    proxy_ = ProxyProcess::start(direct_endpoint(),
                                 "protocol: mysql\nadmin: {listen: 127.0.0.1:" + std::to_string(admin_port_) + "}\n", error);
    ASSERT_TRUE(proxy_) << error;
  }
  void stop() { proxy_.reset(); }
  ProxyProcess& process() { return *proxy_; }
  int admin_port() const { return admin_port_; }
  explicit operator bool() const { return proxy_ != nullptr; }

 private:
  std::unique_ptr<ProxyProcess> proxy_;
  int admin_port_ = 0;
};

// What the script must have shown, directly, for the comparison to mean anything: the driver
// got through every kind of step, and its values survived. Each snippet is whole lines.
void expect_script_facts(MysqlDriver driver, const std::string& t) {
  const std::string snippets[] = {
      "thread N greeting=same\n",
      "error 1062 23000: Duplicate entry '1' for key 'PRIMARY'\n> execute INSERT",  // text protocol
      "error 1062 23000: Duplicate entry '2' for key 'PRIMARY'\n",                  // prepared
      "\nerror 1064 42000: You have an error in your SQL syntax",
      "columns in_transaction\nrow 5\nrows 1\n",
      "columns after_rollback\nrow 4\nrows 1\n",
      " | héllo wörld 😀 日本 | two\\nlines | x'00FF10' | ",
      "row 1 | updated 🚀 | 9 | 12\nrow 10 | updated 🚀 | 9 | 12\nrows 2\n",
      "\nrow len=1000000 md5=174ac9a4f023a557a68ab0417355970e | 174ac9a4f023a557a68ab0417355970e\n",
      // every result of a multi-statement string, and its error after a first result
      "columns a\nrow 1\nrows 1\ncolumns b, c\nrow two | 2.5\nrows 1\nok affected=1\ncolumns n\nrow 8\nrows 1\n",
      "columns after_multi\nrow 4\nrows 1\n",
      std::string("columns server_prepared\nrow ") + (prepares_on_server(driver) ? "1" : "0") + "\n",
  };
  for (const std::string& snippet : snippets)
    EXPECT_NE(t.find(snippet), std::string::npos) << to_string(driver) << ": no\n" << snippet << "\nin\n" << t;
}

class MariaDbDrivers : public ::testing::TestWithParam<MysqlDriver> {
 protected:
  static void TearDownTestSuite() {
    relay_.stop();
    direct_.clear();
  }
  void TearDown() override {
    if (HasFailure() && relay_) std::fprintf(stderr, "--- switchyard log ---\n%s\n", relay_.process().log().c_str());
  }
  // The suite's switchyard, started by the first test that needs it (on the main thread).
  static void need_relay() {
    if (!relay_) {
      ASSERT_NO_FATAL_FAILURE(relay_.start());
    }
  }
  // The driver's transcript directly against MariaDB, read once for the suite.
  static void direct_transcript(MysqlDriver driver, std::string& transcript) {
    if (!direct_.count(driver)) {
      std::string error;
      std::string t = mysql_driver_transcript(driver, login_at(direct_endpoint()), error);
      ASSERT_TRUE(error.empty()) << error;
      direct_[driver] = std::move(t);
    }
    transcript = direct_[driver];
  }
  static MysqlRelay relay_;
  static std::map<MysqlDriver, std::string> direct_;
};
MysqlRelay MariaDbDrivers::relay_;
std::map<MysqlDriver, std::string> MariaDbDrivers::direct_;

TEST_P(MariaDbDrivers, DirectTranscriptShowsEveryStep) {
  std::string direct;
  ASSERT_NO_FATAL_FAILURE(direct_transcript(GetParam(), direct));
  expect_script_facts(GetParam(), direct);
}

TEST_P(MariaDbDrivers, TranscriptThroughSwitchyardEqualsDirect) {
  std::string direct;
  ASSERT_NO_FATAL_FAILURE(direct_transcript(GetParam(), direct));
  ASSERT_NO_FATAL_FAILURE(need_relay());
  std::string error;
  const std::string proxied = mysql_driver_transcript(GetParam(), login_at(relay_.process().endpoint()), error);
  ASSERT_TRUE(error.empty()) << error;
  EXPECT_EQ(proxied, direct);
}

// A pool-like session: one connection, statements prepared once and re-used, round after
// round, while another thread reloads switchyard's config ten times (POST /reload and SIGHUP by
// turns); one transaction is held open across two more. Every round must succeed on the same
// server thread, and new sessions must still be served.
TEST_P(MariaDbDrivers, LongSessionSurvivesReloads) {
  ASSERT_NO_FATAL_FAILURE(need_relay());
  std::string error;
  auto client = start_mysql_driver(GetParam(), login_at(relay_.process().endpoint()), error);
  ASSERT_TRUE(client) << error;
  std::string first;
  ASSERT_EQ(client->ask("round", first), "");
  ASSERT_EQ(first.rfind("ok ", 0), 0u) << first;

  const auto reloads_ok = [&] {
    const HttpResponse m = http_request(relay_.admin_port(), "GET", "/metrics");
    return metric_sum(m.body, "switchyard_reloads_total{result=\"ok\"}").value_or(0);
  };
  const double reloads_before = reloads_ok();
  constexpr int kReloads = 10;
  std::atomic<int> sent{0};
  std::atomic<bool> failed{false};
  // One reload at a time, each waited for until it is counted: requests that arrive during a
  // reload share the next one (proxy/server.h), and every reload here must count.
  std::mutex reload_mu;
  const auto reload_once = [&](bool post) {
    std::lock_guard lock(reload_mu);
    const double before = reloads_ok();
    const bool asked = post ? http_request(relay_.admin_port(), "POST", "/reload").status == 200
                            : kill(relay_.process().pid(), SIGHUP) == 0;
    return asked && eventually([&] { return reloads_ok() >= before + 1; }, 20s);
  };
  std::thread reloader([&] {
    for (int i = 0; i < kReloads; ++i) {
      if (!reload_once(i % 2 == 0)) failed = true;
      ++sent;
    }
  });
  int rounds = 0;
  std::string answer;
  const auto ask = [&](const std::string& command) {
    const std::string e = client->ask(command, answer);
    if (e.empty() && answer.rfind("ok", 0) == 0) return true;
    ADD_FAILURE() << command << " after " << rounds << " rounds: " << e << answer;
    return false;
  };
  const auto deadline = std::chrono::steady_clock::now() + 60s;
  while ((sent < kReloads || rounds < 20) && std::chrono::steady_clock::now() < deadline) {
    if (rounds == 5) {
      // A transaction held open while switchyard reloads twice (this thread's own POST and
      // SIGHUP, besides the reloader's), then committed.
      if (!ask("begin")) break;
      EXPECT_TRUE(reload_once(true)) << "a POST /reload was not answered 200 or not counted";
      EXPECT_TRUE(reload_once(false)) << "a SIGHUP was not sent or its reload not counted";
      if (!ask("commit")) break;
    }
    if (!ask("round")) break;
    EXPECT_EQ(answer, first) << "round " << rounds << " ran on another server thread";
    ++rounds;
  }
  reloader.join();
  EXPECT_FALSE(failed) << "a POST /reload was not answered 200, a SIGHUP not sent, or a reload not counted";
  EXPECT_GE(rounds, 20);
  EXPECT_TRUE(eventually([&] { return reloads_ok() >= reloads_before + kReloads + 2; }, 20s))
      << "reloads counted: " << reloads_ok() - reloads_before << " of " << kReloads + 2;
  ASSERT_EQ(client->ask("round", answer), "");
  EXPECT_EQ(answer, first) << "after the reloads";
  // A new session is served by the reloaded switchyard.
  MariaDbLogin fresh;
  fresh.host = relay_.process().endpoint().host;
  fresh.port = relay_.process().endpoint().port;
  fresh.user = kMariaDbNativeUser;
  fresh.password = kMariaDbNativePassword;
  MariaDbConn conn = connect_mariadb(fresh, error);
  ASSERT_TRUE(conn) << error;
  const auto rows = mariadb_query(conn.get(), "SELECT 40 + 2", error);
  ASSERT_TRUE(rows) << error;
  EXPECT_EQ(*rows, (std::vector<std::vector<std::string>>{{"42"}}));
}

// A pooled session through a column migration's whole life: the driver's connection (and its
// server-side prepared statements, prepared once while no migration existed) stays open while
// switchyard is reloaded into dual_write, read_new and new_only for v -> v2 of the driver's
// table. Each round (a prepared INSERT, its read-back, CONNECTION_ID()) must succeed on the same
// server thread, and the rows must show each phase's writes: both columns equal in dual_write
// and read_new, only v2 in new_only; the driver's statements are prepared again by switchyard.
TEST_P(MariaDbDrivers, PooledSessionFollowsAMigrationThroughEveryPhase) {
  MariaDbServer& server = shared_mariadb();
  std::string error;
  auto proxy = ProxyProcess::start(direct_endpoint(), "protocol: mysql\nlog: {level: debug}\n", error);
  ASSERT_TRUE(proxy) << error;
  const std::string base = read_file(proxy->config_path());
  auto client = start_mysql_driver(GetParam(), login_at(proxy->endpoint()), error);
  ASSERT_TRUE(client) << error;
  std::string first, answer;
  ASSERT_EQ(client->ask("round", first), "");  // creates the table, prepares the statements
  ASSERT_EQ(first.rfind("ok ", 0), 0u) << first;
  const std::string table = std::string("drv_") + to_string(GetParam()) + "_pool";
  MariaDbConn direct = connect_mariadb(tcp_login(server, kMariaDbNativeUser, kMariaDbNativePassword), error);
  ASSERT_TRUE(direct) << error;
  // expand and backfill, as switchyard's jobs would
  for (const std::string& sql : {std::string("USE app"), "ALTER TABLE " + table + " ADD COLUMN v2 VARCHAR(40) NULL",
                                 "UPDATE " + table + " SET v2 = v"})
    ASSERT_TRUE(mariadb_query(direct.get(), sql, error)) << sql << ": " << error;
  int generation = 1;
  const auto phase = [&](const std::string& name) {
    ASSERT_TRUE(reload_with(*proxy, base + mariadb_control_yaml("app") + "migrations:\n  - name: drv\n    table: " + table +
                                         "\n    rename_column: {from: v, to: v2}\n    phase: " + name + "\n",
                            ++generation));
  };
  const auto rounds = [&](const std::string& label) {
    for (int i = 0; i < 3; ++i) {
      ASSERT_EQ(client->ask("round", answer), "") << label;
      EXPECT_EQ(answer, first) << label << ": " << answer << "\n" << proxy->log();
    }
  };
  const auto count = [&](const std::string& where) {
    std::string e;
    const auto rows = mariadb_query(direct.get(), "SELECT COUNT(*) FROM " + table + " WHERE " + where, e);
    return rows ? (*rows)[0][0] : e;
  };
  ASSERT_NO_FATAL_FAILURE(phase("dual_write"));
  ASSERT_NO_FATAL_FAILURE(rounds("dual_write"));
  EXPECT_EQ(count("NOT (v <=> v2)"), "0") << "dual_write left the columns apart";
  EXPECT_EQ(count("id > 0"), "4");
  ASSERT_NO_FATAL_FAILURE(phase("read_new"));
  ASSERT_NO_FATAL_FAILURE(rounds("read_new"));
  EXPECT_EQ(count("NOT (v <=> v2)"), "0") << "read_new left the columns apart";
  ASSERT_NO_FATAL_FAILURE(phase("new_only"));
  ASSERT_NO_FATAL_FAILURE(rounds("new_only"));
  EXPECT_EQ(count("v IS NULL AND v2 IS NOT NULL"), "3") << "new_only writes the new column only";
  EXPECT_EQ(count("id > 0"), "10");
  // The driver's server-side statements were prepared again by switchyard (debug log), never by the driver.
  size_t reprepared = 0;
  const std::string log = proxy->log();
  for (size_t at = log.find("prepared again"); at != std::string::npos; at = log.find("prepared again", at + 1)) ++reprepared;
  if (prepares_on_server(GetParam())) {
    EXPECT_GE(reprepared, 2u);
  }
}

INSTANTIATE_TEST_SUITE_P(Drivers, MariaDbDrivers, ::testing::ValuesIn(kMysqlDrivers),
                         [](const ::testing::TestParamInfo<MysqlDriver>& p) { return std::string(to_string(p.param)); });

}  // namespace
}  // namespace switchyard::test_support
