// Column migrations through switchyard under protocol: mysql, end to end: the proxy reads the
// live schema (catalog/mysql_schema_loader.h), plans each COM_QUERY and COM_STMT_PREPARE, and
// rewrites or refuses it, with phases moved by SIGHUP under one long-lived client session.
// The oracle is the one of the rewriter's own test (tests/integration/mariadb_column_oracle.h):
// a reference database where BEFORE INSERT/UPDATE triggers do the dual write and each statement
// runs as the client wrote it, beside oracle_rw, where the same statement goes through the
// proxy. After each statement both agree on the error, affected rows, info string, warnings, a
// read's columns and rows, and every table row by row. Then: a refusal is ERR 1235 (42000)
// naming the migration and changes nothing, also inside a transaction; the session's sql_mode
// is followed (ANSI_QUOTES set by the client); prepared statements follow each phase flip,
// prepared again by the proxy itself; a reload is adopted only at a transaction boundary.
#include <mysql.h>
#include <signal.h>

#include <gtest/gtest.h>

#include <string>

#include "protocol/mysql/response.h"
#include "tests/integration/mariadb_codec_session.h"
#include "tests/integration/mariadb_column_oracle.h"
#include "tests/integration/mariadb_relay_fixture.h"
#include "tests/support/wait.h"

