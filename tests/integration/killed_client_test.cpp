// A client killed with SIGKILL in the middle of a transaction and a long query leaves no
// backend behind: switchyard closes its upstream connection, and PostgreSQL ends the session.
#include <gtest/gtest.h>

#include <signal.h>
#include <sys/wait.h>

#include "tests/support/child_process.h"
#include "tests/support/integration_environment.h"
#include "tests/support/pg_connection.h"
#include "tests/support/temp_dir.h"
#include "tests/support/wait.h"

namespace switchyard::test_support {
namespace {

constexpr char kApplication[] = "killed_client_test";

std::string backends(PGconn* direct, const std::string& extra_condition = "") {
  return query_value(direct, std::string("SELECT count(*) FROM pg_stat_activity WHERE application_name = '") +
                                 kApplication + "'" + extra_condition);
}

TEST(KilledClient, LeavesNoBackendBehind) {
  IntegrationEnvironment& env = integration_env();
  PgConn direct = connect(env.direct().conninfo("postgres", kSuperuser));
  ASSERT_EQ(PQstatus(direct.get()), CONNECTION_OK) << PQerrorMessage(direct.get());
  std::string error;
  std::unique_ptr<TempDir> dir = TempDir::create("switchyard-killed-", error);
  ASSERT_TRUE(dir) << error;
  ChildSpec spec;
  spec.argv = {pg_program("psql"), "-X", "-d",
               env.proxied().conninfo(kAppDatabase, kSuperuser) + " application_name=" + kApplication, "-c",
               "BEGIN; SELECT 1; SELECT pg_sleep(600);"};
  spec.output_path = dir->file("psql.log");
  std::unique_ptr<ChildProcess> psql = ChildProcess::spawn(spec, error);
  ASSERT_TRUE(psql) << error;

  ASSERT_TRUE(eventually([&] { return backends(direct.get(), " AND state = 'active'") == "1"; }, 10s, 100ms))
      << "psql never showed up in pg_stat_activity\n" << read_file(spec.output_path);
  const int status = psql->stop(SIGKILL, 0ms);
  EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) << describe_wait_status(status);

  const bool gone = eventually([&] { return backends(direct.get()) == "0"; }, 10s, 200ms);
  EXPECT_TRUE(gone) << "a backend of the killed client was still there 10 s later";
  if (!gone) {
    exec(direct.get(), std::string("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = '") +
                           kApplication + "'");
  }
}

}  // namespace
}  // namespace switchyard::test_support
