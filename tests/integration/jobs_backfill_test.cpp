// Backfill and verify of a column kind at scale: 1M rows filled while pgbench clients write
// through a switchyard in dual_write, the backfill killed with SIGKILL half-way and resumed from
// its checkpoint, verify then clean, and a divergence planted behind the proxy's back found by
// its key. Also: a change_column filled forward then in reverse, and one backfill at a time.
#include <gtest/gtest.h>

#include <csignal>
#include <memory>
#include <regex>
#include <string>

#include "tests/integration/jobs_helpers.h"
#include "tests/support/integration_environment.h"
#include "tests/support/job_command.h"
#include "tests/support/migration_proxy.h"

namespace switchyard::test_support {
namespace {

using jobs_helpers::contains;

constexpr char kRows[] = "1000000";
constexpr char kMigration[] = R"(migrations:
  - name: big-users
    table: users
    rename_column: {from: full_name, to: display_name}
    phase: dual_write
)";
// Each transaction renames one user and deletes another, through the proxy.
constexpr char kWriterScript[] = R"(\set id random(1, 1000000)
\set v random(1, 1000000000)
\set gone random(1, 1000000)
UPDATE users SET full_name = 'w' || :v WHERE id = :id;
DELETE FROM users WHERE id = :gone;
)";

long number_after(const std::string& text, const std::string& label) {
  std::smatch m;
  if (!std::regex_search(text, m, std::regex(label + ":? (\\d+)"))) return -1;
  return std::stol(m[1]);
}

TEST(JobsBackfill, MillionRowsUnderWritersSurvivesKillMinus9AndVerifies) {
  std::string error;
  const std::string db = "jobs_big";
  integration_env().create_fresh_database(db);
  ASSERT_TRUE(run_direct(db,
                         std::string("CREATE TABLE users (id int PRIMARY KEY, full_name text, email text);"
                                     "INSERT INTO users SELECT g, 'user ' || g, NULL FROM generate_series(1, ") +
                             kRows + ") g; ANALYZE users;",
                         error))
      << error;
  auto config = JobConfig::create(db, kMigration, error);
  ASSERT_TRUE(config) << error;
  const CommandResult expand = config->run("expand", "big-users");
  ASSERT_EQ(expand.exit_code, 0) << expand.describe();
  auto proxy = MigrationProxy::attach(db, kMigration, error);
  ASSERT_TRUE(proxy) << error;
  PgConn direct = proxy->connect_direct();

  ASSERT_TRUE(write_file(config->path() + ".pgbench", kWriterScript, error)) << error;
  const Endpoint& at = proxy->process().endpoint();
  auto writers = ChildProcess::spawn({{pg_program("pgbench"), "-n", "-h", at.host, "-p", std::to_string(at.port), "-U",
                                       kSuperuser, "-c", "2", "-j", "2", "-T", "25", "-f", config->path() + ".pgbench", db},
                                      std::nullopt, "", config->path() + ".pgbench.log"},
                                     error);
  ASSERT_TRUE(writers) << error;

  // First run: killed with SIGKILL once a third of the rows are done.
  auto first = config->spawn("backfill", "big-users", {"--batch-rows", "2000"}, "first.log", error);
  ASSERT_TRUE(first) << error;
  ASSERT_TRUE(eventually([&] {
    const std::string done = jobs_helpers::checkpoint_rows(direct.get(), "big-users");
    return !done.empty() && std::stol(done) >= 300000;
  }, 120s)) << config->log("first.log");
  first->stop(SIGKILL, 0ms);
  const long at_kill = std::stol(jobs_helpers::checkpoint_rows(direct.get(), "big-users"));
  ASSERT_LT(at_kill, 1000000) << "the backfill finished before it could be killed";

  // Second run (the lock of the killed session is released with it): resumes after the checkpoint.
  const CommandResult second = config->run("backfill", "big-users", {"--batch-rows", "2000"});
  ASSERT_EQ(second.exit_code, 0) << second.describe();
  EXPECT_TRUE(contains(second.err, "resuming backfill big-users from its checkpoint: stage copy, " +
                                       std::to_string(at_kill) + " rows done"))
      << second.describe();
  std::smatch walked;
  ASSERT_TRUE(std::regex_search(second.out, walked, std::regex("\\((\\d+) in this run\\)"))) << second.out;
  const long this_run = std::stol(walked[1]);
  EXPECT_GT(this_run, 0) << second.out;
  EXPECT_LE(this_run, 1000000 - at_kill) << "the second run walked rows the first had done: " << second.out;

  ASSERT_TRUE(writers->wait_exit(90s));
  const std::string pgbench_out = read_file(config->path() + ".pgbench.log");
  EXPECT_EQ(describe_wait_status(*writers->wait_status()), "exited with status 0") << pgbench_out;
  EXPECT_GT(number_after(pgbench_out, "number of transactions actually processed"), 0) << pgbench_out;
  EXPECT_EQ(number_after(pgbench_out, "number of failed transactions"), 0) << pgbench_out;

  EXPECT_EQ(query_value(direct.get(), "SELECT count(*) FROM users WHERE display_name IS DISTINCT FROM full_name"), "0");
  const CommandResult verify = config->run("verify", "big-users");
  EXPECT_EQ(verify.exit_code, 0) << verify.describe();
  EXPECT_TRUE(contains(verify.out, " matching, 0 mismatched, 0 missing in new, 0 extra in new")) << verify.describe();

  // A divergence planted behind the proxy's back is found, with its key and both values.
  const std::string key = query_value(direct.get(), "SELECT min(id) FROM users WHERE id >= 424242");
  exec(direct.get(), "UPDATE users SET display_name = 'planted' WHERE id = " + key);
  const CommandResult found = config->run("verify", "big-users");
  EXPECT_EQ(found.exit_code, 1) << found.describe();
  EXPECT_TRUE(contains(found.out, " 1 mismatched, 0 missing in new")) << found.describe();
  // The writers may have rewritten the row's old value, so only its key and the planted value are fixed.
  EXPECT_TRUE(contains(found.out, "key (" + key + "): expected (")) << found.describe();
  EXPECT_TRUE(contains(found.out, "), new (planted)")) << found.describe();
}