namespace switchyard::test_support {
namespace {

using column_oracle::must;
using column_oracle::Oracle;
using column_oracle::OracleCase;
using config::Phase;

// The proxy's config for the oracle's three column migrations, all in `phase` (canary with
// `percent`).
std::string migrations_yaml(const std::string& phase, int percent = 0) {
  std::string canary = phase == "canary" ? "    canary: {percent: " + std::to_string(percent) + "}\n" : "";
  std::string y = mariadb_control_yaml("oracle_rw") + "log:\n  level: debug\nmigrations:\n";
  y += "  - name: users_display_name\n    table: users\n    rename_column: {from: full_name, to: display_name}\n"
       "    phase: " + phase + "\n" + canary;
  y += "  - name: accounts_include_bool\n    table: accounts\n    change_column: {from: include, to: include_bool, "
       "up: \"CASE WHEN include = 'X' THEN 1 ELSE 0 END\", down: \"CASE WHEN include_bool THEN 'X' ELSE '' END\"}\n"
       "    phase: " + phase + "\n" + canary;
  y += "  - name: items_price_cents\n    table: items\n    add_column: {name: price_cents, up: \"ROUND(price * 100)\", "
       "down: {price: \"CAST(price_cents / 100 AS DECIMAL(10,2))\"}}\n"
       "    phase: " + phase + "\n" + canary;
  return y;
}

// Rewrites the proxy's config for `phase` and reloads it (SIGHUP); waits until generation `g`
// is in force.
::testing::AssertionResult reload(ProxyProcess& proxy, const std::string& phase, int percent, int g) {
  const std::string config = read_file(proxy.config_path());
  const size_t control = config.find("control:");
  if (control == std::string::npos) return ::testing::AssertionFailure() << "no control: in\n" << config;
  return reload_with(proxy, config.substr(0, control) + migrations_yaml(phase, percent), g);
}

struct PhaseStep {
  const char* phase;
  int percent;
  Phase oracle_phase;
  const char* label;
};
const PhaseStep kSteps[] = {{"dual_write", 0, Phase::kDualWrite, "dual_write"},
                            {"shadow", 0, Phase::kShadow, "shadow"},
                            {"canary", 0, Phase::kCanary, "canary 0% (old route)"},
                            {"canary", 100, Phase::kCanary, "canary 100% (new route)"},
                            {"read_new", 0, Phase::kReadNew, "read_new"}};

TEST(MariaDbMigrationRelay, EveryStatementThroughTheProxyAgreesWithTheTriggerReferenceInEveryPhase) {
  Oracle oracle;
  ASSERT_EQ(oracle.open(false), "");
  std::string error;
  auto proxy = start_mysql_proxy(migrations_yaml("off"), error);
  ASSERT_NE(proxy, nullptr) << error;
  // One session for every phase, as a pool holds it: each reload is adopted between statements.
  ASSERT_EQ(oracle.run_rewritten_through(login_to(target_of(*proxy), kMariaDbNativeUser, kMariaDbNativePassword)), "");
  int generation = 1, runs = 0;
  for (const PhaseStep& step : kSteps) {
    ASSERT_TRUE(reload(*proxy, step.phase, step.percent, ++generation)) << step.label;
    for (const OracleCase& k : column_oracle::kCases) {
      ++runs;
      EXPECT_EQ(oracle.compare(k, k.sql), "") << step.label << ": " << k.sql;
    }
  }
  const std::string log = proxy->log();
  EXPECT_NE(log.find("rewrote:"), std::string::npos) << "nothing was rewritten";
  std::cout << runs << " statements through switchyard in " << std::size(kSteps) << " phases\n";
}

TEST(MariaDbMigrationRelay, NewOnlyWithTheOldColumnsDroppedAgreesToo) {
  Oracle oracle;
  ASSERT_EQ(oracle.open(true), "");
  std::string error;
  auto proxy = start_mysql_proxy(migrations_yaml("new_only"), error);
  ASSERT_NE(proxy, nullptr) << error;
  ASSERT_EQ(oracle.run_rewritten_through(login_to(target_of(*proxy), kMariaDbNativeUser, kMariaDbNativePassword)), "");
  oracle.compare_columns_by_name();
  int runs = 0;
  for (const OracleCase& k : column_oracle::kCases) {
    if (k.dual_only) continue;
    ++runs;
    EXPECT_EQ(oracle.compare(k, k.sql), "") << "new_only: " << k.sql;
  }
  EXPECT_GT(runs, 40);
}

TEST(MariaDbMigrationRelay, SqlModeSetByTheClientIsFollowed) {
  Oracle oracle;
  ASSERT_EQ(oracle.open(false), "");
  std::string error;
  auto proxy = start_mysql_proxy(migrations_yaml("dual_write"), error);
  ASSERT_NE(proxy, nullptr) << error;
  ASSERT_EQ(oracle.run_rewritten_through(login_to(target_of(*proxy), kMariaDbNativeUser, kMariaDbNativePassword)), "");
  // Under ANSI_QUOTES "full_name" is the column: read as a string, the mirror would store the
  // text 'full_name'.
  ASSERT_EQ(oracle.add_sql_mode(",ANSI_QUOTES"), "");
  for (const char* sql : {"UPDATE users SET \"full_name\" = 'Quoted' WHERE id = 1",
                          "INSERT INTO \"users\" (id, \"full_name\") VALUES (40, 'Q')",
                          "UPDATE users SET full_name = CONCAT(\"full_name\", '!') WHERE id = 2"}) {
    EXPECT_EQ(oracle.compare({sql, "old"}, sql), "") << sql;
  }
  // And NO_BACKSLASH_ESCAPES: 'a\' is a whole string.
  ASSERT_EQ(oracle.add_sql_mode(",NO_BACKSLASH_ESCAPES"), "");
  const char* backslash = "UPDATE users SET full_name = 'back\\' WHERE id = 3";
  EXPECT_EQ(oracle.compare({backslash, "old"}, backslash), "");
}

class MariaDbMigrationRelaySession : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(oracle_.open(false), "");
    std::string error;
    proxy_ = start_mysql_proxy(migrations_yaml("off"), error);
    ASSERT_NE(proxy_, nullptr) << error;
    MariaDbLogin login = login_to(target_of(*proxy_), kMariaDbNativeUser, kMariaDbNativePassword);
    login.database = "oracle_rw";
    client_ = connect_mariadb(login, error);
    ASSERT_TRUE(client_) << error;
    direct_ = connect_mariadb(tcp_login(shared_mariadb(), kMariaDbNativeUser, kMariaDbNativePassword), error);
    ASSERT_TRUE(direct_) << error;
    ASSERT_EQ(must(direct_.get(), "USE oracle_rw"), "");
    for (const std::string& sql : column_oracle::seed(true)) ASSERT_EQ(must(direct_.get(), sql), "");
  }
  std::string users() {
    std::string error;
    auto rows = mariadb_query(direct_.get(), "SELECT id, full_name, display_name FROM users ORDER BY id", error);
    if (!rows) return error;
    std::string s;
    for (const auto& r : *rows) s += r[0] + ":" + r[1] + "/" + r[2] + " ";
    return s;
  }

