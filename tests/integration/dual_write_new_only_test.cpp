// new_only: old-shaped writes are translated to write the new column only, so the old column can
// be dropped while applications still write it: the switchyard running at the drop, and one
// started after it, keep serving those writes, RETURNING of the old column included, with no
// client error.
#include <gtest/gtest.h>

#include <cstdio>
#include <memory>
#include <string>

#include "tests/integration/dual_write_seeds.h"
#include "tests/support/migration_proxy.h"
#include "tests/support/statement_runner.h"

namespace switchyard::test_support {
namespace {

std::string in_new_only(std::string migration) {
  migration.replace(migration.find("phase: dual_write"), std::string("phase: dual_write").size(), "phase: new_only");
  return migration;
}

std::string new_only_migrations() { return "migrations:" + in_new_only(seeds::kUsersDisplayName); }

// Runs `statement` through a proxy; it must succeed.
PgResult write(PGconn* conn, const Statement& statement, Protocol protocol = Protocol::kSimple) {
  PgResult result = run(conn, statement, protocol);
  const ExecStatusType status = result ? PQresultStatus(result.get()) : PGRES_FATAL_ERROR;
  EXPECT_TRUE(status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK)
      << statement.sql << " (" << to_string(protocol) << ")\n-> " << describe(result.get());
  return result;
}

constexpr char kNames[] = "SELECT string_agg(id || '=' || display_name, ' ' ORDER BY id) FROM users";

class DualWriteNewOnly : public ::testing::Test {
 protected:
  void start(const std::string& database) {
    std::string error;
    proxy_ = MigrationProxy::start(database, seeds::kUsersTable, new_only_migrations(), error);
    ASSERT_TRUE(proxy_) << error;
    direct_ = proxy_->connect_direct();
    ASSERT_EQ(PQstatus(direct_.get()), CONNECTION_OK) << PQerrorMessage(direct_.get());
  }
  void TearDown() override {
    for (MigrationProxy* p : {proxy_.get(), restarted_.get()})
      if (HasFailure() && p) std::fprintf(stderr, "--- switchyard log (tail) ---\n%s\n", p->log_tail().c_str());
  }
  std::string stored(const std::string& sql) { return query_value(direct_.get(), sql); }

