// The MySQL relay (proxy/mysql_session.h) in front of a real MariaDB 10.11: the mariadb CLI,
// PyMySQL and Connector/C see through switchyard what they see from the server itself, with
// each authentication plugin, and the commands a session may send.
#include <gtest/gtest.h>

#include "tests/integration/mariadb_relay_fixture.h"
#include "tests/support/wait.h"

namespace switchyard::test_support {
namespace {

class MariaDbRelay : public MariaDbRelayFixture {};

// A scripted session: DDL, DML, a multi-statement batch, a procedure returning several result
// sets, an error the CLI goes on after (--force), warnings, NULLs, binary and UTF-8 text.
const char kCliScript[] = R"sql(
DROP TABLE IF EXISTS cli_t;
DROP PROCEDURE IF EXISTS cli_p;
CREATE TABLE cli_t (id INT PRIMARY KEY, name VARCHAR(40), note TEXT, price DECIMAL(10,2), b VARBINARY(8));
INSERT INTO cli_t VALUES (1, 'one', NULL, 1.50, 0x00ff), (2, 'zwei ü', 'x', 2.25, NULL), (3, 'three', 'tab	here', NULL, 0x41);
SELECT * FROM cli_t ORDER BY id;
SELECT COUNT(*), SUM(price) FROM cli_t;
UPDATE cli_t SET note = 'updated' WHERE id > 1;
SELECT ROW_COUNT();
DELIMITER //
CREATE PROCEDURE cli_p() BEGIN SELECT id FROM cli_t ORDER BY id; SELECT name FROM cli_t ORDER BY id DESC; END //
DELIMITER ;
CALL cli_p();
SELECT no_such_column FROM cli_t;
INSERT INTO cli_t VALUES (1, 'dup', NULL, NULL, NULL);
SELECT CAST('abc' AS INT);
SHOW WARNINGS;
SELECT 1; SELECT 2, 'two';
BEGIN; DELETE FROM cli_t WHERE id = 3; ROLLBACK;
SELECT id FROM cli_t ORDER BY id;
SELECT REPEAT('x', 100000) = REPEAT('x', 100000) AS long_text;
DROP PROCEDURE cli_p;
DROP TABLE cli_t;
)sql";

TEST_F(MariaDbRelay, CliSessionEqualsDirectOne) {
  const CommandResult direct = run_mariadb_cli(direct_target(), kMariaDbNativeUser, kMariaDbNativePassword, kCliScript, {"--force", "-vvv"});
  const CommandResult relayed = run_mariadb_cli(proxy(), kMariaDbNativeUser, kMariaDbNativePassword, kCliScript, {"--force", "-vvv"});
  EXPECT_NE(direct.err.find("ERROR 1062 (23000)"), std::string::npos) << direct.describe();  // --force went on
  EXPECT_EQ(relayed.exit_code, direct.exit_code) << relayed.describe();
  EXPECT_NE(direct.out.find("zwei ü"), std::string::npos) << direct.out;
  // -vvv prints timings ("(0.001 sec)"): compare without them.
  const auto strip = [](std::string s) {
    std::string out;
    size_t pos = 0;
    for (size_t open; (open = s.find(" (", pos)) != std::string::npos;) {
      const size_t close = s.find(" sec)", open);
      if (close == std::string::npos || s.find('\n', open) < close) {
        out.append(s, pos, open + 2 - pos);
        pos = open + 2;
        continue;
      }
      out.append(s, pos, open - pos);
      pos = close + 5;
    }
    return out + s.substr(pos);
  };
  EXPECT_EQ(strip(relayed.out), strip(direct.out));
  EXPECT_EQ(relayed.err, direct.err);
}

TEST_F(MariaDbRelay, EachPluginLogsInAndAWrongPasswordGetsTheServers1045) {
  for (const auto& [user, password] : {std::pair{kMariaDbNativeUser, kMariaDbNativePassword},
                                       std::pair{kMariaDbEd25519User, kMariaDbEd25519Password}}) {
    const CommandResult cli = run_mariadb_cli(proxy(), user, password, "SELECT CURRENT_USER();\n", {"-N"});
    ASSERT_TRUE(cli.succeeded()) << cli.describe();
    EXPECT_EQ(cli.out, std::string(user) + "@%\n");
    std::string error;
    MariaDbConn conn = connect_mariadb(login_to(proxy(), user, password), error);
    ASSERT_TRUE(conn) << error;
    EXPECT_FALSE(connect_mariadb(login_to(proxy(), user, "wrong"), error));
    EXPECT_NE(error.find("ERROR 1045 (28000): Access denied for user '" + std::string(user) + "'"), std::string::npos) << error;
  }
  const CommandResult wrong = run_mariadb_cli(proxy(), kMariaDbEd25519User, "nope", "SELECT 1;\n");
  EXPECT_EQ(wrong.exit_code, 1);
  EXPECT_NE(wrong.err.find("ERROR 1045 (28000)"), std::string::npos) << wrong.describe();
}

const char kPyMySqlScript[] = R"py(
import sys, pymysql
from pymysql.constants import CLIENT
host, port = sys.argv[1], int(sys.argv[2])
c = pymysql.connect(host=host, port=port, user="native_user", password="native-secret", database="app",
                    client_flag=CLIENT.MULTI_STATEMENTS, autocommit=False)
cur = c.cursor()
cur.execute("DROP TABLE IF EXISTS py_t; CREATE TABLE py_t (id INT PRIMARY KEY, v VARCHAR(20)); SELECT 7")
while cur.nextset(): pass
cur.executemany("INSERT INTO py_t VALUES (%s, %s)", [(i, "v%d" % i) for i in range(500)])
c.commit()
cur.execute("SELECT COUNT(*) FROM py_t"); print("count", cur.fetchone()[0])
cur.execute("DELETE FROM py_t WHERE id < 100"); c.rollback()
cur.execute("SELECT COUNT(*) FROM py_t"); print("after rollback", cur.fetchone()[0])
cur.execute("UPDATE py_t SET v = 'x' WHERE id < 10"); c.commit()
cur.execute("SELECT 1; SELECT v FROM py_t WHERE id = 3; SELECT 'a', 'b'")
sets = [cur.fetchall()]
while cur.nextset(): sets.append(cur.fetchall())
print("sets", sets)
try:
    cur.execute("SELECT * FROM no_such_table")
except pymysql.err.ProgrammingError as e:
    print("error", e.args[0])
c.ping(reconnect=False); print("ping ok")
c.select_db("mysql"); cur.execute("SELECT DATABASE()"); print("db", cur.fetchone()[0])
cur.execute("DROP TABLE app.py_t"); c.commit()
c.close()
)py";