  Oracle oracle_;
  std::unique_ptr<ProxyProcess> proxy_;
  MariaDbConn client_, direct_;
};

TEST_F(MariaDbMigrationRelaySession, ARefusalIsErr1235NamingTheMigrationAndChangesNothing) {
  ASSERT_TRUE(reload(*proxy_, "dual_write", 0, 2));
  const std::string before = users();
  ASSERT_EQ(must(client_.get(), "START TRANSACTION"), "");
  ASSERT_EQ(must(client_.get(), "UPDATE users SET full_name = 'in tx' WHERE id = 1"), "");
  const std::string refused = "INSERT INTO users VALUES (50, 'Ada', 'a@x', 'Grace')";
  EXPECT_NE(mysql_real_query(client_.get(), refused.data(), refused.size()), 0);
  EXPECT_EQ(mysql_errno(client_.get()), 1235u);
  EXPECT_STREQ(mysql_sqlstate(client_.get()), "42000");
  EXPECT_NE(std::string(mysql_error(client_.get())).find("switchyard: migration users_display_name: it sets both full_name and "
                                                         "display_name"),
            std::string::npos)
      << mysql_error(client_.get());
  // The transaction goes on: MySQL undoes only a failed statement, and the refusal did nothing.
  ASSERT_EQ(must(client_.get(), "COMMIT"), "");
  EXPECT_EQ(users(), "1:in tx/in tx 2:Grace/Grace 3:NULL/NULL 4:Linus/Linus ");
  EXPECT_NE(before, users());
  // The same through COM_STMT_PREPARE: refused at prepare time.
  MYSQL_STMT* stmt = mysql_stmt_init(client_.get());
  EXPECT_NE(mysql_stmt_prepare(stmt, refused.data(), refused.size()), 0);
  EXPECT_EQ(mysql_stmt_errno(stmt), 1235u);
  mysql_stmt_close(stmt);
  // The session is intact.
  EXPECT_EQ(must(client_.get(), "SELECT 1"), "");
}

// The migration is oracle_rw's users (control's dbname), not a users table of another database:
// the session's current database is followed (USE, COM_INIT_DB), and qualified names say it.
TEST_F(MariaDbMigrationRelaySession, OnlyTheMigratedDatabasesTableIsRewritten) {
  for (const char* sql : {"DROP DATABASE IF EXISTS other_db", "CREATE DATABASE other_db",
                          "CREATE TABLE other_db.users (id INT PRIMARY KEY, full_name VARCHAR(100))"})
    ASSERT_EQ(must(direct_.get(), sql), "");
  ASSERT_TRUE(reload(*proxy_, "dual_write", 0, 2));
  // other_db.users has no display_name: a rewrite would fail there.
  ASSERT_EQ(must(client_.get(), "USE other_db"), "");
  EXPECT_EQ(must(client_.get(), "INSERT INTO users (id, full_name) VALUES (70, 'other')"), "");
  EXPECT_EQ(must(client_.get(), "UPDATE users SET full_name = 'other2' WHERE id = 70"), "");
  // Qualified, from there: the migrated table, mirrored.
  EXPECT_EQ(must(client_.get(), "UPDATE oracle_rw.users SET full_name = 'qualified' WHERE id = 1"), "");
  EXPECT_NE(users().find("1:qualified/qualified"), std::string::npos) << users();
  // COM_INIT_DB back: unqualified is the migrated table again.
  ASSERT_EQ(mysql_select_db(client_.get(), "oracle_rw"), 0) << mysql_error(client_.get());
  EXPECT_EQ(must(client_.get(), "UPDATE users SET full_name = 'home' WHERE id = 2"), "");
  EXPECT_NE(users().find("2:home/home"), std::string::npos) << users();
  std::string error;
  const auto other = mariadb_query(direct_.get(), "SELECT full_name FROM other_db.users", error);
  ASSERT_TRUE(other) << error;
  EXPECT_EQ((*other)[0][0], "other2");
  ASSERT_EQ(must(direct_.get(), "DROP DATABASE other_db"), "");
}

