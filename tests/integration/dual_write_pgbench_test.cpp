// A real client under load: pgbench's TPC-B-like transactions through a switchyard that renames
// pgbench_accounts.abalance to balance in dual_write, in each query mode (simple, extended,
// prepared). No transaction fails, and every account's balance equals its abalance afterwards.
#include <gtest/gtest.h>

#include <cstdio>
#include <memory>
#include <optional>
#include <regex>
#include <string>
#include <vector>

#include "tests/support/integration_environment.h"
#include "tests/support/migration_proxy.h"
#include "tests/support/run_command.h"

namespace switchyard::test_support {
namespace {

constexpr char kDatabase[] = "dual_write_bench";
constexpr char kSecondsPerMode[] = "30";

// The new column, filled by hand: switchyard has no backfill yet.
constexpr char kExpand[] =
    "ALTER TABLE pgbench_accounts ADD COLUMN balance int; UPDATE pgbench_accounts SET balance = abalance";
constexpr char kMigrations[] = R"(migrations:
  - name: accounts-balance
    table: pgbench_accounts
    rename_column: {from: abalance, to: balance}
    phase: dual_write
)";

// A number pgbench printed after `label` ("number of failed transactions: 0 (0.000%)"), or -1.
long pgbench_number(const std::string& output, const std::string& label) {
  std::smatch match;
  if (!std::regex_search(output, match, std::regex(label + ": (\\d+)"))) return -1;
  return std::stol(match[1]);
}

std::vector<std::string> pgbench(const Endpoint& at, std::vector<std::string> arguments) {
  std::vector<std::string> argv = {pg_program("pgbench"), "-h", at.host, "-p", std::to_string(at.port), "-U", kSuperuser};
  argv.insert(argv.end(), arguments.begin(), arguments.end());
  argv.push_back(kDatabase);
  return argv;
}

class DualWritePgbench : public ::testing::TestWithParam<std::string> {
 protected:
  // Once for the three modes: pgbench -i directly (it drops and recreates its tables), the new
  // column, then switchyard, which checks the migration against the schema as it starts.
  static void SetUpTestSuite() {
    integration_env().create_fresh_database(kDatabase);
    const CommandResult init = run_command(pgbench(integration_env().direct(), {"-i", "-s", "1", "-q"}), 120s);
    if (!init.succeeded()) {
      setup_error_ = "pgbench -i failed\n" + init.describe();
      return;
    }
    if (!run_direct(kDatabase, kExpand, setup_error_)) return;
    proxy_ = MigrationProxy::attach(kDatabase, kMigrations, setup_error_);
  }
  static void TearDownTestSuite() { proxy_.reset(); }

  void TearDown() override {
    if (HasFailure() && proxy_) std::fprintf(stderr, "--- switchyard log (tail) ---\n%s\n", proxy_->log_tail().c_str());
  }

  static inline std::unique_ptr<MigrationProxy> proxy_;
  static inline std::string setup_error_;
};

TEST_P(DualWritePgbench, RunsWithoutFailedTransactionsAndKeepsBalanceEqualToAbalance) {
  ASSERT_TRUE(proxy_) << setup_error_;

  const CommandResult run =
      run_command(pgbench(proxy_->process().endpoint(), {"-c", "4", "-j", "2", "-T", kSecondsPerMode, "-M", GetParam()}),
                  120s);

  ASSERT_TRUE(run.succeeded()) << run.describe();
  EXPECT_GT(pgbench_number(run.out, "number of transactions actually processed"), 0) << run.describe();
  EXPECT_EQ(pgbench_number(run.out, "number of failed transactions"), 0) << run.describe();
  PgConn direct = proxy_->connect_direct();
  EXPECT_EQ(query_value(direct.get(), "SELECT count(*) FROM pgbench_accounts WHERE abalance IS DISTINCT FROM balance"), "0");
  EXPECT_NE(query_value(direct.get(), "SELECT count(*) FROM pgbench_accounts WHERE balance <> 0"), "0")
      << "no account was updated, so the check above proves nothing";
}

INSTANTIATE_TEST_SUITE_P(QueryModes, DualWritePgbench, ::testing::Values("simple", "extended", "prepared"),
                         [](const ::testing::TestParamInfo<std::string>& mode) { return mode.param; });

}  // namespace
}  // namespace switchyard::test_support
