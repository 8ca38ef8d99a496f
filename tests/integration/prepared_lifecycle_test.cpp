// Pooled clients that prepare once follow every phase flip (issue 9): psycopg 3
// (prepare_threshold=0), JDBC (prepareThreshold=1, batched writes), node-postgres named queries,
// libpq PQprepare and SQL-level PREPARE/EXECUTE through one psql process each hold ONE connection
// from dual_write through shadow, canary 0% and 100%, read_new, a step back to dual_write,
// read_new, new_only and the contract, with an old-shaped and a new-shaped application on it.
// They write and read their own rows the whole time (zero errors allowed), and after every flip
// a value planted directly on the database in the shape that must NOT be read proves that each
// prepared read comes from the shape the phase says. Also: shadow reads happen for prepared
// reads, switchyard_reprepares_total grows, /status counts the statements held, and before the
// contract no session or upstream statement is left behind on the old shape.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdio>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/admin_probe.h"
#include "tests/support/http_client.h"
#include "tests/support/migration_proxy.h"
#include "tests/support/net.h"
#include "tests/support/pg_cluster.h"
#include "tests/support/prepared_clients.h"
#include "tests/support/wait.h"

namespace switchyard::test_support {
namespace {

constexpr int kCheckedRow = 7;  // reserved for the planted values; no client writes it

struct PreparedSpec {
  const char* name;
  const char* migration;  // its name in the config and in /status
  const char* database;
  const char* setup_sql;  // both shapes, as after `expand`, rows 1..1000
  const char* migration_yaml;
  const char* backfill_sql;
  const char* contract_sql;
  const char* plant_old;  // "{v}" is replaced by the value, for row kCheckedRow
  const char* plant_new;
  AppSql old_app, new_app;
};

const PreparedSpec kUsers{
    "users",
    "users-display-name",
    "prepared_users",
    "CREATE TABLE users (id int PRIMARY KEY, full_name text, email text);"
    "INSERT INTO users SELECT g, 'user ' || g FROM generate_series(1, 1000) g;"
    "ALTER TABLE users ADD COLUMN display_name text;",
    "migrations:\n  - name: users-display-name\n    table: users\n"
    "    rename_column: {from: full_name, to: display_name}\n    phase: dual_write\n",
    "UPDATE users SET display_name = full_name WHERE display_name IS DISTINCT FROM full_name",
    "ALTER TABLE users DROP COLUMN full_name",
    "UPDATE users SET full_name = '{v}' WHERE id = 7",
    "UPDATE users SET display_name = '{v}' WHERE id = 7",
    {"INSERT INTO users (id, full_name) VALUES ($1, $2)", "UPDATE users SET full_name = $2 WHERE id = $1",
     "SELECT full_name FROM users WHERE id = $1", "SELECT * FROM users WHERE id = $1"},
    {"INSERT INTO users (id, display_name) VALUES ($1, $2)", "UPDATE users SET display_name = $2 WHERE id = $1",
     "SELECT display_name FROM users WHERE id = $1", "SELECT id, display_name FROM users WHERE id = $1"},
};

const PreparedSpec kInvoices{
    "invoices",
    "invoices",
    "prepared_invoices",
    "CREATE TABLE inovices (id int PRIMARY KEY, customer text, amount numeric(12,2));"
    "INSERT INTO inovices SELECT g, 'customer ' || g, g FROM generate_series(1, 1000) g;"
    "CREATE TABLE invoices (id int PRIMARY KEY, customer text, amount numeric(12,2));",
    "migrations:\n  - name: invoices\n    rename_table: {from: inovices, to: invoices}\n    phase: dual_write\n",
    "INSERT INTO invoices SELECT * FROM inovices ON CONFLICT (id) DO UPDATE SET customer = EXCLUDED.customer,"
    " amount = EXCLUDED.amount",
    "DROP TABLE inovices",
    "UPDATE inovices SET customer = '{v}' WHERE id = 7",
    "UPDATE invoices SET customer = '{v}' WHERE id = 7",
    {"INSERT INTO inovices (id, customer) VALUES ($1, $2)", "UPDATE inovices SET customer = $2 WHERE id = $1",
     "SELECT customer FROM inovices WHERE id = $1", "SELECT * FROM inovices WHERE id = $1"},
    {"INSERT INTO invoices (id, customer) VALUES ($1, $2)", "UPDATE invoices SET customer = $2 WHERE id = $1",
     "SELECT customer FROM invoices WHERE id = $1", "SELECT i.id, i.customer FROM invoices i WHERE i.id = $1"},
};

std::string with_value(std::string sql, const std::string& v) { return sql.replace(sql.find("{v}"), 3, v); }

// Every client doing rounds on a thread of its own until stop(); the test thread borrows a
// client between two of its rounds (with_client) for the checks after a flip.
class Traffic {
 public:
  explicit Traffic(std::vector<std::unique_ptr<PreparedClient>> clients) {
    for (auto& c : clients) slots_.push_back(std::make_unique<Slot>(std::move(c)));
    for (auto& s : slots_) threads_.emplace_back([this, slot = s.get()] { run(*slot); });
  }
  ~Traffic() { stop(); }

