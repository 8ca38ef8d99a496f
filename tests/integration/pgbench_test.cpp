// pgbench initializes its tables through switchyard, then drives it with four clients for ten
// seconds in each query mode (simple, extended, prepared) without one failed transaction.
#include <gtest/gtest.h>

#include <optional>
#include <regex>
#include <string>
#include <vector>

#include "tests/support/integration_environment.h"
#include "tests/support/run_command.h"

namespace switchyard::test_support {
namespace {

constexpr char kDatabase[] = "bench";

// A number pgbench printed after `label` ("number of failed transactions: 0 (0.000%)"), or -1.
long pgbench_number(const std::string& output, const std::string& label) {
  std::smatch match;
  if (!std::regex_search(output, match, std::regex(label + ": (\\d+)"))) return -1;
  return std::stol(match[1]);
}

std::vector<std::string> pgbench(std::vector<std::string> arguments) {
  const Endpoint& proxy = integration_env().proxied();
  std::vector<std::string> argv = {pg_program("pgbench"), "-h", proxy.host, "-p", std::to_string(proxy.port),
                                   "-U", kSuperuser};
  argv.insert(argv.end(), arguments.begin(), arguments.end());
  argv.push_back(kDatabase);
  return argv;
}

class Pgbench : public ::testing::TestWithParam<std::string> {
 protected:
  // Once for all three modes: a fresh database, then pgbench -i -s 2 through the proxy.
  static void SetUpTestSuite() {
    integration_env().create_fresh_database(kDatabase);
    initialization_ = run_command(pgbench({"-i", "-s", "2"}), 120s);
  }
  static void TearDownTestSuite() { initialization_.reset(); }

  static inline std::optional<CommandResult> initialization_;
};

TEST_P(Pgbench, RunsTenSecondsWithoutFailedTransactions) {
  ASSERT_TRUE(initialization_) << "the bench database could not be created";
  ASSERT_TRUE(initialization_->succeeded()) << "pgbench -i through the proxy failed\n" << initialization_->describe();

  const CommandResult run = run_command(pgbench({"-c", "4", "-j", "2", "-T", "10", "-M", GetParam()}), 60s);

  ASSERT_TRUE(run.succeeded()) << run.describe();
  EXPECT_GT(pgbench_number(run.out, "number of transactions actually processed"), 0) << run.describe();
  EXPECT_EQ(pgbench_number(run.out, "number of failed transactions"), 0) << run.describe();
}

INSTANTIATE_TEST_SUITE_P(QueryModes, Pgbench, ::testing::Values("simple", "extended", "prepared"),
                         [](const ::testing::TestParamInfo<std::string>& mode) { return mode.param; });

}  // namespace
}  // namespace switchyard::test_support