// A statement sent behind a SET that may change sql_mode, before its reply (pipelined), cannot be
// read under settings switchyard knows: naming a migrated table, it is refused and does nothing;
// sent after the reply, it runs (here under ANSI_QUOTES, which the rewrite must follow).
TEST_F(MariaDbMigrationRelaySession, AStatementPipelinedBehindASqlModeChangeIsRefused) {
  ASSERT_TRUE(reload(*proxy_, "dual_write", 0, 2));
  std::optional<MysqlPacket> last;
  CodecSession raw = open_session(true, kMariaDbNativePassword, last, proxy_->endpoint().host, proxy_->endpoint().port);
  ASSERT_TRUE(last) << raw.client->error();
  ASSERT_EQ(mysql::classify_auth_reply(last->payload), mysql::AuthReply::kOk);
  const auto query = [](const std::string& sql) { return std::string(1, '\x03') + sql; };
  std::string both;  // in one write, so that switchyard reads the second before the first's reply
  mysql::encode_packet(both, 0, query("SET SESSION sql_mode = CONCAT(@@sql_mode, ',ANSI_QUOTES')"));
  mysql::encode_packet(both, 0, query("UPDATE oracle_rw.users SET \"full_name\" = 'piped' WHERE id = 1"));
  ASSERT_TRUE(raw.client->send_bytes(both));
  const auto set_reply = raw.client->read();
  ASSERT_TRUE(set_reply) << raw.client->error();
  EXPECT_TRUE(mysql::is_ok_packet(set_reply->payload, raw.capabilities));
  const auto piped = raw.client->read();
  ASSERT_TRUE(piped) << raw.client->error();
  ASSERT_TRUE(mysql::is_err_packet(piped->payload)) << "not refused: " << users();
  const auto err = mysql::decode_err(piped->payload, raw.capabilities);
  ASSERT_TRUE(err);
  EXPECT_EQ(err->error_code, 1235);
  EXPECT_NE(std::string(err->message).find("pipelined"), std::string::npos) << err->message;
  EXPECT_EQ(users().find("piped"), std::string::npos) << users();
  // After the reply: read under ANSI_QUOTES, mirrored.
  ASSERT_TRUE(raw.client->send(0, query("UPDATE oracle_rw.users SET \"full_name\" = 'after' WHERE id = 1")));
  const auto after = raw.client->read();
  ASSERT_TRUE(after) << raw.client->error();
  EXPECT_TRUE(mysql::is_ok_packet(after->payload, raw.capabilities)) << users();
  EXPECT_NE(users().find("1:after/after"), std::string::npos) << users();
}

// A stored procedure that writes the migrated table is found at reload; calling it through the
// proxy is refused (it would write one shape only), and nothing changes.
TEST_F(MariaDbMigrationRelaySession, CallingAProcedureThatWritesTheMigratedTableIsRefused) {
  ASSERT_EQ(must(direct_.get(), "CREATE PROCEDURE bump_names() UPDATE users SET full_name = CONCAT(full_name, '+')"), "");
  ASSERT_TRUE(reload(*proxy_, "dual_write", 0, 2));
  EXPECT_NE(proxy_->log().find("procedure oracle_rw.bump_names writes"), std::string::npos) << proxy_->log();
  const std::string before = users();
  const std::string call = "CALL bump_names()";
  EXPECT_NE(mysql_real_query(client_.get(), call.data(), call.size()), 0);
  EXPECT_EQ(mysql_errno(client_.get()), 1235u);
  EXPECT_NE(std::string(mysql_error(client_.get())).find("runs procedure oracle_rw.bump_names, which writes"), std::string::npos)
      << mysql_error(client_.get());
  EXPECT_EQ(users(), before);
  ASSERT_EQ(must(direct_.get(), "DROP PROCEDURE bump_names"), "");
}