  void stop() {
    stop_ = true;
    for (auto& t : threads_)
      if (t.joinable()) t.join();
  }
  // Waits until every client has finished `n` more rounds: they all ran under what is in force now.
  bool wait_rounds(uint64_t n) {
    std::vector<uint64_t> from;
    for (auto& s : slots_) from.push_back(s->rounds);
    return eventually(
        [&] {
          for (std::size_t i = 0; i < slots_.size(); ++i)
            if (slots_[i]->rounds < from[i] + n) return false;
          return true;
        },
        60s, 10ms);
  }
  // Stops the rounds (waiting for those under way) until resume().
  void pause() {
    paused_ = true;
    for (auto& s : slots_) std::lock_guard lock(s->mutex);
  }
  void resume() { paused_ = false; }
  void with_client(const std::function<void(PreparedClient&)>& f) {
    for (auto& s : slots_) {
      std::lock_guard lock(s->mutex);
      f(*s->client);
    }
  }
  void note_error(const std::string& what) {
    std::lock_guard lock(errors_mutex_);
    ++errors_;
    if (first_errors_.size() < 4000) first_errors_ += what + "\n";
  }
  void set_step(const std::string& step) {
    std::lock_guard lock(errors_mutex_);
    step_ = step;
  }
  uint64_t errors() {
    std::lock_guard lock(errors_mutex_);
    return errors_;
  }
  std::string first_errors() {
    std::lock_guard lock(errors_mutex_);
    return first_errors_;
  }
  std::string rounds() const {
    std::string out;
    for (auto& s : slots_) out += s->client->name() + "=" + std::to_string(s->rounds) + " ";
    return out;
  }

 private:
  struct Slot {
    explicit Slot(std::unique_ptr<PreparedClient> c) : client(std::move(c)) {}
    std::unique_ptr<PreparedClient> client;
    std::mutex mutex;
    std::atomic<uint64_t> rounds{0};
  };
  void run(Slot& s) {
    while (!stop_) {
      if (paused_) {
        std::this_thread::sleep_for(5ms);
        continue;
      }
      {
        std::lock_guard lock(s.mutex);
        if (paused_) continue;  // pause() came between the check above and the lock
        const std::string e = s.client->round();
        if (!e.empty()) {
          std::string step;
          {
            std::lock_guard l(errors_mutex_);
            step = step_;
          }
          note_error("[" + step + "] " + e);
        }
        ++s.rounds;
      }
      std::this_thread::sleep_for(5ms);  // lets the test thread take the client between rounds
    }
  }

