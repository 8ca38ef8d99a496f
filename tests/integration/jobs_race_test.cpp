// Backfill against concurrent writes, with the dangerous interleavings forced rather than hoped
// for: the writer holds its row (or is mid-statement) while the backfill reads, and the tests
// release it only once PostgreSQL shows the backfill waiting. A backfill that read rows in one
// statement and wrote them in another, or that copied without FOR SHARE, or that skipped the
// orphan sweep, leaves the row stale and fails these tests.
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "tests/integration/jobs_helpers.h"
#include "tests/support/integration_environment.h"
#include "tests/support/job_command.h"
#include "tests/support/migration_proxy.h"

namespace switchyard::test_support {
namespace {

using jobs_helpers::contains;

constexpr char kUsersMigration[] = R"(migrations:
  - name: race-users
    table: users
    rename_column: {from: full_name, to: display_name}
    phase: dual_write
)";

// Column kind, writes through the proxy: the writer's UPDATE (which the proxy makes set both
// columns) holds row 5 while the backfill's batch statement, whose snapshot predates the
// writer's commit, waits for it. The batch must then write up() of the row's newest version.
TEST(JobsRace, ColumnBackfillWaitingOnAWriterKeepsTheWritersValue) {
  std::string error;
  auto proxy = MigrationProxy::start(
      "jobs_race_column",
      "CREATE TABLE users (id int PRIMARY KEY, full_name text, display_name text);"
      "INSERT INTO users SELECT g, 'old ' || g FROM generate_series(1, 50) g;",
      kUsersMigration, error);
  ASSERT_TRUE(proxy) << error;
  auto config = JobConfig::create(proxy->database(), kUsersMigration, error);
  ASSERT_TRUE(config) << error;
  PgConn direct = proxy->connect_direct();
  PgConn writer = proxy->connect_proxied();
  ASSERT_EQ(PQstatus(writer.get()), CONNECTION_OK);

  exec(writer.get(), "BEGIN");
  PgResult updated = exec(writer.get(), "UPDATE users SET full_name = 'new 5' WHERE id = 5");
  ASSERT_EQ(std::string(PQcmdStatus(updated.get())), "UPDATE 1") << describe(updated.get());
  auto backfill = config->spawn("backfill", "race-users", {"--batch-rows", "100"}, "backfill.log", error);
  ASSERT_TRUE(backfill) << error;
  ASSERT_TRUE(jobs_helpers::wait_until_blocked(direct.get(), "switchyard backfill"))
      << "the backfill never waited for the writer's row\n" << config->log("backfill.log");
  exec(writer.get(), "COMMIT");
  ASSERT_TRUE(backfill->wait_exit(30s)) << config->log("backfill.log");
  EXPECT_EQ(describe_wait_status(*backfill->wait_status()), "exited with status 0") << config->log("backfill.log");

  EXPECT_EQ(query_value(direct.get(), "SELECT display_name FROM users WHERE id = 5"), "new 5");
  EXPECT_EQ(query_value(direct.get(), "SELECT count(*) FROM users WHERE display_name IS DISTINCT FROM full_name"), "0");
}

constexpr char kAccountSetup[] =
    "CREATE TABLE legacy_accounts (id int PRIMARY KEY, name text NOT NULL, user_id int NOT NULL, accttype text);"
    "CREATE TABLE account (id int PRIMARY KEY, name text NOT NULL, user_id int NOT NULL, type text);"
    "INSERT INTO legacy_accounts SELECT g, 'acct ' || g, g, 'CHECKING' FROM generate_series(1, 40) g;";
constexpr char kAccountMigration[] = R"(migrations:
  - name: race-account
    copy_table:
      from: legacy_accounts
      to: account
      key: [id]
      columns: {id: id, name: name, user_id: user_id,
                type: "CASE accttype WHEN 'CHECKING' THEN 'ASSET' WHEN 'SAVINGS' THEN 'ASSET' WHEN 'CREDITLINE' THEN 'LIABILITY' END"}
    phase: dual_write
)";
// Writes of the shape the proxy's two-table mirroring sends (rewrite/pg/table_writes.h): one
// statement writes both tables. They are sent directly so that the test controls where inside
// the statement the writer pauses (pg_sleep before its DELETE).
constexpr char kMirroredUpdate[] =
    "WITH w AS (UPDATE legacy_accounts SET name = 'renamed 5' WHERE id = 5 RETURNING *) "
    "INSERT INTO account (id, name, user_id, type) SELECT id, name, user_id, CASE accttype WHEN 'CHECKING' THEN "
    "'ASSET' END FROM w ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, user_id = EXCLUDED.user_id, type = "
    "EXCLUDED.type";
constexpr char kMirroredSlowDelete[] =
    "WITH s AS MATERIALIZED (SELECT pg_sleep(3) AS slept), "
    "w AS (DELETE FROM legacy_accounts WHERE id = 7 AND EXISTS (SELECT 1 FROM s) RETURNING id) "
    "DELETE FROM account USING w WHERE account.id = w.id";