// A statement prepared with one string parameter, executed with `value`.
class Prepared {
 public:
  Prepared(MYSQL* c, const std::string& sql) : stmt_(mysql_stmt_init(c)) {
    ok_ = mysql_stmt_prepare(stmt_, sql.data(), sql.size()) == 0;
  }
  ~Prepared() { mysql_stmt_close(stmt_); }
  bool ok() const { return ok_; }
  std::string error() { return std::to_string(mysql_stmt_errno(stmt_)) + " " + mysql_stmt_error(stmt_); }
  // "" on success, else the error.
  std::string execute(const std::string& value) {
    value_ = value;
    length_ = value_.size();
    MYSQL_BIND bind{};
    bind.buffer_type = MYSQL_TYPE_STRING;
    bind.buffer = value_.data();
    bind.buffer_length = length_;
    bind.length = &length_;
    if (mysql_stmt_bind_param(stmt_, &bind) != 0 || mysql_stmt_execute(stmt_) != 0) return error();
    return "";
  }
  // Executes again with the parameter bound last, not bound again: libmariadb then sends no types.
  std::string execute_bound() { return mysql_stmt_execute(stmt_) != 0 ? error() : ""; }
  // The first column of the first row of a read (after execute), or the error.
  std::string fetch() {
    char buf[256] = {};
    unsigned long len = 0;
    my_bool is_null = 0;
    MYSQL_BIND out{};
    out.buffer_type = MYSQL_TYPE_STRING;
    out.buffer = buf;
    out.buffer_length = sizeof(buf) - 1;
    out.length = &len;
    out.is_null = &is_null;
    if (mysql_stmt_bind_result(stmt_, &out) != 0 || mysql_stmt_store_result(stmt_) != 0) return error();
    const int r = mysql_stmt_fetch(stmt_);
    std::string v = r == 0 ? (is_null ? "NULL" : std::string(buf, len)) : "no row (" + std::to_string(r) + ")";
    mysql_stmt_free_result(stmt_);
    return v;
  }

 private:
  MYSQL_STMT* stmt_;
  bool ok_ = false;
  std::string value_;
  unsigned long length_ = 0;
};

TEST_F(MariaDbMigrationRelaySession, PreparedStatementsFollowEveryPhaseFlipWithoutBeingPreparedAgain) {
  // Prepared while the migration is off: the client never prepares them again, as a pool
  // keeps them, yet each execution after a reload runs as that generation plans it.
  Prepared write(client_.get(), "UPDATE users SET full_name = ? WHERE id = 2");
  ASSERT_TRUE(write.ok()) << write.error();
  Prepared read(client_.get(), "SELECT full_name FROM users WHERE id = ?");
  ASSERT_TRUE(read.ok()) << read.error();
  ASSERT_EQ(write.execute("off"), "");
  EXPECT_NE(users().find("2:off/Grace"), std::string::npos) << users();
  // Inside a transaction the session keeps its generation until COMMIT.
  ASSERT_EQ(must(client_.get(), "START TRANSACTION"), "");
  ASSERT_EQ(must(client_.get(), "UPDATE users SET email = 'tx' WHERE id = 4"), "");
  ASSERT_TRUE(reload(*proxy_, "dual_write", 0, 2));
  ASSERT_EQ(write.execute("in tx"), "");
  ASSERT_EQ(must(client_.get(), "COMMIT"), "");
  EXPECT_NE(users().find("2:in tx/Grace"), std::string::npos) << users();
  // dual_write: the same statement now mirrors into display_name.
  ASSERT_EQ(write.execute("dual"), "");
  EXPECT_NE(users().find("2:dual/dual"), std::string::npos) << users();
  ASSERT_EQ(read.execute("2"), "");
  EXPECT_EQ(read.fetch(), "dual");
  // read_new: writes as before; new_only: only the new column is written, and read.
  ASSERT_TRUE(reload(*proxy_, "read_new", 0, 3));
  ASSERT_EQ(write.execute("rn"), "");
  EXPECT_NE(users().find("2:rn/rn"), std::string::npos) << users();
  ASSERT_TRUE(reload(*proxy_, "new_only", 0, 4));
  ASSERT_EQ(write.execute("new"), "");
  EXPECT_NE(users().find("2:rn/new"), std::string::npos) << users();
  ASSERT_EQ(read.execute("2"), "");
  EXPECT_EQ(read.fetch(), "new");  // display_name, under the old output name
  // Back to off: the old column again.
  ASSERT_TRUE(reload(*proxy_, "off", 0, 5));
  ASSERT_EQ(read.execute("2"), "");
  EXPECT_EQ(read.fetch(), "rn");
  // The statements the re-prepares replaced were closed: the server holds the client's two.
  ASSERT_EQ(must(client_.get(), "DO 1"), "");
  std::string error;
  const auto count = mariadb_query(direct_.get(), "SHOW GLOBAL STATUS LIKE 'Prepared_stmt_count'", error);
  ASSERT_TRUE(count) << error;
  EXPECT_EQ((*count)[0][1], "2");
}

