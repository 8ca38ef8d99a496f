// The MySQL relay under load and abuse, against a real MariaDB 10.11: LOAD DATA LOCAL INFILE of
// the client's file, a 64 MB BLOB both ways without the proxy holding it, KILL QUERY from
// another session, garbage that ends only its own session, a client killed mid-transaction,
// and sysbench oltp_read_write with prepared statements.
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <regex>
#include <thread>

#include "tests/integration/mariadb_relay_fixture.h"
#include "tests/support/mysql_raw_client.h"
#include "tests/support/net.h"
#include "tests/support/wait.h"

namespace switchyard::test_support {
namespace {

class MariaDbRelayStream : public MariaDbRelayFixture {};

// The peak resident memory of a process, in KiB (VmHWM), or 0.
long peak_rss_kib(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("VmHWM:", 0) == 0) return std::stol(line.substr(6));
  return 0;
}

TEST_F(MariaDbRelayStream, LoadDataLocalInfileOfTheClientsFile) {
  std::string error;
  auto dir = TempDir::create("switchyard-infile-", error);
  ASSERT_TRUE(dir) << error;
  std::string rows;
  for (int i = 0; i < 100000; ++i) rows += std::to_string(i) + "\trow " + std::to_string(i) + "\n";
  ASSERT_TRUE(write_file(dir->file("rows.tsv"), rows, error)) << error;
  const std::string script = "DROP TABLE IF EXISTS infile_t;\nCREATE TABLE infile_t (id INT PRIMARY KEY, v VARCHAR(30));\n"
                             "LOAD DATA LOCAL INFILE '" + dir->file("rows.tsv") + "' INTO TABLE infile_t;\n"
                             "SELECT COUNT(*), SUM(id), MAX(v) FROM infile_t;\nDROP TABLE infile_t;\n";
  const CommandResult cli = run_mariadb_cli(proxy(), kMariaDbNativeUser, kMariaDbNativePassword, script, {"--local-infile=1", "-N"});
  ASSERT_TRUE(cli.succeeded()) << cli.describe();
  EXPECT_EQ(cli.out, "100000\t4999950000\trow 99999\n");
  // A file the client does not have: the client's error, and the session goes on.
  const CommandResult missing = run_mariadb_cli(proxy(), kMariaDbNativeUser, kMariaDbNativePassword,
                                                "CREATE TEMPORARY TABLE t (a INT);\nLOAD DATA LOCAL INFILE '/no/such/file' INTO TABLE t;\nSELECT 'after';\n",
                                                {"--local-infile=1", "-N", "--force"});
  EXPECT_NE(missing.out.find("after"), std::string::npos) << missing.describe();
}

const char kBlobScript[] = R"py(
import sys, hashlib, os, pymysql
host, port = sys.argv[1], int(sys.argv[2])
c = pymysql.connect(host=host, port=port, user="native_user", password="native-secret", database="app",
                    max_allowed_packet=256 * 1024 * 1024, autocommit=True)
cur = c.cursor()
cur.execute("DROP TABLE IF EXISTS blob_t")
cur.execute("CREATE TABLE blob_t (id INT PRIMARY KEY, b LONGBLOB)")
data = os.urandom(64 * 1024 * 1024)
cur.execute("INSERT INTO blob_t VALUES (1, %s)", (data,))
cur.execute("SELECT b FROM blob_t WHERE id = 1")
back = cur.fetchone()[0]
print("same", back == data, len(back))
cur.execute("SELECT LENGTH(b), SHA2(b, 256) = %s FROM blob_t", (hashlib.sha256(data).hexdigest(),))
print("server", cur.fetchone())
cur.execute("DROP TABLE blob_t")
)py";

TEST_F(MariaDbRelayStream, A64MegabyteBlobBothWaysStreams) {
  MariaDbServer& s = shared_mariadb();
  std::string error;
  MariaDbConn root = connect_mariadb(socket_login(s.socket_path(), kMariaDbRoot), error);
  ASSERT_TRUE(root) << error;
  ASSERT_TRUE(mariadb_query(root.get(), "SET GLOBAL max_allowed_packet = 268435456", error)) << error;
  const CommandResult py = run_pymysql(proxy(), kBlobScript, 300s);
  ASSERT_TRUE(py.succeeded()) << py.describe();
  EXPECT_EQ(py.out, "same True 67108864\nserver (67108864, 1)\n");
  // The 64 MB went through in 32 KiB reads: the proxy never held it (nor a 16 MiB packet).
  const long peak = peak_rss_kib(proxy_process().pid());
  EXPECT_GT(peak, 0);
  EXPECT_LT(peak, 48 * 1024) << "peak resident memory of the proxy, KiB";
}