constexpr char kAccounts[] =
    "CREATE TABLE accounts (aid serial PRIMARY KEY, include char(1), name text DEFAULT 'unnamed');"
    "INSERT INTO accounts (include) SELECT CASE WHEN g % 3 = 0 THEN 'X' ELSE '' END FROM generate_series(1, 5000) g;";
constexpr char kIncludeBool[] = R"(migrations:
  - name: accounts-include-bool
    table: accounts
    change_column:
      from: include
      to: include_bool
      up: "CASE WHEN include = 'X' THEN true ELSE false END"
      down: "CASE WHEN include_bool THEN 'X' ELSE '' END"
    phase: PHASE
)";

std::string with_phase(std::string yaml, const std::string& phase) {
  yaml.replace(yaml.find("PHASE"), 5, phase);
  return yaml;
}

TEST(JobsBackfill, ChangeColumnForwardThenReverse) {
  std::string error;
  const std::string db = "jobs_change_column";
  integration_env().create_fresh_database(db);
  ASSERT_TRUE(run_direct(db, kAccounts, error)) << error;
  auto config = JobConfig::create(db, with_phase(kIncludeBool, "dual_write"), error);
  ASSERT_TRUE(config) << error;
  // expand infers the new column's type from `up`: boolean.
  const CommandResult expand = config->run("expand", "accounts-include-bool");
  ASSERT_EQ(expand.exit_code, 0) << expand.describe();
  EXPECT_TRUE(contains(expand.out, "ADD COLUMN IF NOT EXISTS \"include_bool\" boolean;")) << expand.describe();

  PgConn direct = connect(integration_env().direct().conninfo(db, kSuperuser));
  const CommandResult unfilled = config->run("verify", "accounts-include-bool");
  EXPECT_EQ(unfilled.exit_code, 1);
  EXPECT_TRUE(contains(unfilled.out, "0 matching, 0 mismatched, 5000 missing in new")) << unfilled.describe();
  const CommandResult forward = config->run("backfill", "accounts-include-bool", {"--batch-seconds", "0.05"});
  ASSERT_EQ(forward.exit_code, 0) << forward.describe();
  EXPECT_TRUE(contains(forward.out, "5000 rows walked (5000 in this run), 5000 rows written")) << forward.describe();
  EXPECT_EQ(config->run("verify", "accounts-include-bool").exit_code, 0);
  // Idempotent: a second run rewrites nothing.
  const CommandResult again = config->run("backfill", "accounts-include-bool");
  EXPECT_TRUE(contains(again.out, "0 rows written")) << again.describe();

  // After new_only the old column went stale; verify --reverse finds it, --reverse fills it
  // back through `down`.
  exec(direct.get(), "UPDATE accounts SET include = NULL WHERE aid % 2 = 0");
  ASSERT_TRUE(config->rewrite(with_phase(kIncludeBool, "new_only"), error)) << error;
  const CommandResult stale = config->run("verify", "accounts-include-bool", {"--reverse"});
  EXPECT_EQ(stale.exit_code, 1) << stale.describe();
  EXPECT_TRUE(contains(stale.out, "verify --reverse accounts-include-bool: 5000 rows compared: 2500 matching, 0 mismatched, "
                                  "2500 missing in old"))
      << stale.describe();
  const CommandResult refused = config->run("backfill", "accounts-include-bool");
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_TRUE(contains(refused.err, "is in phase new_only")) << refused.describe();
  const CommandResult reverse = config->run("backfill", "accounts-include-bool", {"--reverse"});
  ASSERT_EQ(reverse.exit_code, 0) << reverse.describe();
  EXPECT_TRUE(contains(reverse.out, "2500 rows written")) << reverse.describe();
  EXPECT_EQ(query_value(direct.get(), "SELECT count(*) FROM accounts WHERE include IS DISTINCT FROM "
                                      "CASE WHEN include_bool THEN 'X' ELSE '' END"),
            "0");
  const CommandResult clean = config->run("verify", "accounts-include-bool", {"--reverse"});
  EXPECT_EQ(clean.exit_code, 0) << clean.describe();
  EXPECT_TRUE(contains(clean.out, "5000 matching, 0 mismatched, 0 missing in old")) << clean.describe();
}

