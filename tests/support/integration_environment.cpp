// Starts and stops the shared PostgreSQL and switchyard (see integration_environment.h).
#include "tests/support/integration_environment.h"

#include <sys/wait.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "tests/support/child_process.h"
#include "tests/support/pg_connection.h"

namespace switchyard::test_support {
namespace {

IntegrationEnvironment* g_environment = nullptr;

}  // namespace

IntegrationEnvironment::IntegrationEnvironment() {
  const char* direct = std::getenv("SWITCHYARD_TEST_DIRECT");
  direct_mode_ = direct != nullptr && std::strcmp(direct, "1") == 0;
  g_environment = this;
}

IntegrationEnvironment::~IntegrationEnvironment() {
  if (g_environment == this) g_environment = nullptr;
}

void IntegrationEnvironment::SetUp() {
  std::string error;
  postgres_ = PgCluster::start(error);
  ASSERT_TRUE(postgres_) << "cannot start PostgreSQL: " << error;
  if (direct_mode_) {
    std::printf("SWITCHYARD_TEST_DIRECT=1: tests talk to PostgreSQL on port %d directly\n", direct().port);
    return;
  }
  proxy_ = ProxyProcess::start(direct(), "", error);
  ASSERT_TRUE(proxy_) << "cannot start switchyard: " << error;
  std::printf("switchyard (pid %d) on port %d in front of PostgreSQL on port %d\n", proxy_->pid(),
              proxied().port, direct().port);
}

void IntegrationEnvironment::TearDown() {
  if (proxy_) {
    const bool was_running = proxy_->running();
    const int status = proxy_->stop();
    const bool clean = was_running && !proxy_->needed_sigkill() && WIFEXITED(status) && WEXITSTATUS(status) == 0;
    if (!clean) {
      const std::string log = proxy_->log();
      ADD_FAILURE() << "switchyard did not shut down cleanly on SIGTERM: " << (was_running ? "" : "it had exited before, ")
                    << describe_wait_status(status) << (proxy_->needed_sigkill() ? " (after SIGKILL)" : "")
                    << "\n--- switchyard log (tail) ---\n" << log.substr(log.size() > 4000 ? log.size() - 4000 : 0);
    }
    proxy_.reset();
  }
  postgres_.reset();
}

void IntegrationEnvironment::create_fresh_database(const std::string& name) {
  PgConn conn = connect(direct().conninfo("postgres", kSuperuser));
  ASSERT_EQ(PQstatus(conn.get()), CONNECTION_OK) << PQerrorMessage(conn.get());
  for (const std::string& sql : {"DROP DATABASE IF EXISTS " + name + " WITH (FORCE)", "CREATE DATABASE " + name}) {
    PgResult result = exec(conn.get(), sql);
    ASSERT_EQ(PQresultStatus(result.get()), PGRES_COMMAND_OK) << sql << ": " << describe(result.get());
  }
}

IntegrationEnvironment& integration_env() { return *g_environment; }

}  // namespace switchyard::test_support