TEST_F(MariaDbRelayStream, KillQueryFromAnotherSessionReachesTheRightThread) {
  std::string error;
  MariaDbConn sleeper = connect_mariadb(login_to(proxy(), kMariaDbNativeUser, kMariaDbNativePassword), error);
  ASSERT_TRUE(sleeper) << error;
  const auto id = mariadb_query(sleeper.get(), "SELECT CONNECTION_ID()", error);
  ASSERT_TRUE(id) << error;
  std::optional<std::vector<std::vector<std::string>>> slept;
  std::string sleep_error;
  const auto begun = std::chrono::steady_clock::now();
  std::thread t([&] { slept = mariadb_query(sleeper.get(), "SELECT SLEEP(30)", sleep_error); });
  MariaDbConn killer = connect_mariadb(login_to(proxy(), kMariaDbEd25519User, kMariaDbEd25519Password), error);
  ASSERT_TRUE(killer) << error;
  // The thread id the client saw is the server's: the processlist shows it running SLEEP.
  const std::string running = "SELECT COUNT(*) FROM information_schema.processlist WHERE id = " + (*id)[0][0] + " AND info LIKE 'SELECT SLEEP%'";
  EXPECT_TRUE(eventually([&] {
    const auto n = mariadb_query(killer.get(), running, error);
    return n && (*n)[0][0] == "1";
  }, 10s, 50ms));
  ASSERT_TRUE(mariadb_query(killer.get(), "KILL QUERY " + (*id)[0][0], error)) << error;
  t.join();
  EXPECT_LT(std::chrono::steady_clock::now() - begun, 20s);
  // MariaDB 10.11 ends the interrupted statement with ERR 1317 (MySQL returns 1 from SLEEP).
  if (slept) EXPECT_EQ(*slept, (std::vector<std::vector<std::string>>{{"1"}}));
  else EXPECT_NE(sleep_error.find("ERROR 1317 (70100): Query execution was interrupted"), std::string::npos) << sleep_error;
  EXPECT_TRUE(mariadb_query(sleeper.get(), "SELECT 1", error)) << error;  // the session goes on
}

TEST_F(MariaDbRelayStream, GarbageFromAClientClosesOnlyThatSession) {
  std::string error;
  MariaDbConn bystander = connect_mariadb(login_to(proxy(), kMariaDbNativeUser, kMariaDbNativePassword), error);
  ASSERT_TRUE(bystander) << error;
  {
    // Garbage in the handshake response's place.
    MysqlRawClient raw(proxy().host, proxy().port);
    ASSERT_TRUE(raw.connected()) << raw.error();
    const auto greeting = raw.read();
    ASSERT_TRUE(greeting);
    ASSERT_TRUE(raw.send(1, "GET / HTTP/1.1\r\nHost: x\r\n\r\n"));
    const auto err = raw.read();
    ASSERT_TRUE(err);
    EXPECT_EQ(err->sequence_id, 2);
    EXPECT_EQ(static_cast<uint8_t>(err->payload[0]), 0xFF);
    EXPECT_FALSE(raw.read(2s));  // closed
  }
  {
    // An HTTP request where a MySQL client would answer the greeting: "GET" reads as a 5.5 MB
    // length, ' ' as sequence id 32.
    const int fd = connect_tcp(proxy().host, proxy().port, 5s, error);
    ASSERT_GE(fd, 0) << error;
    char buf[4096];
    ASSERT_GT(read(fd, buf, sizeof buf), 4);  // the greeting
    const std::string http = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";
    ASSERT_EQ(write(fd, http.data(), http.size()), static_cast<ssize_t>(http.size()));
    const ssize_t n = read(fd, buf, sizeof buf);
    ASSERT_GT(n, 5);
    EXPECT_EQ(static_cast<uint8_t>(buf[3]), 33);
    EXPECT_EQ(static_cast<uint8_t>(buf[4]), 0xFF);
    EXPECT_EQ(read(fd, buf, sizeof buf), 0);
    close(fd);
  }
  // After login: a command packet with a wrong sequence id, then an unknown command.
  for (const auto& [seq, payload] : {std::pair<uint8_t, std::string>{7, "\x03SELECT 1"}, {0, "\xEE garbage"}}) {
    MariaDbConn victim = connect_mariadb(login_to(proxy(), kMariaDbNativeUser, kMariaDbNativePassword), error);
    ASSERT_TRUE(victim) << error;
    const std::string packet = std::string{static_cast<char>(payload.size()), 0, 0, static_cast<char>(seq)} + payload;
    ASSERT_EQ(write(mysql_get_socket(victim.get()), packet.data(), packet.size()), static_cast<ssize_t>(packet.size()));
    char reply[512];
    const ssize_t n = read(mysql_get_socket(victim.get()), reply, sizeof reply);
    ASSERT_GT(n, 5);
    EXPECT_EQ(static_cast<uint8_t>(reply[3]), static_cast<uint8_t>(seq + 1));  // the ERR's sequence id
    EXPECT_EQ(static_cast<uint8_t>(reply[4]), 0xFF);
    EXPECT_EQ(read(mysql_get_socket(victim.get()), reply, sizeof reply), 0);  // then closed
  }
  EXPECT_TRUE(mariadb_query(bystander.get(), "SELECT 1", error)) << error;
  EXPECT_NE(proxy_process().log().find("got packets out of order"), std::string::npos);
}