TEST(JobsBackfill, OnlyOneBackfillOfAMigrationRunsAtATime) {
  std::string error;
  const std::string db = "jobs_one_at_a_time";
  integration_env().create_fresh_database(db);
  ASSERT_TRUE(run_direct(db, kAccounts, error)) << error;
  ASSERT_TRUE(run_direct(db, "ALTER TABLE accounts ADD COLUMN include_bool boolean", error)) << error;
  auto config = JobConfig::create(db, with_phase(kIncludeBool, "dual_write"), error);
  ASSERT_TRUE(config) << error;
  PgConn direct = connect(integration_env().direct().conninfo(db, kSuperuser));
  auto slow = config->spawn("backfill", "accounts-include-bool", {"--batch-rows", "10", "--pause-ms", "200"}, "slow.log",
                            error);
  ASSERT_TRUE(slow) << error;
  ASSERT_TRUE(eventually([&] { return !jobs_helpers::checkpoint_rows(direct.get(), "accounts-include-bool").empty(); }, 20s));
  const CommandResult second = config->run("backfill", "accounts-include-bool", {"--reverse"});
  EXPECT_EQ(second.exit_code, 1);
  EXPECT_TRUE(contains(second.err, "another backfill of migration accounts-include-bool is running: session pid"))
      << second.describe();
  slow->stop(SIGTERM, 10s);  // stops after its batch; the checkpoint keeps its place
  EXPECT_TRUE(contains(config->log("slow.log"), "stopped (resume by running it again)")) << config->log("slow.log");
}

}  // namespace
}  // namespace switchyard::test_support
