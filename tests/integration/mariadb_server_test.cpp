// The MariaDB fixture itself (tests/support/mariadb_server.h): the mariadb CLI over TCP and the
// unix socket, and MariaDB Connector/C, log in as each of its users with each plugin.
#include <gtest/gtest.h>

#include "tests/support/mariadb_connection.h"
#include "tests/support/mariadb_environment.h"
#include "tests/support/run_command.h"

namespace switchyard::test_support {
namespace {

TEST(MariaDbServer, ServesTheCliAndConnectorCWithEachPlugin) {
  MariaDbServer& s = shared_mariadb();
  const CommandResult cli = run_command(
      {"/usr/bin/mariadb", "--no-defaults", "-h", s.host(), "-P", std::to_string(s.port()), "-u", kMariaDbNativeUser,
       std::string("-p") + kMariaDbNativePassword, "-D", kMariaDbAppDatabase, "-N", "-e", "SELECT 40 + 2"},
      30s);
  ASSERT_TRUE(cli.succeeded()) << cli.describe();
  EXPECT_EQ(cli.out, "42\n");
  const CommandResult root = run_command(
      {"/usr/bin/mariadb", "--no-defaults", "-S", s.socket_path(), "-u", kMariaDbRoot, "-N", "-e", "SELECT CURRENT_USER()"},
      30s);
  ASSERT_TRUE(root.succeeded()) << root.describe();
  EXPECT_EQ(root.out, "root@localhost\n");

  std::string error;
  MariaDbConn ed = connect_mariadb(tcp_login(s, kMariaDbEd25519User, kMariaDbEd25519Password), error);
  ASSERT_TRUE(ed) << error;
  const auto plugins = mariadb_query(ed.get(), "SELECT user, plugin FROM mysql.user WHERE user IN ('native_user', 'ed_user') ORDER BY user", error);
  ASSERT_TRUE(plugins) << error;
  EXPECT_EQ(*plugins, (std::vector<std::vector<std::string>>{{"ed_user", "ed25519"}, {"native_user", "mysql_native_password"}}));
  const auto anonymous = mariadb_query(ed.get(), "SELECT COUNT(*) FROM mysql.user WHERE user = ''", error);
  ASSERT_TRUE(anonymous) << error;
  EXPECT_EQ(*anonymous, (std::vector<std::vector<std::string>>{{"0"}}));
  MariaDbLogin wrong = tcp_login(s, kMariaDbNativeUser, "wrong");
  EXPECT_FALSE(connect_mariadb(wrong, error));
  EXPECT_NE(error.find("ERROR 1045 (28000)"), std::string::npos) << error;
}

}  // namespace
}  // namespace switchyard::test_support