const char kHoldTransaction[] = R"py(
import sys, time, pymysql
c = pymysql.connect(host=sys.argv[1], port=int(sys.argv[2]), user="native_user", password="native-secret", database="app")
cur = c.cursor()
cur.execute("CREATE TABLE IF NOT EXISTS killed_t (id INT PRIMARY KEY)")
cur.execute("BEGIN")
cur.execute("INSERT INTO killed_t VALUES (42)")
cur.execute("SELECT CONNECTION_ID()")
print(cur.fetchone()[0], flush=True)
time.sleep(120)
)py";

TEST_F(MariaDbRelayStream, AClientKilledMidTransactionLeavesNoServerThread) {
  std::string error;
  auto dir = TempDir::create("switchyard-killed-", error);
  ASSERT_TRUE(write_file(dir->file("hold.py"), kHoldTransaction, error)) << error;
  ChildSpec spec;
  spec.argv = {"/usr/bin/python3", dir->file("hold.py"), proxy().host, std::to_string(proxy().port)};
  spec.output_path = dir->file("out");
  auto child = ChildProcess::spawn(spec, error);
  ASSERT_TRUE(child) << error;
  ASSERT_TRUE(eventually([&] { return read_file(dir->file("out")).find('\n') != std::string::npos; }, 20s, 50ms))
      << read_file(dir->file("out"));
  const std::string id = read_file(dir->file("out")).substr(0, read_file(dir->file("out")).find('\n'));
  MariaDbConn root = connect_mariadb(socket_login(shared_mariadb().socket_path(), kMariaDbRoot), error);
  ASSERT_TRUE(root) << error;
  const std::string count = "SELECT COUNT(*) FROM information_schema.processlist WHERE id = " + id;
  EXPECT_EQ((*mariadb_query(root.get(), count, error))[0][0], "1");
  child->stop(SIGKILL, 0ms);
  EXPECT_TRUE(eventually([&] {
    const auto n = mariadb_query(root.get(), count, error);
    return n && (*n)[0][0] == "0";
  }, 10s, 50ms)) << "server thread " << id << " still there";
  EXPECT_EQ((*mariadb_query(root.get(), "SELECT COUNT(*) FROM app.killed_t", error))[0][0], "0");  // rolled back
  ASSERT_TRUE(mariadb_query(root.get(), "DROP TABLE app.killed_t", error)) << error;
}

TEST_F(MariaDbRelayStream, SysbenchOltpReadWriteWithPreparedStatementsHasNoErrors) {
  const MysqlTarget t = proxy();
  std::vector<std::string> common = {"/usr/bin/sysbench", "oltp_read_write", "--db-driver=mysql",
                                     "--mysql-host=" + t.host, "--mysql-port=" + std::to_string(t.port),
                                     "--mysql-user=native_user", "--mysql-password=native-secret", "--mysql-db=app",
                                     "--tables=2", "--table-size=2000", "--threads=4", "--db-ps-mode=auto", "--report-interval=0"};
  auto with = [&](std::vector<std::string> extra) {
    auto argv = common;
    argv.insert(argv.end(), extra.begin(), extra.end());
    return argv;
  };
  const CommandResult prepare = run_command(with({"cleanup"}), 60s);
  const CommandResult created = run_command(with({"prepare"}), 120s);
  ASSERT_TRUE(created.succeeded()) << created.describe();
  // One thread and no error ignored: any error at all fails sysbench. Then four threads, where
  // the server's own deadlock verdicts (1213, which sysbench retries) may come, but no reconnect.
  const CommandResult one = run_command(with({"--threads=1", "--time=3", "--mysql-ignore-errors=none", "run"}), 60s);
  ASSERT_TRUE(one.succeeded()) << one.describe();
  EXPECT_TRUE(std::regex_search(one.out, std::regex(R"(ignored errors: +0 )"))) << one.out;
  const CommandResult run = run_command(with({"--time=3", "run"}), 60s);
  ASSERT_TRUE(run.succeeded()) << run.describe();
  EXPECT_TRUE(std::regex_search(run.out, std::regex(R"(reconnects: +0 )"))) << run.out;
  for (const CommandResult* r : {&one, &run}) {
    const auto tps = r->out.find("transactions:");
    ASSERT_NE(tps, std::string::npos);
    std::printf("sysbench through switchyard: %s\n", r->out.substr(tps, r->out.find('\n', tps) - tps).c_str());
  }
  (void)prepare;
  EXPECT_TRUE(run_command(with({"cleanup"}), 60s).succeeded());
}

}  // namespace
}  // namespace switchyard::test_support
