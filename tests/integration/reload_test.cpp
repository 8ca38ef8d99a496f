// Live reload through the admin API and SIGHUP: a valid config takes effect in each session at
// its next transaction boundary without dropping a connection; each kind of invalid config is
// refused with a 400 naming the problem while the running one stays in force; a listen change
// moves new sessions to the new port; the admin token is enforced, and a token variable that
// is not set stops start-up.
#include <signal.h>

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <functional>
#include <memory>
#include <string>

#include "tests/integration/dual_write_seeds.h"
#include "tests/support/http_client.h"
#include "tests/support/integration_environment.h"
#include "tests/support/migration_proxy.h"
#include "tests/support/net.h"
#include "tests/support/pg_cluster.h"
#include "tests/support/temp_dir.h"
#include "tests/support/wait.h"

namespace switchyard::test_support {
namespace {

constexpr char kDatabase[] = "reload_test";
constexpr char kMigrationOff[] = R"(migrations:
  - name: users-display-name
    table: users
    rename_column: {from: full_name, to: display_name}
    phase: off
)";
constexpr char kTokenVariable[] = "SWITCHYARD_RELOAD_TEST_TOKEN";

class Reload : public ::testing::Test {
 protected:
  // Starts switchyard with the migration in `off` and an admin server (with `admin_extra`, e.g.
  // a token_env, inside its mapping).
  void start(const std::string& admin_extra = "") {
    admin_port_ = pick_free_port();
    const std::string admin = "admin: {listen: 127.0.0.1:" + std::to_string(admin_port_) + admin_extra + "}\n";
    std::string error;
    proxy_ = MigrationProxy::start(kDatabase, seeds::kUsersTable, kMigrationOff + admin, error);
    ASSERT_TRUE(proxy_) << error;
    direct_ = proxy_->connect_direct();
    ASSERT_EQ(PQstatus(direct_.get()), CONNECTION_OK) << PQerrorMessage(direct_.get());
  }
  void TearDown() override {
    if (HasFailure() && proxy_) std::fprintf(stderr, "--- switchyard log (tail) ---\n%s\n", proxy_->log_tail().c_str());
  }

  std::string config() const { return read_file(proxy_->process().config_path()); }
  // Rewrites the config file, replacing `from` (which must occur) with `to`.
  void edit_config(const std::string& from, const std::string& to) {
    std::string text = config();
    const size_t at = text.find(from);
    ASSERT_NE(at, std::string::npos) << "no '" << from << "' in\n" << text;
    text.replace(at, from.size(), to);
    std::string error;
    ASSERT_TRUE(write_file(proxy_->process().config_path(), text, error)) << error;
  }
  HttpResponse reload(const std::string& token = {}) { return http_request(admin_port_, "POST", "/reload", token); }
  HttpResponse status(const std::string& token = {}) { return http_request(admin_port_, "GET", "/status", token); }

  // Runs `sql` through `conn`, which must succeed.
  void run(PGconn* conn, const std::string& sql) {
    PgResult r = exec(conn, sql);
    ASSERT_TRUE(r && (PQresultStatus(r.get()) == PGRES_COMMAND_OK || PQresultStatus(r.get()) == PGRES_TUPLES_OK))
        << sql << " -> " << describe(r.get());
  }
  // display_name of user `id`, as stored: "" when NULL (the write was not mirrored).
  std::string mirrored(int id) {
    return query_value(direct_.get(), "SELECT coalesce(display_name, '') FROM users WHERE id = " + std::to_string(id));
  }
  void insert(PGconn* conn, int id) {
    run(conn, "INSERT INTO users (id, full_name) VALUES (" + std::to_string(id) + ", 'user " + std::to_string(id) + "')");
  }

  // The session's transaction sees a reload only at its boundary: a write inside the open
  // transaction stays unmirrored, the next one after COMMIT is mirrored, on the same backend.
  void expect_adopted_at_commit(const std::function<void()>& do_reload) {
    PgConn client = proxy_->connect_proxied();
    ASSERT_EQ(PQstatus(client.get()), CONNECTION_OK) << PQerrorMessage(client.get());
    const std::string backend = query_value(client.get(), "SELECT pg_backend_pid()");
    run(client.get(), "BEGIN");
    insert(client.get(), 1);
    do_reload();
    insert(client.get(), 2);  // same transaction: still the old generation
    run(client.get(), "COMMIT");
    insert(client.get(), 3);  // the session adopted the new generation at COMMIT's ReadyForQuery
    EXPECT_EQ(mirrored(1), "");
    EXPECT_EQ(mirrored(2), "") << "a write inside the open transaction must not be mirrored";
    EXPECT_EQ(mirrored(3), "user 3") << "a write after COMMIT must be mirrored";
    EXPECT_EQ(PQstatus(client.get()), CONNECTION_OK);
    EXPECT_EQ(query_value(client.get(), "SELECT pg_backend_pid()"), backend) << "the connection was never dropped";
    // A new session starts under the new generation.
    PgConn fresh = proxy_->connect_proxied();
    insert(fresh.get(), 4);
    EXPECT_EQ(mirrored(4), "user 4");
  }