// Statements longer than the 64 KiB every packet is shown whole up to: while a migration is
// active, queries and prepared texts are read whole (up to limits.max_message_bytes), planned
// and mirrored like short ones.
TEST_F(MariaDbMigrationRelaySession, StatementsLongerThan64KiBAreRewrittenToo) {
  ASSERT_TRUE(reload(*proxy_, "dual_write", 0, 2));
  const std::string pad = "/* " + std::string(100000, 'p') + " */";
  EXPECT_EQ(must(client_.get(), "UPDATE users SET full_name = 'long query' WHERE id = 1 " + pad), "");
  EXPECT_NE(users().find("1:long query/long query"), std::string::npos) << users();
  Prepared write(client_.get(), "UPDATE users SET full_name = ? WHERE id = 2 " + pad);
  ASSERT_TRUE(write.ok()) << write.error();
  ASSERT_EQ(write.execute("long prepared"), "");
  EXPECT_NE(users().find("2:long prepared/long prepared"), std::string::npos) << users();
}

// A COM_STMT_EXECUTE longer than 64 KiB (an inline value) streams through the proxy, which reads
// only its head: after a reload re-planned its statement it is prepared again and executed by id
// -1 (with the types the client bound before, when this execute carries none), then renumbered,
// and the session goes on.
TEST_F(MariaDbMigrationRelaySession, ALongExecuteAfterAReloadIsPreparedAgainAndRenumbered) {
  Prepared write(client_.get(), "UPDATE users SET full_name = LEFT(?, 8) WHERE id = 1");
  ASSERT_TRUE(write.ok()) << write.error();
  const std::string long_value = "longval1" + std::string(100000, 'z');
  ASSERT_EQ(write.execute(long_value), "");  // off: relayed as it is
  EXPECT_NE(users().find("1:longval1/Ada"), std::string::npos) << users();
  ASSERT_TRUE(reload(*proxy_, "dual_write", 0, 2));
  // Types were sent with the last execute; this one, not bound again, carries none.
  ASSERT_EQ(must(direct_.get(), "UPDATE users SET full_name = 'reset' WHERE id = 1"), "");
  ASSERT_EQ(write.execute_bound(), "");
  EXPECT_NE(users().find("1:longval1/longval1"), std::string::npos) << "not mirrored: " << users();
  // Now the client's id stands for the statement prepared again: renumbered in the long packet.
  ASSERT_EQ(write.execute("longval2" + std::string(200000, 'y')), "");
  EXPECT_NE(users().find("1:longval2/longval2"), std::string::npos) << users();
  ASSERT_EQ(write.execute("short"), "");
  EXPECT_NE(users().find("1:short/short"), std::string::npos) << users();
  EXPECT_EQ(must(client_.get(), "DO 1"), "");  // the session goes on
  EXPECT_EQ(proxy_->log().find("longer than 65536"), std::string::npos) << proxy_->log();
}

TEST_F(MariaDbMigrationRelaySession, APreparedStatementThatANewPhaseRefusesIsRefusedAtExecution) {
  // Relayed as written while off; dual_write cannot mirror it (both shapes, different values).
  Prepared both(client_.get(), "UPDATE users SET full_name = ?, display_name = 'other' WHERE id = 3");
  ASSERT_TRUE(both.ok()) << both.error();
  ASSERT_TRUE(reload(*proxy_, "dual_write", 0, 2));
  const std::string before = users();
  const std::string e = both.execute("x");
  EXPECT_EQ(e.substr(0, 5), "1235 ") << e;
  EXPECT_NE(e.find("switchyard: migration users_display_name"), std::string::npos) << e;
  EXPECT_EQ(users(), before);
}

}  // namespace
}  // namespace switchyard::test_support