  std::unique_ptr<MigrationProxy> proxy_;
  std::unique_ptr<MigrationProxy> restarted_;
  PgConn direct_;
};

TEST_F(DualWriteNewOnly, OldShapedWritesWriteTheNewColumnOnly) {
  ASSERT_NO_FATAL_FAILURE(start("dual_write_new_only"));
  PgConn client = proxy_->connect_proxied();
  ASSERT_EQ(PQstatus(client.get()), CONNECTION_OK) << PQerrorMessage(client.get());

  write(client.get(), {"INSERT INTO users (id, full_name, email) VALUES (1, 'Ada Lovelace', 'ada@example.com')", {}, {}});
  write(client.get(), {"INSERT INTO users (id, full_name) VALUES ($1, $2)", {"2", "Alan Turing"}, {}}, Protocol::kExtended);
  write(client.get(), {"UPDATE users SET full_name = $1 WHERE id = $2", {"Ada King", "1"}, {}}, Protocol::kPrepared);
  write(client.get(), {"INSERT INTO users (id, display_name) VALUES (3, 'Grace Hopper')", {}, {}});

  EXPECT_EQ(stored(kNames), "1=Ada King 2=Alan Turing 3=Grace Hopper");
  EXPECT_EQ(stored("SELECT count(*) FROM users WHERE full_name IS NOT NULL"), "0");
}

TEST_F(DualWriteNewOnly, ARunningProxyKeepsServingOldShapedWritesAfterTheOldColumnIsDropped) {
  ASSERT_NO_FATAL_FAILURE(start("dual_write_new_only_running"));
  PgConn client = proxy_->connect_proxied();
  ASSERT_EQ(PQstatus(client.get()), CONNECTION_OK) << PQerrorMessage(client.get());
  write(client.get(), {"INSERT INTO users (id, full_name) VALUES (1, 'Ada Lovelace')", {}, {}});

  PgResult dropped = exec(direct_.get(), "ALTER TABLE users DROP COLUMN full_name");
  ASSERT_EQ(PQresultStatus(dropped.get()), PGRES_COMMAND_OK) << describe(dropped.get());

  write(client.get(), {"INSERT INTO users (id, full_name) VALUES ($1, $2)", {"2", "Alan Turing"}, {}}, Protocol::kExtended);
  write(client.get(), {"UPDATE users SET full_name = $1 WHERE id = $2", {"Ada King", "1"}, {}}, Protocol::kPrepared);
  PgResult returned =
      write(client.get(), {"UPDATE users SET full_name = 'Alan M. Turing' WHERE id = 2 RETURNING full_name", {}, {}});

  ASSERT_EQ(PQntuples(returned.get()), 1);
  EXPECT_STREQ(PQfname(returned.get(), 0), "full_name");
  EXPECT_STREQ(PQgetvalue(returned.get(), 0, 0), "Alan M. Turing");
  EXPECT_EQ(stored(kNames), "1=Ada King 2=Alan M. Turing");
}

// After contract dropped full_name, a proxy (re)started in new_only still knows the column by
// name, so old-shaped writes keep working.
TEST_F(DualWriteNewOnly, AProxyStartedAfterTheOldColumnIsDroppedServesOldShapedWrites) {
  ASSERT_NO_FATAL_FAILURE(start("dual_write_new_only_dropped"));
  PgResult dropped = exec(direct_.get(), "ALTER TABLE users DROP COLUMN full_name");
  ASSERT_EQ(PQresultStatus(dropped.get()), PGRES_COMMAND_OK) << describe(dropped.get());
  proxy_.reset();

  std::string error;
  restarted_ = MigrationProxy::attach("dual_write_new_only_dropped", new_only_migrations(), error);
  ASSERT_TRUE(restarted_) << "switchyard refuses to start in new_only once the old column is dropped:\n" << error;
  PgConn client = restarted_->connect_proxied();
  ASSERT_EQ(PQstatus(client.get()), CONNECTION_OK) << PQerrorMessage(client.get());

  write(client.get(), {"INSERT INTO users (id, full_name) VALUES (1, 'Ada Lovelace')", {}, {}});
  write(client.get(), {"INSERT INTO users (id, full_name) VALUES ($1, $2)", {"2", "Alan Turing"}, {}}, Protocol::kPrepared);
  write(client.get(), {"UPDATE users SET full_name = $1 WHERE id = $2", {"Ada King", "1"}, {}}, Protocol::kExtended);
  PgResult returned = write(client.get(), {"UPDATE users SET full_name = $1 WHERE id = $2 RETURNING full_name",
                                           {"Alan M. Turing", "2"}, {}},
                            Protocol::kExtended);

  ASSERT_EQ(PQresultStatus(returned.get()), PGRES_TUPLES_OK);
  ASSERT_EQ(PQntuples(returned.get()), 1);
  EXPECT_STREQ(PQfname(returned.get(), 0), "full_name");
  EXPECT_EQ(PQftype(returned.get(), 0), kTextOid);
  EXPECT_STREQ(PQgetvalue(returned.get(), 0, 0), "Alan M. Turing");
  EXPECT_EQ(stored(kNames), "1=Ada King 2=Alan M. Turing");
}

// An old-shaped INSERT that leaves out include (dropped by contract, so NULL as it was without
// a default) writes include_bool as up(NULL), as the trigger of the old shape would have: the
// oracle is up evaluated by the server over a NULL include, not the rewriter's output.
TEST_F(DualWriteNewOnly, AnOmittedOldColumnGivesItsNewColumnUpOfItsDefault) {
  std::string error;
  const std::string migrations = "migrations:" + in_new_only(seeds::kAccountsIncludeBool);
  proxy_ = MigrationProxy::start("dual_write_new_only_default", seeds::kAccountsTable, migrations, error);
  ASSERT_TRUE(proxy_) << error;
  direct_ = proxy_->connect_direct();
  PgResult dropped = exec(direct_.get(), "ALTER TABLE accounts DROP COLUMN include");
  ASSERT_EQ(PQresultStatus(dropped.get()), PGRES_COMMAND_OK) << describe(dropped.get());
  proxy_.reset();
  restarted_ = MigrationProxy::attach("dual_write_new_only_default", migrations, error);
  ASSERT_TRUE(restarted_) << error;
  PgConn client = restarted_->connect_proxied();
  ASSERT_EQ(PQstatus(client.get()), CONNECTION_OK) << PQerrorMessage(client.get());

  PgResult returned = write(client.get(), {"INSERT INTO accounts DEFAULT VALUES RETURNING include_bool", {}, {}});
  write(client.get(), {"INSERT INTO accounts (name) VALUES ($1), (DEFAULT)", {"a"}, {}}, Protocol::kExtended);
  write(client.get(), {"INSERT INTO accounts (name, include) VALUES ('b', DEFAULT), ('c', 'X')", {}, {}});
  // A set operation has no select list to take the value: refused, nothing written.
  PgResult refused =
      run(client.get(), {"INSERT INTO accounts (name) SELECT 'd' UNION ALL SELECT 'e'", {}, {}}, Protocol::kSimple);
  ASSERT_EQ(PQresultStatus(refused.get()), PGRES_FATAL_ERROR);
  EXPECT_STREQ(PQresultErrorField(refused.get(), PG_DIAG_SQLSTATE), "0A000");
  write(client.get(), {"INSERT INTO accounts (name) SELECT DISTINCT n FROM (VALUES ('f'), ('f')) v(n)", {}, {}});

  const std::string up_of_null =
      stored("SELECT CASE WHEN include = 'X' THEN true ELSE false END FROM (SELECT NULL::char(1) AS include) s");
  ASSERT_EQ(up_of_null, "f");
  ASSERT_EQ(PQntuples(returned.get()), 1);
  EXPECT_STREQ(PQgetvalue(returned.get(), 0, 0), up_of_null.c_str());
  EXPECT_EQ(stored("SELECT string_agg(name || '=' || coalesce(include_bool::text, 'NULL'), ' ' ORDER BY aid) FROM accounts"),
            "unnamed=false a=false unnamed=false b=false c=true f=false");
}

}  // namespace
}  // namespace switchyard::test_support
