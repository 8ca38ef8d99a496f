// The seeds end to end: applications write the old shape or the new one through switchyard in
// dual_write, and PostgreSQL, asked directly, holds both shapes equal after every workload.
#include <gtest/gtest.h>

#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "tests/integration/dual_write_seeds.h"
#include "tests/support/migration_proxy.h"
#include "tests/support/statement_runner.h"

namespace switchyard::test_support {
namespace {

constexpr char kDatabase[] = "dual_write_seeds";

class DualWriteSeeds : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    const std::string schema = std::string(seeds::kUsersTable) + "ALTER TABLE users ADD COLUMN email_verified boolean;\n" +
                               seeds::kAccountsTable;
    const std::string migrations = std::string("migrations:") + seeds::kUsersDisplayName + seeds::kAccountsIncludeBool +
                                   seeds::kAccountsId + seeds::kUsersEmailVerified;
    proxy_ = MigrationProxy::start(kDatabase, schema, migrations, start_error_);
  }
  static void TearDownTestSuite() { proxy_.reset(); }

  void SetUp() override {
    ASSERT_TRUE(proxy_) << "cannot start switchyard with the seeds' migrations: " << start_error_;
    direct_ = proxy_->connect_direct();
    client_ = proxy_->connect_proxied();
    ASSERT_EQ(PQstatus(direct_.get()), CONNECTION_OK) << PQerrorMessage(direct_.get());
    ASSERT_EQ(PQstatus(client_.get()), CONNECTION_OK) << PQerrorMessage(client_.get());
    PgResult emptied = exec(direct_.get(), "TRUNCATE users, accounts RESTART IDENTITY");
    ASSERT_EQ(PQresultStatus(emptied.get()), PGRES_COMMAND_OK) << describe(emptied.get());
  }
  void TearDown() override {
    if (HasFailure() && proxy_) std::fprintf(stderr, "--- switchyard log (tail) ---\n%s\n", proxy_->log_tail().c_str());
  }

  // Runs `sql` through switchyard as the application would; it must succeed.
  void write(const std::string& sql, std::vector<std::optional<std::string>> params = {},
             Protocol protocol = Protocol::kSimple) {
    PgResult result = run(client_.get(), Statement{sql, std::move(params), {}}, protocol);
    const ExecStatusType status = result ? PQresultStatus(result.get()) : PGRES_FATAL_ERROR;
    EXPECT_TRUE(status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) << sql << "\n-> " << describe(result.get());
  }
  // Asks PostgreSQL directly, behind the proxy's back.
  std::string stored(const std::string& sql) { return query_value(direct_.get(), sql); }

  static inline std::unique_ptr<MigrationProxy> proxy_;
  static inline std::string start_error_;
  PgConn direct_;
  PgConn client_;
};

TEST_F(DualWriteSeeds, OldShapedWritesToUsersLandInDisplayNameToo) {
  write("INSERT INTO users (id, full_name) VALUES (1, 'Ada Lovelace'), (2, 'Alan Turing')");
  write("INSERT INTO users (id, full_name, email) VALUES ($1, $2, $3)", {"3", "Grace Hopper", "grace@example.com"},
        Protocol::kExtended);
  write("INSERT INTO users (id, full_name) VALUES ($1, $2)", {"4", "Edsger Dijkstra"}, Protocol::kPrepared);
  write("UPDATE users SET full_name = 'Ada King' WHERE id = 1");
  write("UPDATE users SET full_name = $1 WHERE id = $2", {"Alan M. Turing", "2"}, Protocol::kExtended);

  EXPECT_EQ(stored("SELECT count(*) FROM users"), "4");
  EXPECT_EQ(stored(seeds::kUsersNamesDiffer), "0");
  EXPECT_EQ(stored("SELECT string_agg(display_name, ', ' ORDER BY id) FROM users"),
            "Ada King, Alan M. Turing, Grace Hopper, Edsger Dijkstra");
}