  std::vector<std::unique_ptr<Slot>> slots_;
  std::vector<std::thread> threads_;
  std::atomic<bool> stop_{false}, paused_{false};
  std::mutex errors_mutex_;
  uint64_t errors_ = 0;
  std::string first_errors_, step_ = "dual_write";
};

enum class Shape { kOld, kNew };

struct Step {
  const char* name;
  const char* phase_lines;  // "" for the start, in dual_write
  Shape reads;              // the shape every prepared read must come from
  bool contract_first;      // drop the old shape directly before the reload
};

const Step kSteps[] = {
    {"dual_write", "", Shape::kOld, false},
    {"shadow", "    phase: shadow\n    shadow: {sample_percent: 100}\n", Shape::kOld, false},
    {"canary 0%", "    phase: canary\n    canary: {percent: 0}\n    shadow: {sample_percent: 100}\n", Shape::kOld, false},
    {"canary 100%", "    phase: canary\n    canary: {percent: 100}\n    shadow: {sample_percent: 100}\n", Shape::kNew,
     false},
    {"read_new", "    phase: read_new\n", Shape::kNew, false},
    {"back to dual_write", "    phase: dual_write\n", Shape::kOld, false},
    {"read_new again", "    phase: read_new\n", Shape::kNew, false},
    {"new_only", "    phase: new_only\n", Shape::kNew, false},
    {"contract", "    phase: new_only\n", Shape::kNew, true},
};

class PreparedLifecycle : public ::testing::TestWithParam<const PreparedSpec*> {
 protected:
  void TearDown() override {
    if (HasFailure() && proxy_) std::fprintf(stderr, "--- switchyard log (tail) ---\n%s\n", proxy_->log_tail().c_str());
  }
  std::string get(const char* target) { return http_request(admin_port_, "GET", target).body; }
  double metric(const std::string& prefix) { return metric_sum(get("/metrics"), prefix).value_or(-1); }