TEST_F(MariaDbRelay, PyMySqlMultiStatementsExecutemanyAndTransactions) {
  const CommandResult direct = run_pymysql(direct_target(), kPyMySqlScript);
  ASSERT_TRUE(direct.succeeded()) << direct.describe();
  const CommandResult relayed = run_pymysql(proxy(), kPyMySqlScript);
  ASSERT_TRUE(relayed.succeeded()) << relayed.describe();
  EXPECT_EQ(relayed.out, direct.out);
  EXPECT_NE(relayed.out.find("count 500\nafter rollback 500\n"), std::string::npos) << relayed.out;
  EXPECT_NE(relayed.out.find("error 1146"), std::string::npos) << relayed.out;
}

// Connector/C's COM_CHANGE_USER, COM_RESET_CONNECTION, COM_PING, COM_INIT_DB, and prepared
// statements with a cursor (COM_STMT_FETCH) and SEND_LONG_DATA.
TEST_F(MariaDbRelay, ConnectorCCommandsAndPreparedStatementsWithCursors) {
  std::string error;
  MariaDbLogin login = login_to(proxy(), kMariaDbNativeUser, kMariaDbNativePassword);
  login.multi_statements = true;
  MariaDbConn conn = connect_mariadb(login, error);
  ASSERT_TRUE(conn) << error;
  MYSQL* m = conn.get();
  ASSERT_TRUE(mariadb_query(m, "DROP TABLE IF EXISTS cc_t; CREATE TABLE cc_t (id INT PRIMARY KEY, body LONGTEXT)", error)) << error;
  EXPECT_EQ(mysql_ping(m), 0) << mysql_error(m);
  EXPECT_EQ(mysql_select_db(m, "mysql"), 0) << mysql_error(m);
  EXPECT_EQ(*mariadb_query(m, "SELECT DATABASE()", error), (std::vector<std::vector<std::string>>{{"mysql"}}));
  ASSERT_EQ(mysql_change_user(m, kMariaDbEd25519User, kMariaDbEd25519Password, "app"), 0) << mysql_error(m);
  EXPECT_EQ(*mariadb_query(m, "SELECT CURRENT_USER(), DATABASE()", error),
            (std::vector<std::vector<std::string>>{{"ed_user@%", "app"}}));
  EXPECT_NE(mysql_change_user(m, kMariaDbNativeUser, "wrong", "app"), 0);
  EXPECT_EQ(mysql_errno(m), 1045u) << mysql_error(m);
  conn = connect_mariadb(login, error);
  ASSERT_TRUE(conn) << error;
  m = conn.get();
  ASSERT_TRUE(mariadb_query(m, "SET @v = 5", error)) << error;
  EXPECT_EQ(mysql_reset_connection(m), 0) << mysql_error(m);
  EXPECT_EQ(*mariadb_query(m, "SELECT @v IS NULL", error), (std::vector<std::vector<std::string>>{{"1"}}));

  // INSERT with SEND_LONG_DATA: a 3 MB body in 300 chunks.
  MYSQL_STMT* ins = mysql_stmt_init(m);
  const std::string insert = "INSERT INTO cc_t VALUES (?, ?)";
  ASSERT_EQ(mysql_stmt_prepare(ins, insert.c_str(), insert.size()), 0) << mysql_stmt_error(ins);
  for (int id = 1; id <= 20; ++id) {
    MYSQL_BIND bind[2] = {};
    bind[0].buffer_type = MYSQL_TYPE_LONG;
    bind[0].buffer = &id;
    bind[1].buffer_type = MYSQL_TYPE_STRING;
    ASSERT_EQ(mysql_stmt_bind_param(ins, bind), 0) << mysql_stmt_error(ins);
    const std::string chunk(id == 1 ? 10000 : 10, static_cast<char>('a' + id));
    for (int i = 0; i < (id == 1 ? 300 : 1); ++i)
      ASSERT_EQ(mysql_stmt_send_long_data(ins, 1, chunk.data(), chunk.size()), 0) << mysql_stmt_error(ins);
    ASSERT_EQ(mysql_stmt_execute(ins), 0) << mysql_stmt_error(ins);
  }
  mysql_stmt_close(ins);
  EXPECT_EQ(*mariadb_query(m, "SELECT LENGTH(body) FROM cc_t WHERE id = 1", error), (std::vector<std::vector<std::string>>{{"3000000"}}));

  // SELECT through a read-only cursor, fetched two rows at a time.
  MYSQL_STMT* sel = mysql_stmt_init(m);
  const unsigned long cursor = CURSOR_TYPE_READ_ONLY, prefetch = 2;
  mysql_stmt_attr_set(sel, STMT_ATTR_CURSOR_TYPE, &cursor);
  mysql_stmt_attr_set(sel, STMT_ATTR_PREFETCH_ROWS, &prefetch);
  const std::string query = "SELECT id FROM cc_t WHERE id > ? ORDER BY id";
  ASSERT_EQ(mysql_stmt_prepare(sel, query.c_str(), query.size()), 0) << mysql_stmt_error(sel);
  int from = 5, id = 0;
  MYSQL_BIND param = {};
  param.buffer_type = MYSQL_TYPE_LONG;
  param.buffer = &from;
  ASSERT_EQ(mysql_stmt_bind_param(sel, &param), 0);
  ASSERT_EQ(mysql_stmt_execute(sel), 0) << mysql_stmt_error(sel);
  MYSQL_BIND result = {};
  result.buffer_type = MYSQL_TYPE_LONG;
  result.buffer = &id;
  ASSERT_EQ(mysql_stmt_bind_result(sel, &result), 0);
  std::vector<int> ids;
  while (mysql_stmt_fetch(sel) == 0) ids.push_back(id);
  EXPECT_EQ(ids.size(), 15u);
  EXPECT_EQ(ids.front(), 6);
  EXPECT_EQ(ids.back(), 20);
  mysql_stmt_close(sel);
  ASSERT_TRUE(mariadb_query(m, "DROP TABLE cc_t", error)) << error;
}