  std::unique_ptr<MigrationProxy> proxy_;
  PgConn direct_;
  int admin_port_ = 0;
};

TEST_F(Reload, PostReloadTakesEffectAtTheNextTransactionBoundary) {
  ASSERT_NO_FATAL_FAILURE(start());
  EXPECT_NE(status().body.find(R"("generation":1,)"), std::string::npos) << status().describe();
  expect_adopted_at_commit([&] {
    edit_config("phase: off", "phase: dual_write");
    const HttpResponse r = reload();
    ASSERT_EQ(r.status, 200) << r.describe();
    EXPECT_EQ(r.body,
              R"({"generation":2,"changes":"migration users-display-name: off -> dual_write",)"
              R"("migrations":[{"name":"users-display-name","phase":"dual_write"}]})"
              "\n");
  });
  const HttpResponse s = status();
  EXPECT_NE(s.body.find(R"("generation":2,)"), std::string::npos) << s.describe();
  EXPECT_NE(s.body.find(R"("phase":"dual_write")"), std::string::npos) << s.describe();
  EXPECT_NE(s.body.find(R"("writes_rewritten":2)"), std::string::npos) << "inserts 3 and 4: " << s.describe();
  EXPECT_NE(proxy_->process().log().find("reload: generation 2: migration users-display-name: off -> dual_write"),
            std::string::npos);
  const HttpResponse m = http_request(admin_port_, "GET", "/metrics");
  EXPECT_NE(m.body.find("switchyard_reloads_total{result=\"ok\"} 1\n"), std::string::npos) << m.describe();
  EXPECT_NE(m.body.find("switchyard_config_generation 2\n"), std::string::npos);
  EXPECT_NE(m.body.find(R"(switchyard_statements_total{migration="users-display-name",kind="write",route="rewritten"} 2)"),
            std::string::npos);
  EXPECT_EQ(m.body.find("switchyard_upstream_seconds_count 0\n"), std::string::npos) << "upstream latency is timed";
}

TEST_F(Reload, SighupTakesEffectAtTheNextTransactionBoundary) {
  ASSERT_NO_FATAL_FAILURE(start());
  expect_adopted_at_commit([&] {
    edit_config("phase: off", "phase: dual_write");
    ASSERT_EQ(kill(proxy_->process().pid(), SIGHUP), 0);
    ASSERT_TRUE(eventually([&] { return status().body.find(R"("generation":2,)") != std::string::npos; }, 20s))
        << status().describe();
  });
  EXPECT_TRUE(proxy_->process().running());
}

TEST_F(Reload, InvalidConfigsAreRefusedAndTheRunningOneStays) {
  ASSERT_NO_FATAL_FAILURE(start());
  PgConn client = proxy_->connect_proxied();
  ASSERT_EQ(PQstatus(client.get()), CONNECTION_OK) << PQerrorMessage(client.get());
  const std::string original = config();
  struct Case {
    const char* name;
    std::string from, to;
    std::string error;  // what the 400 body must name
  };
  const Case cases[] = {
      {"YAML error", "phase: off", "phase: [off", "switchyard.yaml:1"},
      {"unknown key", "phase: off", "phase: dual_write\n    phaze: off", "migrations[0].phaze: unknown key"},
      {"unknown phase", "phase: off", "phase: dual", "migrations[0].phase: 'dual' is not one of"},
      {"unknown column", "from: full_name", "from: full_nam", "full_nam"},
      {"bad up expression", "rename_column: {from: full_name, to: display_name}\n    phase: off",
       "add_column: {name: display_name, up: \"full_name ||| 'x'\"}\n    phase: dual_write", "up.display_name"},
      {"threads change", "threads: 2", "threads: 3", "threads: changed from 2 to 3; this needs a restart"},
      {"admin.listen change", "{listen: 127.0.0.1:" + std::to_string(admin_port_), "{listen: 127.0.0.1:1",
       "admin.listen: changed"},
      {"listen on a busy port", "listen: 127.0.0.1:" + std::to_string(proxy_->process().endpoint().port) + "\n",
       "listen: 127.0.0.1:" + std::to_string(admin_port_) + "\n", "cannot listen on 127.0.0.1:"},
  };
  int failed = 0;
  for (const auto& c : cases) {
    std::string error;
    ASSERT_TRUE(write_file(proxy_->process().config_path(), original, error)) << error;
    ASSERT_NO_FATAL_FAILURE(edit_config(c.from, c.to)) << c.name;
    const size_t log_offset = proxy_->process().log().size();
    const HttpResponse r = reload();
    ++failed;
    EXPECT_EQ(r.status, 400) << c.name << ": " << r.describe();
    EXPECT_EQ(r.body.rfind("{\"error\":", 0), 0u) << c.name << ": " << r.body;
    EXPECT_NE(r.body.find(c.error), std::string::npos) << c.name << ": " << r.body;
    const std::string log = proxy_->process().log(log_offset);
    EXPECT_NE(log.find("reload refused: "), std::string::npos) << c.name << ": " << log;
    EXPECT_NE(log.find("generation 1 stays in force"), std::string::npos) << c.name << ": " << log;
    // The running config is still in force: the migration is off, so writes are not mirrored.
    insert(client.get(), 100 + failed);
    EXPECT_EQ(mirrored(100 + failed), "") << c.name;
    EXPECT_NE(status().body.find(R"("generation":1,)"), std::string::npos) << c.name;
  }
  EXPECT_NE(http_request(admin_port_, "GET", "/metrics").body.find(
                "switchyard_reloads_total{result=\"failed\"} " + std::to_string(failed) + "\n"),
            std::string::npos);
  // Fixed, the file reloads.
  std::string error;
  ASSERT_TRUE(write_file(proxy_->process().config_path(), original, error)) << error;
  ASSERT_NO_FATAL_FAILURE(edit_config("phase: off", "phase: dual_write"));
  const HttpResponse r = reload();
  ASSERT_EQ(r.status, 200) << r.describe();
  insert(client.get(), 200);
  EXPECT_EQ(mirrored(200), "user 200");
}

TEST_F(Reload, ListenChangeMovesNewSessionsAndKeepsOpenOnes) {
  ASSERT_NO_FATAL_FAILURE(start());
  PgConn old_session = proxy_->connect_proxied();
  ASSERT_EQ(PQstatus(old_session.get()), CONNECTION_OK) << PQerrorMessage(old_session.get());
  const std::string backend = query_value(old_session.get(), "SELECT pg_backend_pid()");
  const int old_port = proxy_->process().endpoint().port;
  const int new_port = pick_free_port();
  edit_config("listen: 127.0.0.1:" + std::to_string(old_port) + "\n", "listen: 127.0.0.1:" + std::to_string(new_port) + "\n");
  const HttpResponse r = reload();
  ASSERT_EQ(r.status, 200) << r.describe();
  EXPECT_NE(r.body.find("listen 127.0.0.1:" + std::to_string(old_port) + " -> 127.0.0.1:" + std::to_string(new_port)),
            std::string::npos)
      << r.body;

  Endpoint moved = proxy_->process().endpoint();
  moved.port = new_port;
  PgConn fresh = connect(moved.conninfo(kDatabase, kSuperuser));
  ASSERT_EQ(PQstatus(fresh.get()), CONNECTION_OK) << PQerrorMessage(fresh.get());
  EXPECT_EQ(query_value(fresh.get(), "SELECT 1"), "1");
  EXPECT_FALSE(accepts_tcp("127.0.0.1", old_port)) << "the old listener is closed";
  EXPECT_EQ(query_value(old_session.get(), "SELECT pg_backend_pid()"), backend) << "the open session is untouched";
  EXPECT_NE(status().body.find("\"listen\":\"127.0.0.1:" + std::to_string(new_port) + "\""), std::string::npos);
}

TEST_F(Reload, AdminTokenIsRequired) {
  ASSERT_EQ(setenv(kTokenVariable, "tok-3f9a", 1), 0);
  ASSERT_NO_FATAL_FAILURE(start(std::string(", token_env: ") + kTokenVariable));
  unsetenv(kTokenVariable);
  HttpResponse r = status();
  EXPECT_EQ(r.status, 401) << r.describe();
  EXPECT_EQ(r.header("www-authenticate").rfind("Bearer", 0), 0u) << r.headers;
  EXPECT_EQ(status("tok-3f9b").status, 401);
  EXPECT_EQ(reload().status, 401);
  r = status("tok-3f9a");
  EXPECT_EQ(r.status, 200) << r.describe();
  EXPECT_NE(r.body.find(R"("generation":1,)"), std::string::npos) << r.body;
  EXPECT_EQ(http_request(admin_port_, "GET", "/metrics", "tok-3f9a").status, 200);
  EXPECT_EQ(http_request(admin_port_, "GET", "/healthz").status, 200) << "healthz stays open";
  r = reload("tok-3f9a");
  EXPECT_EQ(r.status, 200) << r.describe();
  EXPECT_NE(r.body.find(R"("generation":2,"changes":"no changes")"), std::string::npos) << r.body;
}

TEST_F(Reload, StartupIsRefusedWhenTheTokenVariableIsNotSet) {
  unsetenv(kTokenVariable);
  const std::string admin = "admin: {listen: 127.0.0.1:" + std::to_string(pick_free_port()) +
                            ", token_env: " + kTokenVariable + "}\n";
  std::string error;
  auto proxy = ProxyProcess::start(integration_env().direct(), admin, error);
  EXPECT_FALSE(proxy) << "switchyard started without its admin token";
  EXPECT_NE(error.find(std::string("environment variable ") + kTokenVariable + " is not set or is empty"),
            std::string::npos)
      << error;
}

}  // namespace
}  // namespace switchyard::test_support