  std::unique_ptr<MigrationProxy> proxy_;
  int admin_port_ = 0;
};

TEST_P(PreparedLifecycle, EveryPhaseWithPooledClientsHoldingOneConnection) {
  const PreparedSpec& spec = *GetParam();
  admin_port_ = pick_free_port();
  const std::string config = std::string(spec.migration_yaml) + "    shadow: {sample_percent: 100}\n" +
                             "admin: {listen: 127.0.0.1:" + std::to_string(admin_port_) + "}\n";
  std::string error;
  proxy_ = MigrationProxy::start(spec.database, spec.setup_sql, config, error);
  ASSERT_TRUE(proxy_) << error;
  ASSERT_TRUE(run_direct(spec.database, spec.backfill_sql, error)) << error;

  // Started from this thread: their processes die with it (PR_SET_PDEATHSIG).
  using Start = std::unique_ptr<PreparedClient> (*)(const PreparedClientSpec&, std::string&);
  const Start starts[] = {start_psycopg3_client, start_jdbc_client, start_node_client, start_libpq_client,
                          start_psql_client};
  std::vector<std::unique_ptr<PreparedClient>> clients;
  for (std::size_t i = 0; i < std::size(starts); ++i) {
    const PreparedClientSpec cs{proxy_->process().endpoint(), spec.database, kSuperuser,
                                static_cast<int>(100000 * (i + 1)), spec.old_app, spec.new_app};
    auto client = starts[i](cs, error);
    // One client that cannot start (a driver missing, or its PREPARE refused) fails the test,
    // but the others still run, for a fuller report.
    EXPECT_TRUE(client) << error << "\n(scripts/install-deps.sh installs every client)";
    if (client) clients.push_back(std::move(client));
  }
  ASSERT_FALSE(clients.empty());
  Traffic traffic(std::move(clients));
  const std::string migration = "migration=\"" + std::string(spec.migration) + "\"";
  const double reprepares_at_start = metric("switchyard_reprepares_total");

  for (std::size_t n = 0; n < std::size(kSteps); ++n) {
    const Step& step = kSteps[n];
    SCOPED_TRACE(step.name);
    if (*step.phase_lines != '\0') {
      ASSERT_TRUE(traffic.wait_rounds(3)) << traffic.rounds();
      if (step.contract_first) {
        // What `switchyard contract` needs first: nobody left on the old shape.
        const auto status = [&] { return get("/status"); };
        const std::string anchor = "\"name\":\"" + std::string(spec.migration) + "\"";
        const bool caught_up = eventually(
            [&] {
              const std::string s = status();
              return status_number(s, anchor, "sessions_behind") == 0.0 &&
                     status_number(s, anchor, "statements_old_shape") == 0.0;
            },
            15s, 100ms);
        EXPECT_TRUE(caught_up) << "sessions_behind and statements_old_shape should both be 0 for " << spec.migration
                               << " once every client has used every statement in new_only:\n"
                               << status();
        traffic.set_step(step.name);
        ASSERT_TRUE(run_direct(spec.database, spec.contract_sql, error)) << error;
      }
      traffic.set_step(step.name);
      ASSERT_EQ(reload_phase(proxy_->process(), admin_port_, step.phase_lines), "");
    }
    const bool shadow = std::string(step.name) == "shadow";
    const std::string mismatches = "switchyard_shadow_reads_total{" + migration + ",result=\"mismatch\"}";
    const double shadow_before = metric("switchyard_shadow_reads_total{" + migration);

    // Plant, directly, a value in each shape that still exists; only one of them may be read.
    const std::string old_value = "old-" + std::to_string(n), new_value = "new-" + std::to_string(n);
    if (!step.contract_first) {
      ASSERT_TRUE(run_direct(spec.database, with_value(spec.plant_old, old_value), error)) << error;
    }
    ASSERT_TRUE(run_direct(spec.database, with_value(spec.plant_new, new_value), error)) << error;
    const std::string& wanted = step.reads == Shape::kOld ? old_value : new_value;
    // In shadow, the rounds pause so that each client's two reads of the planted row (different
    // in each shape on purpose) must add two mismatches of their own: a client whose prepared
    // reads are not shadowed is named.
    if (shadow) traffic.pause();
    traffic.with_client([&](PreparedClient& c) {
      const double mismatches_before = metric(mismatches);
      std::string got_old_app, got_new_app;
      const std::string e = c.read(kCheckedRow, got_old_app, got_new_app);
      if (!e.empty()) return traffic.note_error(std::string("[") + step.name + "] check read: " + e);
      EXPECT_EQ(got_old_app, wanted) << c.name() << ": the old-shaped app's prepared read in " << step.name;
      EXPECT_EQ(got_new_app, wanted) << c.name() << ": the new-shaped app's prepared read in " << step.name;
      if (shadow) {
        EXPECT_TRUE(eventually([&] { return metric(mismatches) >= mismatches_before + 2; }, 5s))
            << c.name() << ": its 2 prepared reads of the planted row were not both shadowed (mismatches "
            << mismatches_before << " -> " << metric(mismatches) << ")";
      }
    });
    traffic.resume();
    ASSERT_TRUE(traffic.wait_rounds(3)) << traffic.rounds();  // writes and reads under this phase too

    if (n == 0) {
      traffic.pause();  // psql and libpq re-prepare now and then: count between rounds
      const std::string s = get("/status");
      traffic.resume();
      // Each client holds its 8 statements (2 apps x insert, update, read, read_all).
      EXPECT_GE(status_number(s, "\"sessions\":", "prepared_statements").value_or(-1), 8.0 * std::size(starts)) << s;
      EXPECT_GE(status_number(s, "\"sessions\":", "prepared_statements_max").value_or(-1), 8) << s;
    }
    if (shadow) {
      // Only prepared clients run: any shadow read is of a prepared read.
      EXPECT_TRUE(eventually([&] { return metric("switchyard_shadow_reads_total{" + migration) > shadow_before; }, 10s))
          << "no shadow read of a prepared read at sample_percent 100:\n" << get("/metrics");
    }
  }
  traffic.stop();

  EXPECT_EQ(traffic.errors(), 0u) << traffic.first_errors();
  const double reprepares = metric("switchyard_reprepares_total");
  EXPECT_GE(reprepares_at_start, 0) << "no switchyard_reprepares_total on /metrics";
  EXPECT_GT(reprepares, reprepares_at_start) << get("/metrics");
  std::fprintf(stderr, "rounds: %s; reprepares: %g\n", traffic.rounds().c_str(), reprepares);
}

INSTANTIATE_TEST_SUITE_P(PreparedSeeds, PreparedLifecycle, ::testing::Values(&kUsers, &kInvoices),
                         [](const ::testing::TestParamInfo<const PreparedSpec*>& p) { return std::string(p.param->name); });

}  // namespace
}  // namespace switchyard::test_support
