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
#include <cstdint>
#include <memory>
#include <string>

#include "config/config.h"
#include "protocol/mysql/binary_value.h"
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

// --- bound values as literals (protocol/mysql/binary_value.h), with MariaDB as the oracle ----

// One parameter as libmariadb binds it and as its binary protocol bytes: the server reads the
// bound value and the literal switchyard makes of those bytes, and both must render alike.
struct BoundCase {
  const char* name;
  enum_field_types type;
  bool is_unsigned;
  std::string buffer;  // what MYSQL_BIND points at
  std::string wire;    // the value in COM_STMT_EXECUTE
  const char* expr;    // {} is the value; the result is compared as text
};

std::string le(uint64_t v, int width) {
  std::string out;
  for (int i = 0; i < width; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
  return out;
}
template <typename T>
std::string raw(T v) {
  return std::string(reinterpret_cast<const char*>(&v), sizeof v);
}
std::string lenenc(const std::string& s) { return std::string(1, static_cast<char>(s.size())) + s; }  // < 251 bytes
std::string replace_braces(const char* expr, const std::string& with) {
  std::string e = expr;
  return e.replace(e.find("{}"), 2, with);
}

TEST(MariaDbBoundLiterals, EveryBoundTypeReadsAsItsLiteral) {
  std::string error;
  MariaDbConn c = connect_mariadb(login_to(direct_target(), kMariaDbNativeUser, kMariaDbNativePassword), error);
  ASSERT_TRUE(c) << error;
  ASSERT_EQ(mysql_set_character_set(c.get(), "utf8mb4"), 0);
  MYSQL_TIME date{}, datetime{}, time{};
  date.year = 2024, date.month = 2, date.day = 29, date.time_type = MYSQL_TIMESTAMP_DATE;
  datetime.year = 2024, datetime.month = 1, datetime.day = 2, datetime.hour = 3, datetime.minute = 4, datetime.second = 5;
  datetime.second_part = 123456, datetime.time_type = MYSQL_TIMESTAMP_DATETIME;
  time.neg = 1, time.hour = 25, time.minute = 30, time.second = 0, time.second_part = 500000, time.time_type = MYSQL_TIMESTAMP_TIME;
  const std::string text = "Gr\xC3\xBC\xC3\x9F" "e 'x' \\ \"y\"";
  const std::string bytes("\x00\xFF\x27\x5C", 4);
  const BoundCase cases[] = {
      {"tiny", MYSQL_TYPE_TINY, false, raw<int8_t>(-5), le(0xFB, 1), "CAST({} / 3 AS CHAR)"},
      {"short unsigned", MYSQL_TYPE_SHORT, true, raw<uint16_t>(65535), le(65535, 2), "CAST({} AS CHAR)"},
      {"long", MYSQL_TYPE_LONG, false, raw<int32_t>(-123456), le(static_cast<uint32_t>(-123456), 4), "CAST({} AS CHAR)"},
      {"longlong", MYSQL_TYPE_LONGLONG, false, raw<int64_t>(INT64_MIN), le(static_cast<uint64_t>(INT64_MIN), 8), "CAST({} AS CHAR)"},
      {"longlong unsigned", MYSQL_TYPE_LONGLONG, true, raw<uint64_t>(UINT64_MAX), le(UINT64_MAX, 8), "CAST({} AS CHAR)"},
      {"float", MYSQL_TYPE_FLOAT, false, raw<float>(1.1f), raw<float>(1.1f), "CAST({} * 3 AS CHAR)"},
      {"double", MYSQL_TYPE_DOUBLE, false, raw<double>(0.1), raw<double>(0.1), "CAST({} / 3 AS CHAR)"},
      {"double large", MYSQL_TYPE_DOUBLE, false, raw<double>(-1.2345678901234567e300), raw<double>(-1.2345678901234567e300),
       "CAST({} AS CHAR)"},
      {"decimal", MYSQL_TYPE_NEWDECIMAL, false, "12.3400", lenenc("12.3400"), "CAST({} / 3 AS CHAR)"},
      {"string", MYSQL_TYPE_STRING, false, text, lenenc(text), "CONCAT(CAST({} AS CHAR), '|', CHARSET(CAST({} AS CHAR)))"},
      {"varchar ci", MYSQL_TYPE_VAR_STRING, false, "ABC", lenenc("ABC"), "CAST({} = 'abc' AS CHAR)"},
      {"blob", MYSQL_TYPE_BLOB, false, bytes, lenenc(bytes), "CONCAT(HEX({}), '|', CHARSET({}))"},
      {"date", MYSQL_TYPE_DATE, false, raw(date), std::string(1, 4) + le(2024, 2) + le(2, 1) + le(29, 1), "CAST({} + 0 AS CHAR)"},
      {"datetime", MYSQL_TYPE_DATETIME, false, raw(datetime),
       std::string(1, 11) + le(2024, 2) + le(1, 1) + le(2, 1) + le(3, 1) + le(4, 1) + le(5, 1) + le(123456, 4),
       "CONCAT(CAST({} AS CHAR), '|', CAST({} + INTERVAL 1 SECOND AS CHAR))"},
      {"time", MYSQL_TYPE_TIME, false, raw(time),
       std::string(1, 12) + le(1, 1) + le(1, 4) + le(1, 1) + le(30, 1) + le(0, 1) + le(500000, 4), "CAST({} AS CHAR)"},
  };
  for (const BoundCase& k : cases) {
    SCOPED_TRACE(k.name);
    const auto literal = mysql::binary_value_literal(static_cast<mysql::ColumnType>(k.type), k.is_unsigned, k.wire, "utf8mb4");
    ASSERT_TRUE(literal.has_value());
    // The oracle: the expression with the literal, as a text query...
    std::string expected_expr = k.expr, prepared_expr = k.expr;
    size_t uses = 0;
    for (size_t at; (at = expected_expr.find("{}")) != std::string::npos; ++uses) {
      expected_expr = replace_braces(expected_expr.c_str(), *literal);
      prepared_expr = replace_braces(prepared_expr.c_str(), "?");
    }
    auto rows = mariadb_query(c.get(), "SELECT " + expected_expr, error);
    ASSERT_TRUE(rows && rows->size() == 1) << *literal << ": " << error;
    const std::string expected = (*rows)[0][0];
    // ...and with the value bound, as a prepared statement.
    MYSQL_STMT* stmt = mysql_stmt_init(c.get());
    const std::string sql = "SELECT " + prepared_expr;
    ASSERT_EQ(mysql_stmt_prepare(stmt, sql.data(), sql.size()), 0) << mysql_stmt_error(stmt);
    std::vector<MYSQL_BIND> binds(uses);
    std::vector<unsigned long> lengths(uses, k.buffer.size());
    for (size_t i = 0; i < uses; ++i) {
      binds[i] = MYSQL_BIND{};
      binds[i].buffer_type = k.type;
      binds[i].is_unsigned = k.is_unsigned;
      binds[i].buffer = const_cast<char*>(k.buffer.data());
      binds[i].buffer_length = k.buffer.size();
      binds[i].length = &lengths[i];
    }
    ASSERT_EQ(mysql_stmt_bind_param(stmt, binds.data()), 0) << mysql_stmt_error(stmt);
    ASSERT_EQ(mysql_stmt_execute(stmt), 0) << mysql_stmt_error(stmt);
    char out[256] = {};
    unsigned long out_length = 0;
    my_bool is_null = 0;
    MYSQL_BIND result{};
    result.buffer_type = MYSQL_TYPE_STRING;
    result.buffer = out;
    result.buffer_length = sizeof out;
    result.length = &out_length;
    result.is_null = &is_null;
    ASSERT_EQ(mysql_stmt_bind_result(stmt, &result), 0) << mysql_stmt_error(stmt);
    ASSERT_EQ(mysql_stmt_fetch(stmt), 0) << mysql_stmt_error(stmt);
    EXPECT_EQ(std::string(out, out_length), expected) << "literal " << *literal << " in " << expected_expr;
    mysql_stmt_close(stmt);
  }
  // NULL, and what has no exact literal.
  EXPECT_EQ(mysql::binary_value_literal(mysql::ColumnType::kNull, false, "", "utf8mb4"), std::optional<std::string>("NULL"));
  EXPECT_FALSE(mysql::binary_value_literal(mysql::ColumnType::kDateTime, false, std::string(1, 0), "utf8mb4"));
  EXPECT_FALSE(mysql::binary_value_literal(mysql::ColumnType::kString, false, lenenc("x"), "utf8mb4' OR '1"));
  EXPECT_FALSE(mysql::binary_value_literal(mysql::ColumnType::kNewDecimal, false, lenenc("1; DROP"), "utf8mb4"));
  EXPECT_FALSE(mysql::binary_value_literal(mysql::ColumnType::kLong, false, le(1, 3), "utf8mb4")) << "too short";
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

// COM_STMT_EXECUTE of a prepared read: each execution is sampled with its bound values (an
// integer and a string here, in the binary protocol) put in place of the placeholders.
TEST_F(MariaDbShadowProxy, PreparedReadsAreComparedWithTheValuesEachExecutionBound) {
  create_users("shadow_ps_users");
  ASSERT_NO_FATAL_FAILURE(start("shadow_ps_users", control_of(kMariaDbNativeUser, kMariaDbNativePassword)));
  MYSQL_STMT* stmt = mysql_stmt_init(client_.get());
  const std::string sql = "SELECT full_name FROM shadow_ps_users WHERE id = ? AND full_name <> ?";
  ASSERT_EQ(mysql_stmt_prepare(stmt, sql.data(), sql.size()), 0) << mysql_stmt_error(stmt);
  const auto run = [&](int32_t id, const std::string& not_name) {
    MYSQL_BIND binds[2] = {};
    unsigned long name_length = not_name.size();
    binds[0].buffer_type = MYSQL_TYPE_LONG;
    binds[0].buffer = &id;
    binds[1].buffer_type = MYSQL_TYPE_STRING;
    binds[1].buffer = const_cast<char*>(not_name.data());
    binds[1].buffer_length = name_length;
    binds[1].length = &name_length;
    EXPECT_EQ(mysql_stmt_bind_param(stmt, binds), 0) << mysql_stmt_error(stmt);
    EXPECT_EQ(mysql_stmt_execute(stmt), 0) << mysql_stmt_error(stmt);
    char out[128] = {};
    unsigned long out_length = 0;
    MYSQL_BIND result{};
    result.buffer_type = MYSQL_TYPE_STRING;
    result.buffer = out;
    result.buffer_length = sizeof out;
    result.length = &out_length;
    EXPECT_EQ(mysql_stmt_bind_result(stmt, &result), 0) << mysql_stmt_error(stmt);
    std::vector<std::string> names;
    while (mysql_stmt_fetch(stmt) == 0) names.emplace_back(out, out_length);
    mysql_stmt_free_result(stmt);
    return names;
  };
  for (int id = 1; id <= 4; ++id) EXPECT_EQ(run(id, "nobody's"), std::vector<std::string>{"user " + std::to_string(id)});
  EXPECT_TRUE(run(2, "user 2").empty());
  ASSERT_TRUE(counts_become(5, 0, 0));

  // The new column differs for the row the next execution binds: a confirmed mismatch, and
  // only for it (an execution of another row still matches).
  direct_sql("UPDATE shadow_ps_users SET display_name = 'diverged' WHERE id = 3");
  EXPECT_EQ(run(3, "nobody's"), std::vector<std::string>{"user 3"});
  EXPECT_EQ(run(4, "nobody's"), std::vector<std::string>{"user 4"});
  ASSERT_TRUE(counts_become(6, 1, 0));
  const std::string lines = read_file(log_path_);
  EXPECT_NE(lines.find("diverged"), std::string::npos) << lines;
  mysql_stmt_close(stmt);
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
