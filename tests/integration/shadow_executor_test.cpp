// The shadow executor against a real PostgreSQL: a table whose old and new columns are kept equal
// (name/name_new, score/score_new). Equal shapes match; a planted divergent row is a confirmed
// mismatch logged as one JSON line; a failing side is an error; ORDER BY and float tolerance
// change the comparison; a full queue skips; a write landing between the first comparison and the
// re-check is transient; the log is rate-limited; writes that keep both shapes equal, committed
// meanwhile or uncommitted in the reading session, never produce a mismatch.
#include "proxy/shadow.h"

#include <gtest/gtest.h>

#include <atomic>
#include <regex>
#include <thread>

#include "tests/support/integration_environment.h"
#include "tests/support/json_lines.h"
#include "tests/support/migration_proxy.h"
#include "tests/support/temp_dir.h"
#include "tests/support/wait.h"

namespace switchyard::test_support {
namespace {

using proxy::ShadowRead;

constexpr char kDatabase[] = "shadow_executor";
constexpr char kMigration[] = "items-rename";

std::string conninfo() { return integration_env().direct().conninfo(kDatabase, kSuperuser); }

// `id`'s row of `table`, as served from the old shape (name) and read from the new (name_new).
ShadowRead point_read(const std::string& table, int id, const std::string& column = "name") {
  ShadowRead r;
  r.migration = kMigration;
  r.fingerprint = "SELECT id, " + column + " FROM " + table + " WHERE id = $1";
  r.served_sql = r.fingerprint;
  r.other_sql = "SELECT id, " + column + "_new FROM " + table + " WHERE id = $1";
  r.params = {std::to_string(id)};
  return r;
}

class ShadowExecutorTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { integration_env().create_fresh_database(kDatabase); }

  void SetUp() override {
    std::string error;
    dir_ = TempDir::create("shadow-test-", error);
    ASSERT_TRUE(dir_) << error;
    config_.log = dir_->file("mismatches.jsonl");
    config_.timeout_ms = 10000;
  }

  void sql(const std::string& text) {
    std::string error;
    ASSERT_TRUE(run_direct(kDatabase, text, error)) << error;
  }
  // A table of `rows` items whose old and new columns are equal.
  void create_items(const std::string& table, int rows) {
    sql("DROP TABLE IF EXISTS " + table + "; CREATE TABLE " + table +
        " (id int PRIMARY KEY, name text, name_new text, score float8, score_new float8);"
        " INSERT INTO " + table + " SELECT i, 'item ' || i, 'item ' || i, i / 3.0, i / 3.0"
        " FROM generate_series(1, " + std::to_string(rows) + ") i");
  }
  void start(std::string conn = conninfo()) {
    executor_ = std::make_unique<proxy::ShadowExecutor>(config_, std::move(conn), metrics_);
    if (hook_) executor_->set_before_recheck_for_testing(hook_);
    std::string error;
    ASSERT_TRUE(executor_->start(error)) << error;
  }
  void submit_and_wait(ShadowRead read) {
    ASSERT_TRUE(executor_->submit(std::move(read)));
    ASSERT_TRUE(executor_->wait_idle(30s));
  }
  std::vector<boost::json::object> log_lines() {
    std::vector<boost::json::object> lines;
    std::string error;
    EXPECT_TRUE(parse_json_lines(read_file(config_.log), lines, error)) << error;
    return lines;
  }
  proxy::MigrationMetrics& m() { return metrics_.migration(kMigration); }
  // match / mismatch / transient / error / skipped
  std::string counts() {
    return std::to_string(m().shadow_match) + "/" + std::to_string(m().shadow_mismatch) + "/" +
           std::to_string(m().shadow_transient) + "/" + std::to_string(m().shadow_error) + "/" +
           std::to_string(m().shadow_skipped);
  }

