// The seeds' lifecycle end to end, as an operator runs it: clients write and read continuously
// through switchyard while the test reloads dual_write -> shadow -> canary 10% -> read_new ->
// dual_write (a step back) -> read_new -> new_only, then drops the old column or table and
// reloads again. Old-shaped and new-shaped clients (libpq threads, pgbench with a custom script,
// and psycopg2) must see zero errors, every read must return what that client last wrote, and
// /metrics must count what happened. Also: canary at 10% over 2000 sessions routes 10% +- 3%.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdio>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/admin_probe.h"
#include "tests/support/lifecycle_clients.h"
#include "tests/support/http_client.h"
#include "tests/support/integration_environment.h"
#include "tests/support/migration_proxy.h"
#include "tests/support/net.h"
#include "tests/support/run_command.h"
#include "tests/support/temp_dir.h"

namespace switchyard::test_support {
namespace {

// One migration's lifecycle: its tables, its config, and the SQL each kind of client sends.
struct LifecycleSpec {
  const char* name;
  const char* database;
  const char* setup_sql;       // old and new shapes, as after `expand`, with rows 1..1000
  const char* migration_yaml;  // contains "phase: dual_write"
  const char* backfill_sql;    // run directly once dual_write is in force
  const char* contract_sql;    // run directly in new_only: drops the old shape
  ClientSql old_app;
  ClientSql new_app;
  const char* pgbench_script;  // old-shaped, on rows 1..1000
  const char* psql_check;      // an old-shaped read returning a count that is never 0
};

const LifecycleSpec kUsers{
    "users",
    "lifecycle_users",
    "CREATE TABLE users (id int PRIMARY KEY, full_name text, email text);"
    "INSERT INTO users SELECT g, 'user ' || g FROM generate_series(1, 1000) g;"
    "ALTER TABLE users ADD COLUMN display_name text;",
    R"(migrations:
  - name: users-display-name
    table: users
    rename_column: {from: full_name, to: display_name}
    phase: dual_write
)",
    "UPDATE users SET display_name = full_name WHERE display_name IS DISTINCT FROM full_name",
    "ALTER TABLE users DROP COLUMN full_name",
    {"INSERT INTO users (id, full_name) VALUES ($1, $2)", "UPDATE users SET full_name = $2 WHERE id = $1",
     "SELECT full_name FROM users WHERE id = $1", "SELECT * FROM users WHERE id = $1"},
    {"INSERT INTO users (id, display_name) VALUES ($1, $2)", "UPDATE users SET display_name = $2 WHERE id = $1",
     "SELECT display_name FROM users WHERE id = $1", "SELECT id, display_name FROM users WHERE id = $1"},
    "\\set id random(1, 1000)\n"
    "UPDATE users SET full_name = 'pgbench ' || :id WHERE id = :id;\n"
    "SELECT full_name FROM users WHERE id = :id;\n",
    "SELECT count(*) FROM users WHERE full_name IS NOT NULL",
};

const LifecycleSpec kInvoices{
    "invoices",
    "lifecycle_invoices",
    "CREATE TABLE inovices (id int PRIMARY KEY, customer text, amount numeric(12,2));"
    "INSERT INTO inovices SELECT g, 'customer ' || g, g FROM generate_series(1, 1000) g;"
    "CREATE TABLE invoices (id int PRIMARY KEY, customer text, amount numeric(12,2));",
    R"(migrations:
  - name: invoices
    rename_table: {from: inovices, to: invoices}
    phase: dual_write
)",
    "INSERT INTO invoices SELECT * FROM inovices ON CONFLICT (id) DO UPDATE SET customer = EXCLUDED.customer,"
    " amount = EXCLUDED.amount",
    "DROP TABLE inovices",
    {"INSERT INTO inovices (id, customer) VALUES ($1, $2)", "UPDATE inovices SET customer = $2 WHERE id = $1",
     "SELECT customer FROM inovices WHERE id = $1", "SELECT * FROM inovices WHERE id = $1"},
    {"INSERT INTO invoices (id, customer) VALUES ($1, $2)", "UPDATE invoices SET customer = $2 WHERE id = $1",
     "SELECT customer FROM invoices WHERE id = $1", "SELECT i.id, i.customer FROM invoices i WHERE i.id = $1"},
    "\\set id random(1, 1000)\n"
    "UPDATE inovices SET customer = 'pgbench ' || :id WHERE id = :id;\n"
    "SELECT customer FROM inovices WHERE id = :id;\n",
    "SELECT count(*) FROM inovices WHERE customer IS NOT NULL",
};

class Lifecycle : public ::testing::TestWithParam<const LifecycleSpec*> {
 protected:
  void TearDown() override {
    if (HasFailure() && proxy_) std::fprintf(stderr, "--- switchyard log (tail) ---\n%s\n", proxy_->log_tail().c_str());
  }
  void set_phase(const std::string& phase_lines) {
    ASSERT_EQ(reload_phase(proxy_->process(), admin_port_, phase_lines), "");
  }
  std::string metrics() { return http_request(admin_port_, "GET", "/metrics").body; }

  std::unique_ptr<MigrationProxy> proxy_;
  int admin_port_ = 0;
};