TEST_F(DualWriteSeeds, NewShapedWritesToUsersLandInFullNameToo) {
  write("INSERT INTO users (id, display_name) VALUES (1, 'Ada Lovelace')");
  write("INSERT INTO users (id, display_name, email) VALUES ($1, $2, $3)", {"2", "Alan Turing", "alan@example.com"},
        Protocol::kPrepared);
  write("UPDATE users SET display_name = $1 WHERE id = $2", {"Ada King", "1"}, Protocol::kExtended);

  EXPECT_EQ(stored("SELECT count(*) FROM users"), "2");
  EXPECT_EQ(stored(seeds::kUsersNamesDiffer), "0");
  EXPECT_EQ(stored("SELECT string_agg(full_name, ', ' ORDER BY id) FROM users"), "Ada King, Alan Turing");
}

TEST_F(DualWriteSeeds, IncludeFlagsLandInIncludeBoolAndBack) {
  write("INSERT INTO accounts (include, name) VALUES ('X', 'checking'), ('', 'savings')");
  write("INSERT INTO accounts (include, name) VALUES ($1, $2)", {"X", "credit"}, Protocol::kPrepared);
  write("UPDATE accounts SET include = 'X' WHERE name = 'savings'");
  write("INSERT INTO accounts (include_bool, name) VALUES (false, 'loan'), ($1, 'brokerage')", {"true"},
        Protocol::kExtended);
  write("UPDATE accounts SET include_bool = $1 WHERE name = $2", {"false", "checking"}, Protocol::kExtended);

  EXPECT_EQ(stored("SELECT count(*) FROM accounts"), "5");
  EXPECT_EQ(stored(seeds::kAccountsIncludeDiffers), "0");
  EXPECT_EQ(stored("SELECT string_agg(name || '=' || include, ' ' ORDER BY aid) FROM accounts"),
            "checking= savings=X credit=X loan= brokerage=X");
}

TEST_F(DualWriteSeeds, AccountsGetTheirSerialAidAsIdWithTheSequenceAdvancedOncePerRow) {
  write("INSERT INTO accounts (include, name) VALUES ('X', 'checking')");
  write("INSERT INTO accounts (name) VALUES ('savings'), ('credit')");
  write("INSERT INTO accounts (aid, include) VALUES (DEFAULT, $1)", {"X"}, Protocol::kPrepared);
  write("INSERT INTO accounts (aid, include, name) VALUES (100, '', 'chosen key')");
  write("UPDATE accounts SET aid = aid + 1000 WHERE name = 'credit'");

  EXPECT_EQ(stored("SELECT count(*) FROM accounts"), "5");
  EXPECT_EQ(stored(seeds::kAccountsIdDiffers), "0");
  // Four rows took their key from the sequence: had nextval() run twice for one row, the
  // sequence would be past 4.
  EXPECT_EQ(stored("SELECT last_value FROM accounts_aid_seq"), "4");
  EXPECT_EQ(stored("SELECT string_agg(id::text, ' ' ORDER BY id) FROM accounts"), "1 2 4 100 1003");
  EXPECT_EQ(stored(seeds::kAccountsIncludeDiffers), "0");
}

TEST_F(DualWriteSeeds, EmailVerifiedFollowsEveryWriteOfEmail) {
  write("INSERT INTO users (id, full_name, email) VALUES (1, 'Ada', 'ada@example.com'), (2, 'Alan', 'not an address')");
  write("INSERT INTO users (id, full_name) VALUES (3, 'Grace')");
  write("INSERT INTO users (id, display_name, email) VALUES ($1, $2, $3)", {"4", "Edsger", std::nullopt}, Protocol::kExtended);
  write("UPDATE users SET email = $1 WHERE id = $2", {"alan@example.com", "2"}, Protocol::kPrepared);
  write("UPDATE users SET email = NULL WHERE id = 1");

  EXPECT_EQ(stored("SELECT count(*) FROM users"), "4");
  EXPECT_EQ(stored(seeds::kEmailVerifiedWrong), "0");
  EXPECT_EQ(stored("SELECT string_agg(id || '=' || email_verified, ' ' ORDER BY id) FROM users"),
            "1=false 2=true 3=false 4=false");
  EXPECT_EQ(stored(seeds::kUsersNamesDiffer), "0");
}

}  // namespace
}  // namespace switchyard::test_support