  std::unique_ptr<TempDir> dir_;
  config::ShadowConfig config_;
  proxy::Metrics metrics_;
  std::function<void(const ShadowRead&)> hook_;
  std::unique_ptr<proxy::ShadowExecutor> executor_;  // last: stopped before the rest goes
};

TEST_F(ShadowExecutorTest, EqualShapesMatchAndBothLatenciesAreRecorded) {
  create_items("equal_items", 50);
  start();
  for (int id = 1; id <= 20; ++id) {
    ShadowRead read = point_read("equal_items", id);
    if (id % 2 == 0) {  // served from the new shape
      std::swap(read.served_sql, read.other_sql);
      read.served_is_new = true;
    }
    ASSERT_TRUE(executor_->submit(std::move(read)));
  }
  ASSERT_TRUE(executor_->wait_idle(30s));
  EXPECT_EQ(counts(), "20/0/0/0/0");
  EXPECT_EQ(m().shadow_old_seconds.snapshot().count, 20u);
  EXPECT_EQ(m().shadow_new_seconds.snapshot().count, 20u);
  EXPECT_EQ(read_file(config_.log), "");
}

TEST_F(ShadowExecutorTest, PlantedDivergenceIsAConfirmedMismatchLoggedAsOneJsonLine) {
  create_items("planted", 20);
  sql("UPDATE planted SET name_new = 'diverged' WHERE id = 7");
  start();
  submit_and_wait(point_read("planted", 7));
  submit_and_wait(point_read("planted", 8));
  EXPECT_EQ(counts(), "1/1/0/0/0");

  const std::vector<boost::json::object> lines = log_lines();
  ASSERT_EQ(lines.size(), 1u) << read_file(config_.log);
  const boost::json::object& line = lines[0];
  EXPECT_TRUE(std::regex_match(std::string(line.at("ts").as_string()),
                               std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)")));
  EXPECT_EQ(line.at("migration").as_string(), kMigration);
  EXPECT_EQ(line.at("fingerprint").as_string(), "SELECT id, name FROM planted WHERE id = $1");
  EXPECT_EQ(line.at("served_shape").as_string(), "old");
  EXPECT_EQ(line.at("other_sql").as_string(), "SELECT id, name_new FROM planted WHERE id = $1");
  EXPECT_EQ(string_array(line.at("params")), std::vector<std::string>{"$1"});  // redacted, not "7"
  EXPECT_EQ(line.at("rows_served").as_int64(), 1);
  EXPECT_EQ(line.at("rows_other").as_int64(), 1);
  EXPECT_EQ(line.at("diff_index").as_int64(), 0);
  EXPECT_EQ(string_array(line.at("served_row")), (std::vector<std::string>{"7", "item 7"}));
  EXPECT_EQ(string_array(line.at("other_row")), (std::vector<std::string>{"7", "diverged"}));
}

TEST_F(ShadowExecutorTest, UnredactedParametersAndMissingRowsAreLogged) {
  create_items("missing", 5);
  sql("DELETE FROM missing WHERE id = 3; INSERT INTO missing VALUES (6, NULL, 'x', 0, 0)");
  start();
  ShadowRead read = point_read("missing", 3);
  read.other_sql = "SELECT 3, 'item 3'::text WHERE $1::int = 3";  // the other shape still has it
  read.redact_parameters = false;
  submit_and_wait(std::move(read));
  ShadowRead null_one = point_read("missing", 6);
  submit_and_wait(std::move(null_one));
  EXPECT_EQ(counts(), "0/2/0/0/0");

  const std::vector<boost::json::object> lines = log_lines();
  ASSERT_EQ(lines.size(), 2u) << read_file(config_.log);
  EXPECT_EQ(string_array(lines[0].at("params")), std::vector<std::string>{"3"});
  EXPECT_EQ(lines[0].at("rows_served").as_int64(), 0);
  EXPECT_TRUE(lines[0].at("served_row").is_null());
  EXPECT_EQ(string_array(lines[0].at("other_row")), (std::vector<std::string>{"3", "item 3"}));
  EXPECT_EQ(string_array(lines[1].at("served_row")), (std::vector<std::string>{"6", "<null>"}));
  EXPECT_EQ(string_array(lines[1].at("other_row")), (std::vector<std::string>{"6", "x"}));
}

TEST_F(ShadowExecutorTest, AFailingSideIsAnErrorNotAMismatch) {
  create_items("failing", 5);
  start();
  ShadowRead read = point_read("failing", 1);
  read.other_sql = "SELECT id, no_such_column FROM failing WHERE id = $1";
  submit_and_wait(std::move(read));
  ShadowRead writes = point_read("failing", 1);  // a write in disguise fails in a READ ONLY transaction
  writes.other_sql = "WITH w AS (UPDATE failing SET name = 'no' WHERE id = $1 RETURNING id, name) SELECT * FROM w";
  submit_and_wait(std::move(writes));
  EXPECT_EQ(counts(), "0/0/0/2/0");
  // The failures left no transaction open on the executor's connection: the next read matches.
  submit_and_wait(point_read("failing", 2));
  EXPECT_EQ(counts(), "1/0/0/2/0");
  EXPECT_EQ(read_file(config_.log), "");
  EXPECT_EQ(query_value(connect(conninfo()).get(), "SELECT name FROM failing WHERE id = 1"), "item 1");
}

TEST_F(ShadowExecutorTest, AnUnreachableDatabaseCountsErrors) {
  start("host=127.0.0.1 port=61999 dbname=nothing user=nobody connect_timeout=2");
  submit_and_wait(point_read("nothing", 1));
  submit_and_wait(point_read("nothing", 2));  // within the backoff: no new attempt, still an error
  EXPECT_EQ(counts(), "0/0/0/2/0");
}

TEST_F(ShadowExecutorTest, OrderMattersOnlyForOrderedReads) {
  create_items("ordered", 10);
  start();
  ShadowRead read = point_read("ordered", 5);
  read.served_sql = "SELECT name FROM ordered WHERE id <= $1 ORDER BY id";
  read.other_sql = "SELECT name_new FROM ordered WHERE id <= $1 ORDER BY id DESC";
  submit_and_wait(read);
  EXPECT_EQ(counts(), "1/0/0/0/0");
  read.ordered = true;
  submit_and_wait(read);
  EXPECT_EQ(counts(), "1/1/0/0/0");
  const std::vector<boost::json::object> lines = log_lines();
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(string_array(lines[0].at("served_row")), std::vector<std::string>{"item 1"});
  EXPECT_EQ(string_array(lines[0].at("other_row")), std::vector<std::string>{"item 5"});
}

TEST_F(ShadowExecutorTest, FloatToleranceAcceptsCloseNumbers) {
  create_items("floats", 5);
  sql("UPDATE floats SET score = 1.0, score_new = 1.0000001 WHERE id = 4");
  start();
  submit_and_wait(point_read("floats", 4, "score"));
  EXPECT_EQ(counts(), "0/1/0/0/0");
  ShadowRead tolerant = point_read("floats", 4, "score");
  tolerant.float_tolerance = 1e-6;
  submit_and_wait(std::move(tolerant));
  EXPECT_EQ(counts(), "1/1/0/0/0");
}

TEST_F(ShadowExecutorTest, AFullQueueSkipsTheReadWithoutBlocking) {
  config_.workers = 1;
  config_.queue = 1;
  start();
  ShadowRead slow;
  slow.migration = kMigration;
  slow.served_sql = slow.other_sql = "SELECT pg_sleep(0.5)";
  ASSERT_TRUE(executor_->submit(slow));
  ASSERT_TRUE(eventually([&] { return executor_->queued() == 0; }, 10s));  // the worker took it
  EXPECT_TRUE(executor_->submit(slow));
  const auto before = std::chrono::steady_clock::now();
  EXPECT_FALSE(executor_->submit(slow));
  EXPECT_LT(std::chrono::steady_clock::now() - before, 100ms);
  ASSERT_TRUE(executor_->wait_idle(30s));
  EXPECT_EQ(counts(), "2/0/0/0/1");
}

TEST_F(ShadowExecutorTest, AWriteBetweenTheFirstComparisonAndTheRecheckIsTransient) {
  create_items("transient", 10);
  sql("UPDATE transient SET name_new = 'stale' WHERE id = 5");
  std::atomic<int> hook_calls{0};
  hook_ = [&](const ShadowRead&) {  // the write that fixes the row commits before the re-check
    ++hook_calls;
    std::string error;
    EXPECT_TRUE(run_direct(kDatabase, "UPDATE transient SET name_new = name WHERE id = 5", error)) << error;
  };
  start();
  submit_and_wait(point_read("transient", 5));
  EXPECT_EQ(hook_calls, 1);
  EXPECT_EQ(counts(), "0/0/1/0/0");
  EXPECT_EQ(read_file(config_.log), "");
}

TEST_F(ShadowExecutorTest, TheMismatchLogIsRateLimitedAndReportsWhatItSuppressed) {
  config_.max_log_lines_per_second = 2;
  create_items("noisy", 20);
  sql("UPDATE noisy SET name_new = 'diverged' WHERE id <= 11");
  start();
  const auto begin = std::chrono::steady_clock::now();
  for (int id = 1; id <= 10; ++id) ASSERT_TRUE(executor_->submit(point_read("noisy", id)));
  ASSERT_TRUE(executor_->wait_idle(30s));
  const double burst_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - begin).count();
  EXPECT_EQ(counts(), "0/10/0/0/0");
  const std::size_t burst_lines = log_lines().size();
  EXPECT_GE(burst_lines, 2u);
  EXPECT_LE(static_cast<double>(burst_lines), 2 + 2 * burst_seconds + 1) << burst_seconds;

  std::this_thread::sleep_for(1100ms);  // the bucket refills with time, not with any event
  submit_and_wait(point_read("noisy", 11));
  executor_->stop();
  const std::vector<boost::json::object> lines = log_lines();
  ASSERT_GE(lines.size(), burst_lines + 2);
  const boost::json::object& suppressed = lines[burst_lines];
  ASSERT_TRUE(suppressed.contains("suppressed")) << read_file(config_.log);
  const int64_t dropped = suppressed.at("suppressed").as_int64();
  EXPECT_EQ(suppressed.at("message").as_string(), std::to_string(dropped) + " mismatch log lines suppressed");
  EXPECT_EQ(static_cast<int64_t>(burst_lines) + dropped, 10);
  EXPECT_EQ(lines.size(), burst_lines + 2);
  EXPECT_EQ(string_array(lines.back().at("served_row")), (std::vector<std::string>{"11", "item 11"}));
}

TEST_F(ShadowExecutorTest, UncommittedWritesOfTheReadingSessionCauseNoMismatch) {
  create_items("in_tx", 10);
  start();
  PgConn session = connect(conninfo());
  ASSERT_EQ(PQstatus(session.get()), CONNECTION_OK);
  PgResult begun = exec(session.get(), "BEGIN; UPDATE in_tx SET name = 'only the old shape, uncommitted' WHERE id = 3");
  ASSERT_EQ(PQresultStatus(begun.get()), PGRES_COMMAND_OK) << describe(begun.get());
  submit_and_wait(point_read("in_tx", 3));
  EXPECT_EQ(counts(), "1/0/0/0/0");
  exec(session.get(), "ROLLBACK");
}

TEST_F(ShadowExecutorTest, ConcurrentWritesKeepingBothShapesEqualNeverMismatch) {
  create_items("busy", 200);
  start();
  std::atomic<bool> done{false};
  std::atomic<int> writes{0};
  std::vector<std::thread> writers;
  for (int w = 0; w < 4; ++w) {
    writers.emplace_back([&, w] {
      PgConn conn = connect(conninfo());
      for (int i = 0; !done && PQstatus(conn.get()) == CONNECTION_OK; ++i) {
        const std::string id = std::to_string(1 + (i * 7 + w * 13) % 200);
        const std::string value = "w" + std::to_string(w) + "-" + std::to_string(i);
        const std::string score = std::to_string(i) + "." + std::to_string(w) + "1";
        const char* params[] = {value.c_str(), id.c_str(), score.c_str()};
        PgResult r(PQexecParams(conn.get(), "UPDATE busy SET name = $1, name_new = $1, score = $3::float8 / 7,"
                                " score_new = $3::float8 / 7 WHERE id = $2::int", 3, nullptr, params, nullptr, nullptr, 0));
        if (PQresultStatus(r.get()) == PGRES_COMMAND_OK) ++writes;
      }
    });
  }
  const auto until = std::chrono::steady_clock::now() + 5s;
  for (int i = 0; std::chrono::steady_clock::now() < until; ++i) {
    ShadowRead read = point_read("busy", 1 + i % 180);
    read.served_sql = "SELECT id, name, score FROM busy WHERE id BETWEEN $1 AND $1::int + 20";
    read.other_sql = "SELECT id, name_new, score_new FROM busy WHERE id BETWEEN $1 AND $1::int + 20";
    if (i % 2) {
      read.served_sql += " ORDER BY id";
      read.other_sql += " ORDER BY id";
      read.ordered = true;
    }
    executor_->submit(std::move(read));
    if (executor_->queued() > 10) std::this_thread::sleep_for(5ms);  // keep the queue short, not full
  }
  done = true;
  for (std::thread& t : writers) t.join();
  ASSERT_TRUE(executor_->wait_idle(30s));
  RecordProperty("writes", writes.load());
  RecordProperty("match_mismatch_transient_error_skipped", counts());
  EXPECT_GT(writes.load(), 100);
  EXPECT_GT(m().shadow_match.load(), 100u) << counts();
  EXPECT_EQ(m().shadow_mismatch.load(), 0u) << counts();
  EXPECT_EQ(m().shadow_transient.load(), 0u) << counts();
  EXPECT_EQ(m().shadow_error.load(), 0u) << counts();
  EXPECT_EQ(read_file(config_.log), "");
}

TEST_F(ShadowExecutorTest, StopCancelsAReadInFlightWithinABoundedTime) {
  config_.timeout_ms = 60000;
  start();
  ShadowRead slow;
  slow.migration = kMigration;
  slow.served_sql = slow.other_sql = "SELECT pg_sleep(30)";
  ASSERT_TRUE(executor_->submit(slow));
  PgConn observer = connect(conninfo());
  const std::string running =
      "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'switchyard-shadow' AND state = 'active'"
      " AND query = 'SELECT pg_sleep(30)'";
  ASSERT_TRUE(eventually([&] { return query_value(observer.get(), running) == "1"; }, 10s));
  const auto before = std::chrono::steady_clock::now();
  executor_->stop();
  EXPECT_LT(std::chrono::steady_clock::now() - before, 4s);
  EXPECT_TRUE(eventually([&] { return query_value(observer.get(), running) == "0"; }, 5s));
  EXPECT_EQ(counts(), "0/0/0/0/0");  // cancelled by shutdown: not an error
  EXPECT_FALSE(executor_->submit(slow));
}

}  // namespace
}  // namespace switchyard::test_support
