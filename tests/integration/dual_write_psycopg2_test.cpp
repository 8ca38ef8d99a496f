// A second real driver beside libpq: Python's psycopg2 (client-side %s parameters, executemany,
// transactions) writes both shapes of the seeds through switchyard in dual_write; the script
// (drivers/psycopg2_dual_write.py) fails on any client error, and PostgreSQL, asked directly,
// holds both shapes equal.
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "tests/integration/dual_write_seeds.h"
#include "tests/support/migration_proxy.h"
#include "tests/support/run_command.h"

namespace switchyard::test_support {
namespace {

// Debian's interpreter, where the python3-psycopg2 package installs (scripts/install-deps.sh);
// a python3 earlier on PATH (pyenv, a virtualenv) may not have it.
constexpr char kPython[] = "/usr/bin/python3";
constexpr char kScript[] = SWITCHYARD_SOURCE_DIR "/tests/integration/drivers/psycopg2_dual_write.py";

TEST(DualWritePsycopg2, WritesOfBothShapesLandInBothColumns) {
  const std::string migrations = std::string("migrations:") + seeds::kUsersDisplayName + seeds::kAccountsIncludeBool +
                                 seeds::kAccountsId;
  std::string error;
  auto proxy = MigrationProxy::start("dual_write_psycopg2", std::string(seeds::kUsersTable) + seeds::kAccountsTable,
                                     migrations, error);
  ASSERT_TRUE(proxy) << error;

  const CommandResult script = run_command({kPython, kScript, proxy->proxied_conninfo()}, 60s);

  ASSERT_TRUE(script.succeeded()) << script.describe() << "(is python3-psycopg2 installed? scripts/install-deps.sh)\n"
                                  << "--- switchyard log (tail) ---\n" << proxy->log_tail();
  PgConn direct = proxy->connect_direct();
  EXPECT_EQ(query_value(direct.get(), "SELECT count(*) FROM users"), "12") << "ids 1-11 and 20; 30 and 40 rolled back";
  EXPECT_EQ(query_value(direct.get(), seeds::kUsersNamesDiffer), "0");
  EXPECT_EQ(query_value(direct.get(),
                        "SELECT string_agg(id || '=' || full_name, ', ' ORDER BY id) FROM users WHERE id IN (1, 2, 3, 11, 20)"),
            "1=Ada King, 2=Alan Turing, 3=Edsger Dijkstra, 11=Barbara Liskov, 20=Grace O'Hopper");
  EXPECT_EQ(query_value(direct.get(), seeds::kAccountsIncludeDiffers), "0");
  EXPECT_EQ(query_value(direct.get(), seeds::kAccountsIdDiffers), "0");
  EXPECT_EQ(query_value(direct.get(),
                        "SELECT string_agg(name || '=' || include || '/' || include_bool, ' ' ORDER BY aid) FROM accounts"),
            "checking=/false savings=/false credit=X/true");
}

}  // namespace
}  // namespace switchyard::test_support