TEST_P(Lifecycle, EveryPhaseForwardAndBackWithClientsRunning) {
  const LifecycleSpec& spec = *GetParam();
  admin_port_ = pick_free_port();
  const std::string config = std::string(spec.migration_yaml) + "    shadow: {sample_percent: 100}\n" +
                             "admin: {listen: 127.0.0.1:" + std::to_string(admin_port_) + "}\n";
  std::string error;
  proxy_ = MigrationProxy::start(spec.database, spec.setup_sql, config, error);
  ASSERT_TRUE(proxy_) << error;
  ASSERT_TRUE(run_direct(spec.database, spec.backfill_sql, error)) << error;

  ClientFleet fleet(*proxy_, spec.old_app, spec.new_app, spec.pgbench_script);
  fleet.start();
  // psql as one more client: after each step, an old-shaped read of the whole table.
  int psql_runs = 0;
  const auto psql_check = [&] {
    const CommandResult r = run_command(
        {pg_program("psql"), "-X", "-v", "ON_ERROR_STOP=1", "-At", "-c", spec.psql_check, "-d", proxy_->proxied_conninfo()},
        30s);
    EXPECT_TRUE(r.succeeded()) << r.describe();
    EXPECT_NE(r.out, "0\n") << spec.psql_check;
    ++psql_runs;
  };
  const auto step = [&](const std::string& lines) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));
    set_phase(lines);
    psql_check();
  };
  step("    phase: shadow\n    shadow: {sample_percent: 100}\n");
  step("    phase: canary\n    canary: {percent: 10}\n    shadow: {sample_percent: 100}\n");
  step("    phase: read_new\n");
  step("    phase: dual_write\n");  // the operator steps back
  step("    phase: read_new\n");
  step("    phase: new_only\n");
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  ASSERT_TRUE(run_direct(spec.database, spec.contract_sql, error)) << error;
  step("    phase: new_only\n");  // reloaded after contract: the old shape is gone from the schema
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  const FleetReport report = fleet.stop();

  EXPECT_EQ(report.errors, 0u) << report.first_errors;
  EXPECT_EQ(report.wrong_reads, 0u) << report.first_errors;
  EXPECT_GT(report.reads, 100u);
  EXPECT_GT(report.writes, 100u);
  EXPECT_TRUE(report.pgbench_ok) << report.pgbench_output;
  EXPECT_EQ(psql_runs, 7);

  const std::string m = metrics();
  const std::string name = spec.name == std::string("users") ? "users-display-name" : "invoices";
  const auto has_positive = [&](const std::string& prefix) {
    const auto at = m.find(prefix);
    return at != std::string::npos && m.compare(at + prefix.size(), 2, " 0") != 0;
  };
  EXPECT_TRUE(has_positive("switchyard_statements_total{migration=\"" + name + "\",kind=\"read\",route=\"old\"}")) << m;
  EXPECT_TRUE(has_positive("switchyard_statements_total{migration=\"" + name + "\",kind=\"read\",route=\"new\"}")) << m;
  EXPECT_TRUE(has_positive("switchyard_statements_total{migration=\"" + name + "\",kind=\"write\",route=\"rewritten\"}"))
      << m;
  EXPECT_TRUE(has_positive("switchyard_shadow_reads_total{migration=\"" + name + "\",result=\"match\"}")) << m;
  EXPECT_NE(m.find("switchyard_shadow_reads_total{migration=\"" + name + "\",result=\"mismatch\"} 0"), std::string::npos)
      << m;
  EXPECT_NE(m.find("switchyard_shadow_reads_total{migration=\"" + name + "\",result=\"error\"} 0"), std::string::npos)
      << m;
  EXPECT_NE(m.find("switchyard_reloads_total{result=\"ok\"} 7"), std::string::npos) << m;
}

INSTANTIATE_TEST_SUITE_P(Seeds, Lifecycle, ::testing::Values(&kUsers, &kInvoices),
                         [](const ::testing::TestParamInfo<const LifecycleSpec*>& p) { return std::string(p.param->name); });

// Canary at 10%: of 2000 sessions, each reading one row whose shapes were made to differ on
// purpose, 10% +- 3% read the new shape, and each session keeps its side for all its reads.
TEST(Canary, TenPercentOfTwoThousandSessions) {
  std::string error;
  auto proxy = MigrationProxy::start("lifecycle_canary",
                                     "CREATE TABLE users (id int PRIMARY KEY, full_name text, display_name text);"
                                     "INSERT INTO users VALUES (1, 'old side', 'new side');",
                                     R"(migrations:
  - name: users-display-name
    table: users
    rename_column: {from: full_name, to: display_name}
    phase: canary
    canary: {percent: 10}
)",
                                     error);
  ASSERT_TRUE(proxy) << error;
  int new_side = 0, flips = 0;
  for (int i = 0; i < 2000; ++i) {
    PgConn c = proxy->connect_proxied();
    ASSERT_EQ(PQstatus(c.get()), CONNECTION_OK) << PQerrorMessage(c.get());
    const std::string first = query_value(c.get(), "SELECT full_name FROM users WHERE id = 1");
    const std::string second = query_value(c.get(), "SELECT full_name FROM users WHERE id = 1");
    ASSERT_TRUE(first == "old side" || first == "new side") << first;
    new_side += first == "new side";
    flips += first != second;
  }
  EXPECT_EQ(flips, 0) << "a session changed sides";
  EXPECT_GE(new_side, 140);
  EXPECT_LE(new_side, 260);
}

}  // namespace
}  // namespace switchyard::test_support
