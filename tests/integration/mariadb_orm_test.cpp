// ORMs through a column migration's whole life under protocol: mysql: Django's MySQL backend
// (MySQLdb) and SQLAlchemy over PyMySQL (tests/integration/drivers/mysql/orm_driver.py), and
// ActiveRecord with its mysql2 adapter (drivers/mysql/activerecord_driver.rb), each
// holding one connection as a pool does, while switchyard is reloaded from no migration into
// dual_write, read_new and new_only for orm_people.full_name -> display_name. Every round of ORM
// writes (create, bulk_create, save(), a queryset update with an expression, a filtered read, a
// delete) succeeds on the same server thread; the rows show each phase's writes (both columns
// equal in the dual phases, only the new one in new_only), and the ORM's reads come from the
// phase's shape (a value set only in the new column is what read_new reads).
#include <gtest/gtest.h>

#include "tests/integration/mariadb_relay_fixture.h"
#include "tests/support/line_driver.h"

namespace switchyard::test_support {
namespace {

class MariaDbOrm : public ::testing::TestWithParam<std::string> {};

TEST_P(MariaDbOrm, PooledOrmSessionFollowsAMigrationThroughEveryPhase) {
  MariaDbServer& server = shared_mariadb();
  std::string error;
  MariaDbConn direct = connect_mariadb(tcp_login(server, kMariaDbNativeUser, kMariaDbNativePassword), error);
  ASSERT_TRUE(direct) << error;
  const auto sql = [&](const std::string& s) {
    std::string e;
    const auto rows = mariadb_query(direct.get(), s, e);
    return rows ? (rows->empty() || (*rows)[0].empty() ? std::string() : (*rows)[0][0]) : "error: " + e;
  };
  for (const char* s : {"USE app", "DROP TABLE IF EXISTS orm_people",
                        "CREATE TABLE orm_people (id INT PRIMARY KEY, full_name VARCHAR(100) NULL, email VARCHAR(100) NULL, "
                        "visits INT NOT NULL DEFAULT 0)"})
    ASSERT_EQ(sql(s).rfind("error", 0), std::string::npos) << s << ": " << sql(s);
  auto proxy = ProxyProcess::start(Endpoint{server.host(), server.port()}, "protocol: mysql\n", error);
  ASSERT_TRUE(proxy) << error;
  const std::string base = read_file(proxy->config_path());
  const std::string port = std::to_string(proxy->endpoint().port);
  const std::vector<std::string> command =
      GetParam() == "activerecord"
          ? std::vector<std::string>{kRuby, std::string(kDriversDir) + "/mysql/activerecord_driver.rb", proxy->endpoint().host,
                                     port, kMariaDbNativeUser, kMariaDbNativePassword, "app"}
          : std::vector<std::string>{kPython, std::string(kDriversDir) + "/mysql/orm_driver.py", GetParam(),
                                     proxy->endpoint().host, port, kMariaDbNativeUser, kMariaDbNativePassword, "app"};
  auto orm = LineDriver::start(GetParam(), command, error);
  ASSERT_TRUE(orm) << error;
  std::string first, answer;
  ASSERT_EQ(orm->ask("round 1", first), "");
  ASSERT_EQ(first.rfind("ok ", 0), 0u) << first;
  // expand and backfill, as switchyard's jobs would
  ASSERT_EQ(sql("ALTER TABLE orm_people ADD COLUMN display_name VARCHAR(100) NULL"), "");
  ASSERT_EQ(sql("UPDATE orm_people SET display_name = full_name"), "");
  int generation = 1;
  const auto phase = [&](const std::string& name) {
    ASSERT_TRUE(reload_with(*proxy, base + mariadb_control_yaml("app") +
                                         "migrations:\n  - name: orm\n    table: orm_people\n"
                                         "    rename_column: {from: full_name, to: display_name}\n    phase: " + name + "\n",
                            ++generation));
  };
  const auto round = [&](int n) {
    ASSERT_EQ(orm->ask("round " + std::to_string(n), answer), "");
    EXPECT_EQ(answer, first) << "round " << n << "\n" << proxy->log();
  };
  const auto read = [&](int n) {
    EXPECT_EQ(orm->ask("read " + std::to_string(n), answer), "");
    return answer;
  };
  ASSERT_NO_FATAL_FAILURE(phase("dual_write"));
  ASSERT_NO_FATAL_FAILURE(round(2));
  EXPECT_EQ(sql("SELECT COUNT(*) FROM orm_people WHERE NOT (full_name <=> display_name)"), "0");
  EXPECT_EQ(sql("SELECT display_name FROM orm_people WHERE id = 1002"), "b2");
  ASSERT_NO_FATAL_FAILURE(phase("read_new"));
  ASSERT_NO_FATAL_FAILURE(round(3));
  EXPECT_EQ(sql("SELECT COUNT(*) FROM orm_people WHERE NOT (full_name <=> display_name)"), "0");
  ASSERT_EQ(sql("UPDATE orm_people SET display_name = 'new side' WHERE id = 3"), "");  // behind the proxy's back
  EXPECT_EQ(read(3), "ok new side");
  ASSERT_NO_FATAL_FAILURE(phase("new_only"));
  ASSERT_NO_FATAL_FAILURE(round(4));
  EXPECT_EQ(sql("SELECT CONCAT(IFNULL(full_name, 'NULL'), '/', display_name) FROM orm_people WHERE id = 4"), "NULL/updated 4");
  EXPECT_EQ(sql("SELECT CONCAT(IFNULL(full_name, 'NULL'), '/', display_name) FROM orm_people WHERE id = 1004"), "NULL/b4");
  EXPECT_EQ(read(4), "ok updated 4");
  EXPECT_EQ(sql("SELECT COUNT(*) FROM orm_people"), "8");  // 1, 2, 3, 4 and their bulk N+1000
  EXPECT_EQ(sql("SELECT SUM(visits) FROM orm_people WHERE id < 1000"), "4");
  orm.reset();
  sql("DROP TABLE orm_people");
}

INSTANTIATE_TEST_SUITE_P(Orms, MariaDbOrm, ::testing::Values("django", "sqlalchemy", "activerecord"),
                         [](const ::testing::TestParamInfo<std::string>& p) { return p.param; });

}  // namespace
}  // namespace switchyard::test_support