TEST(MariaDbRelayLimits, AClientPastMaxClientConnectionsGetsError1040) {
  std::string error;
  auto proxy = start_mysql_proxy("limits: {max_client_connections: 1, connect_timeout_ms: 5000}\n", error);
  ASSERT_TRUE(proxy) << error;
  // The start-up probe's connection may still hold the one slot for a moment.
  MariaDbConn first;
  EXPECT_TRUE(eventually([&] {
    first = connect_mariadb(login_to(target_of(*proxy), kMariaDbNativeUser, kMariaDbNativePassword), error);
    return first != nullptr;
  }, 10s, 50ms)) << error;
  ASSERT_TRUE(first) << error;
  EXPECT_FALSE(connect_mariadb(login_to(target_of(*proxy), kMariaDbNativeUser, kMariaDbNativePassword), error));
  EXPECT_NE(error.find("ERROR 1040 (08004): Too many connections"), std::string::npos) << error;
  first.reset();
  EXPECT_TRUE(eventually([&] { return connect_mariadb(login_to(target_of(*proxy), kMariaDbNativeUser, kMariaDbNativePassword), error) != nullptr; }, 10s, 50ms)) << error;
}

// Prepared texts are bounded process-wide by limits.max_assembly_bytes (apart from the packet
// assembly budget, which they must not starve): however many statements a client
// prepares, what switchyard keeps of them is bounded; past it a prepare gets ERR 1235, the
// session goes on, and closing statements gives the room back.
TEST(MariaDbRelayLimits, PreparedTextsPastTheAssemblyBudgetAreRefused) {
  std::string error;
  auto proxy = start_mysql_proxy("limits: {max_assembly_bytes: 262144, max_message_bytes: 131072}\n", error);
  ASSERT_TRUE(proxy) << error;
  MariaDbConn c = connect_mariadb(login_to(target_of(*proxy), kMariaDbNativeUser, kMariaDbNativePassword), error);
  ASSERT_TRUE(c) << error;
  const std::string sql = "SELECT '" + std::string(30000, 'x') + "' AS big";  // held twice: as sent, as prepared
  std::vector<MYSQL_STMT*> stmts;
  unsigned refused_errno = 0;
  std::string refused_message;
  for (int i = 0; i < 20 && refused_errno == 0; ++i) {
    MYSQL_STMT* st = mysql_stmt_init(c.get());
    if (mysql_stmt_prepare(st, sql.data(), sql.size()) == 0) {
      stmts.push_back(st);
      continue;
    }
    refused_errno = mysql_stmt_errno(st);
    refused_message = mysql_stmt_error(st);
    mysql_stmt_close(st);
  }
  EXPECT_EQ(refused_errno, 1235u);
  EXPECT_NE(refused_message.find("limits.max_assembly_bytes"), std::string::npos) << refused_message;
  EXPECT_GE(stmts.size(), 2u);
  EXPECT_LE(stmts.size(), 5u);  // 262144 / 60000
  for (MYSQL_STMT* st : stmts) mysql_stmt_close(st);
  ASSERT_TRUE(mariadb_query(c.get(), "SELECT 1", error)) << error;  // the close reached switchyard
  MYSQL_STMT* again = mysql_stmt_init(c.get());
  EXPECT_EQ(mysql_stmt_prepare(again, sql.data(), sql.size()), 0) << mysql_stmt_error(again);
  mysql_stmt_close(again);
}

}  // namespace
}  // namespace switchyard::test_support