class JobsRaceTable : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string error;
    const std::string db = "jobs_race_table";
    integration_env().create_fresh_database(db);
    ASSERT_TRUE(run_direct(db, kAccountSetup, error)) << error;
    config_ = JobConfig::create(db, kAccountMigration, error);
    ASSERT_TRUE(config_) << error;
    direct_ = connect(integration_env().direct().conninfo(db, kSuperuser));
    writer_ = connect(integration_env().direct().conninfo(db, kSuperuser));
  }
  std::unique_ptr<JobConfig> config_;
  PgConn direct_, writer_;
};

// The writer's mirrored UPDATE holds source row 5; the backfill's INSERT ... SELECT ... FOR SHARE
// waits for it, then copies the committed version (a plain snapshot read would copy 'acct 5'
// and its upsert would overwrite the writer's 'renamed 5').
TEST_F(JobsRaceTable, CopyWaitingOnAWriterCopiesTheWritersValue) {
  std::string error;
  exec(writer_.get(), "BEGIN");
  PgResult w = exec(writer_.get(), kMirroredUpdate);
  ASSERT_EQ(std::string(PQcmdStatus(w.get())), "INSERT 0 1") << describe(w.get());
  auto backfill = config_->spawn("backfill", "race-account", {"--batch-rows", "100"}, "backfill.log", error);
  ASSERT_TRUE(backfill) << error;
  ASSERT_TRUE(jobs_helpers::wait_until_blocked(direct_.get(), "switchyard backfill")) << config_->log("backfill.log");
  exec(writer_.get(), "COMMIT");
  ASSERT_TRUE(backfill->wait_exit(30s)) << config_->log("backfill.log");
  EXPECT_EQ(describe_wait_status(*backfill->wait_status()), "exited with status 0") << config_->log("backfill.log");
  EXPECT_EQ(query_value(direct_.get(), "SELECT name FROM account WHERE id = 5"), "renamed 5");
  const CommandResult verify = config_->run("verify", "race-account");
  EXPECT_EQ(verify.exit_code, 0) << verify.describe();
}

// The delete race: the writer's statement takes its snapshot, the backfill copies row 7 and
// commits, then the writer deletes source row 7, and its mirror DELETE (same snapshot) cannot
// see the copy. The sweep, which waits for transactions older than the copy, removes it.
TEST_F(JobsRaceTable, ADeleteThatMissesTheCopiedRowIsSweptAway) {
  std::string error;
  ASSERT_EQ(PQsendQuery(writer_.get(), kMirroredSlowDelete), 1);
  ASSERT_TRUE(eventually([&] {
    return query_value(direct_.get(), "SELECT count(*) FROM pg_stat_activity WHERE query LIKE 'WITH s AS MATERIALIZED%' "
                                      "AND wait_event = 'PgSleep'") == "1";
  }, 10s));
  auto backfill = config_->spawn("backfill", "race-account", {"--batch-rows", "100"}, "backfill.log", error);
  ASSERT_TRUE(backfill) << error;
  // The copy of row 7 commits while the writer still sleeps: the interleaving is forced.
  ASSERT_TRUE(eventually([&] { return query_value(direct_.get(), "SELECT count(*) FROM account WHERE id = 7") == "1"; },
                         10s))
      << config_->log("backfill.log");
  EXPECT_EQ(query_value(direct_.get(), "SELECT count(*) FROM legacy_accounts WHERE id = 7"), "1")
      << "the writer deleted too early: the race was not forced";
  PgResult deleted = await_result(writer_.get(), true, "the mirrored delete", 20s);
  ASSERT_EQ(std::string(PQcmdStatus(deleted.get())), "DELETE 0") << "its snapshot predates the copy, so it misses it";
  ASSERT_TRUE(backfill->wait_exit(30s)) << config_->log("backfill.log");
  EXPECT_EQ(describe_wait_status(*backfill->wait_status()), "exited with status 0") << config_->log("backfill.log");
  EXPECT_EQ(query_value(direct_.get(), "SELECT count(*) FROM account WHERE id = 7"), "0") << config_->log("backfill.log");
  const CommandResult verify = config_->run("verify", "race-account");
  EXPECT_EQ(verify.exit_code, 0) << verify.describe();
}

TEST(JobsRefusal, ATableWithoutAKeyIsRefused) {
  std::string error;
  const std::string db = "jobs_no_key";
  integration_env().create_fresh_database(db);
  ASSERT_TRUE(run_direct(db, "CREATE TABLE notes (body text, body2 text); INSERT INTO notes VALUES ('a', NULL);", error))
      << error;
  auto config = JobConfig::create(db, R"(migrations:
  - name: notes-body
    table: notes
    rename_column: {from: body, to: body2}
    phase: dual_write
)",
                                  error);
  ASSERT_TRUE(config) << error;
  for (const char* command : {"backfill", "verify"}) {
    const CommandResult r = config->run(command, "notes-body");
    EXPECT_EQ(r.exit_code, 1) << r.describe();
    EXPECT_TRUE(contains(r.err + r.out, "table public.notes has no primary key, so rows cannot be paged through by key"))
        << r.describe();
  }
}

}  // namespace
}  // namespace switchyard::test_support
