// `switchyard contract` asks the proxy in its config before it drops anything: refused while a
// session still runs under an older phase (a transaction open since before the reload), allowed
// once it has moved on, and --force overrides.
#include <gtest/gtest.h>

#include "tests/support/admin_probe.h"
#include "tests/support/http_client.h"
#include "tests/support/migration_proxy.h"
#include "tests/support/net.h"
#include "tests/support/pg_connection.h"
#include "tests/support/run_command.h"
#include "tests/support/temp_dir.h"

namespace switchyard::test_support {
namespace {

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

TEST(ContractCheck, WaitsForSessionsBehindAndForceOverrides) {
  const int admin_port = pick_free_port();
  std::string error;
  auto proxy = MigrationProxy::start(
      "contract_check",
      "CREATE TABLE users (id int PRIMARY KEY, full_name text, display_name text);"
      "INSERT INTO users SELECT g, 'user ' || g, 'user ' || g FROM generate_series(1, 10) g;",
      "migrations:\n"
      "  - name: users-display-name\n"
      "    table: users\n"
      "    rename_column: {from: full_name, to: display_name}\n"
      "    phase: read_new\n"
      "admin: {listen: 127.0.0.1:" + std::to_string(admin_port) + "}\n",
      error);
  ASSERT_TRUE(proxy) << error;
  const auto contract = [&](std::vector<std::string> extra) {
    std::vector<std::string> argv = {ProxyProcess::binary_path(), "contract", "--config",
                                     proxy->process().config_path(), "users-display-name", "--dry-run"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    return run_command(argv, std::chrono::seconds(60));
  };

  // A client with a prepared read, in a transaction opened under read_new.
  PgConn held = proxy->connect_proxied();
  ASSERT_EQ(PQstatus(held.get()), CONNECTION_OK) << PQerrorMessage(held.get());
  PGresult* prep = PQprepare(held.get(), "rd", "SELECT full_name FROM users WHERE id = $1", 0, nullptr);
  ASSERT_EQ(PQresultStatus(prep), PGRES_COMMAND_OK) << PQerrorMessage(held.get());
  PQclear(prep);
  ASSERT_EQ(PQresultStatus(exec(held.get(), "BEGIN").get()), PGRES_COMMAND_OK);

  ASSERT_EQ(reload_phase(proxy->process(), admin_port, "    phase: new_only\n"), "");
  const std::string status = http_request(admin_port, "GET", "/status").body;
  EXPECT_EQ(status_number(status, "\"name\":\"users-display-name\"", "sessions_behind"), 1) << status;

  const CommandResult refused = contract({});
  EXPECT_EQ(refused.exit_code, 1) << refused.describe();
  EXPECT_TRUE(contains(refused.err, "1 session(s) still under an older phase of users-display-name")) << refused.describe();
  EXPECT_FALSE(contains(refused.out, "DROP COLUMN")) << refused.describe();

  const CommandResult forced = contract({"--force"});
  EXPECT_EQ(forced.exit_code, 0) << forced.describe();
  EXPECT_TRUE(contains(forced.out, "DROP COLUMN IF EXISTS \"full_name\"")) << forced.describe();

  // The transaction ends; the session moves to new_only at that boundary.
  ASSERT_EQ(PQresultStatus(exec(held.get(), "COMMIT").get()), PGRES_COMMAND_OK);
  EXPECT_EQ(query_value(held.get(), "SELECT 1"), "1");
  const CommandResult allowed = contract({});
  EXPECT_EQ(allowed.exit_code, 0) << allowed.describe();
  EXPECT_TRUE(contains(allowed.err, "0 session(s) behind")) << allowed.describe();
}

TEST(ContractCheck, AProxyThatCannotBeAskedBlocksContract) {
  const int admin_port = pick_free_port();  // nothing listens there
  std::string error;
  ASSERT_TRUE(run_direct("postgres", "DROP DATABASE IF EXISTS contract_unreachable", error)) << error;
  ASSERT_TRUE(run_direct("postgres", "CREATE DATABASE contract_unreachable", error)) << error;
  ASSERT_TRUE(run_direct("contract_unreachable", "CREATE TABLE users (id int PRIMARY KEY, full_name text, display_name text)",
                         error))
      << error;
  // The config of a proxy that is not running.
  auto dir = TempDir::create("switchyard-contract-", error);
  ASSERT_TRUE(dir) << error;
  const std::string path = dir->file("switchyard.yaml");
  ASSERT_TRUE(write_file(path,
                         control_yaml("contract_unreachable") +
                             "admin: {listen: 127.0.0.1:" + std::to_string(admin_port) + "}\n"
                             "migrations:\n"
                             "  - name: users-display-name\n"
                             "    table: users\n"
                             "    rename_column: {from: full_name, to: display_name}\n"
                             "    phase: new_only\n",
                         error))
      << error;
  const CommandResult r = run_command({ProxyProcess::binary_path(), "contract", "--config", path, "users-display-name",
                                       "--dry-run"},
                                      std::chrono::seconds(60));
  EXPECT_EQ(r.exit_code, 1) << r.describe();
  EXPECT_TRUE(contains(r.err, "cannot ask the proxy's admin API at 127.0.0.1:" + std::to_string(admin_port)))
      << r.describe();
}

}  // namespace
}  // namespace switchyard::test_support
