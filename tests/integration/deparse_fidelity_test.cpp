// Deparse fidelity against a real server: every expression of paren_cases.h, written and
// returned under a cast through each migration kind's rewrite (rename_column, rename_table,
// copy_table, in dual_write), gives the client what the same statement gives on a reference
// database without switchyard (tag, rows, column names and types, or the same error), in the
// simple and extended protocols; afterwards the old tables match the reference's and each new
// shape matches its old one. RETURNING system columns on the two-table kinds give the values of
// the row the statement wrote. psql prints the same error carets through switchyard.
#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "tests/integration/dual_write_seeds.h"
#include "tests/rewrite/pg/paren_cases.h"
#include "tests/support/migration_proxy.h"
#include "tests/support/run_command.h"
#include "tests/support/statement_runner.h"
#include "tests/support/temp_dir.h"

namespace switchyard::test_support {
namespace {

// After seeds::kUsersTable.
constexpr char kTables[] = R"(
  CREATE TABLE inovices (id int PRIMARY KEY, customer text NOT NULL, note text);
  CREATE TABLE invoices (id int PRIMARY KEY, customer text NOT NULL, note text);
  CREATE TABLE legacy_accounts (id int PRIMARY KEY, name text NOT NULL, user_id int NOT NULL, accttype text);
  CREATE TABLE account (id int PRIMARY KEY, name text NOT NULL, user_id int NOT NULL, type text);
  INSERT INTO users VALUES (1, 'Ada', 'ada@example.com', 'Ada'), (2, 'Alan', NULL, 'Alan');
  INSERT INTO inovices VALUES (1, 'c1', NULL), (2, 'c2', 'n2');
  INSERT INTO invoices SELECT * FROM inovices;
  INSERT INTO legacy_accounts VALUES (1, 'a1', 1, 'CHECKING'), (2, 'a2', 2, NULL);
  INSERT INTO account SELECT * FROM legacy_accounts;
)";

constexpr char kTableMigrations[] = R"(
  - name: invoices
    rename_table: {from: inovices, to: invoices}
    phase: dual_write
  - name: account-split
    copy_table:
      from: legacy_accounts
      to: account
      key: [id]
      columns: {id: id, name: name, user_id: user_id, type: accttype}
      down: {accttype: type}
    phase: dual_write
)";

// "(E)" stands for the expression; "(K," for a number unique to it.
const std::vector<std::string> kTemplates = {
    // rename_column refuses a SET value it deems volatile (rewrite/pg/expr.cpp decides), so there
    // the expression is written by an INSERT and read in WHERE and RETURNING.
    "UPDATE users SET full_name = 'v' || id WHERE id = 1 AND (E)::text IS NOT NULL RETURNING id, (E)::text, full_name",
    "INSERT INTO users (id, full_name) VALUES (K, (E)::text) RETURNING (E)::text, full_name",
    "UPDATE inovices SET note = (E)::text WHERE id = 2 RETURNING (E)::text AS r, note",
    "INSERT INTO legacy_accounts (id, name, user_id, accttype) VALUES (K, 'n', 1, (E)::text) RETURNING (E)::text, accttype",
    "UPDATE legacy_accounts SET accttype = (E)::text WHERE id = 2 RETURNING (E)::text AS r, accttype",
    "DELETE FROM inovices WHERE id = -1 AND (E)::text IS NOT NULL RETURNING (E)::text",
};

class DeparseFidelity : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    const std::string migrations = std::string("migrations:") + seeds::kUsersDisplayName + kTableMigrations;
    const std::string setup = std::string(seeds::kUsersTable) + kTables;
    proxy_ = MigrationProxy::start("deparse_fidelity", setup, migrations, error_);
    if (proxy_) reference_ = MigrationProxy::start("deparse_fidelity_reference", setup, "", error_);
  }
  static void TearDownTestSuite() {
    proxy_.reset();
    reference_.reset();
  }
  void SetUp() override { ASSERT_TRUE(proxy_ && reference_) << error_; }
  void TearDown() override {
    if (HasFailure() && proxy_) std::fprintf(stderr, "--- switchyard log (tail) ---\n%s\n", proxy_->log_tail().c_str());
  }
  static inline std::unique_ptr<MigrationProxy> proxy_, reference_;
  static inline std::string error_;
};

TEST_F(DeparseFidelity, EveryExpressionMeansTheSameThroughEachMigrationKind) {
  PgConn through = proxy_->connect_proxied();
  PgConn ref = reference_->connect_direct();
  ASSERT_EQ(PQstatus(through.get()), CONNECTION_OK);
  int k = 100;
  size_t ran = 0;
  for (const Protocol protocol : {Protocol::kSimple, Protocol::kExtended}) {
    for (const std::string& e : rewrite::testing::paren_expressions()) {
      ++k;
      for (const std::string& t : kTemplates) {
        const Statement s{rewrite::testing::with_expression(t, e, k), {}, {}};
        const PgResult got = run(through.get(), s, protocol);
        const PgResult want = run(ref.get(), s, protocol);
        ASSERT_TRUE(got && want);
        EXPECT_EQ(client_view(got.get()), client_view(want.get())) << s.sql << " (" << to_string(protocol) << ")";
        ++ran;
      }
    }
  }
  EXPECT_GT(ran, 1000u);

  PgConn direct = proxy_->connect_direct();
  const std::vector<std::string> old_tables = {
      "SELECT string_agg((id, full_name, email)::text, ' ' ORDER BY id) FROM users",
      "SELECT string_agg(i::text, ' ' ORDER BY id) FROM inovices i",
      "SELECT string_agg(a::text, ' ' ORDER BY id) FROM legacy_accounts a",
  };
  for (const std::string& q : old_tables) EXPECT_EQ(query_value(direct.get(), q), query_value(ref.get(), q)) << q;
  EXPECT_EQ(query_value(direct.get(), "SELECT count(*) FROM users WHERE display_name IS DISTINCT FROM full_name"), "0");
  EXPECT_EQ(query_value(direct.get(), "SELECT count(*) FROM (TABLE inovices EXCEPT TABLE invoices) d"), "0");
  EXPECT_EQ(query_value(direct.get(), "SELECT count(*) FROM (TABLE invoices EXCEPT TABLE inovices) d"), "0");
  EXPECT_EQ(query_value(direct.get(), "SELECT count(*) FROM (TABLE legacy_accounts EXCEPT TABLE account) d"), "0");
  EXPECT_EQ(query_value(direct.get(), "SELECT count(*) FROM account"), query_value(direct.get(), "SELECT count(*) FROM legacy_accounts"));
}

// What the row a statement wrote says of itself, against what the returned system columns say.
// cmin, cmax, xmax and tableoid are the same as on the reference (same commands in the same
// transaction shape); xmin and ctid are checked against the row as read afterwards in the same
// transaction.
TEST_F(DeparseFidelity, ReturningSystemColumnsGivesTheWrittenRows) {
  const struct {
    const char* write;   // returns id first, then xmin, ctid, then columns comparable with the reference
    const char* reread;  // xmin and ctid of the row, read after it
  } kCases[] = {
      {"UPDATE inovices SET note = 'sys' WHERE id = 1 RETURNING id, xmin, ctid, cmin, cmax, xmax, tableoid::regclass, note",
       "SELECT xmin, ctid FROM inovices WHERE id = 1"},
      {"INSERT INTO inovices AS i (id, customer) VALUES (50, 'sys') RETURNING i.id, i.xmin, ctid, "
       "i.tableoid::regclass AS t, cmax::text || '/' || xmax AS c",
       "SELECT xmin, ctid FROM inovices WHERE id = 50"},
      {"UPDATE legacy_accounts SET accttype = 'SAVINGS' WHERE id = 2 RETURNING id, xmin::text, ctid, tableoid::regclass, *",
       "SELECT xmin::text, ctid FROM legacy_accounts WHERE id = 2"},
      {"INSERT INTO legacy_accounts VALUES (60, 'x', 6, NULL) RETURNING id, xmin, ctid, cmin, tableoid = 'legacy_accounts'::regclass",
       "SELECT xmin, ctid FROM legacy_accounts WHERE id = 60"},
  };
  PgConn through = proxy_->connect_proxied();
  PgConn ref = reference_->connect_direct();
  for (const auto& c : kCases) {
    SCOPED_TRACE(c.write);
    for (PGconn* conn : {through.get(), ref.get()}) ASSERT_EQ(PQresultStatus(exec(conn, "BEGIN").get()), PGRES_COMMAND_OK);
    const PgResult got = exec(through.get(), c.write);
    const PgResult want = exec(ref.get(), c.write);
    ASSERT_EQ(PQresultStatus(got.get()), PGRES_TUPLES_OK) << describe(got.get());
    ASSERT_EQ(PQresultStatus(want.get()), PGRES_TUPLES_OK) << describe(want.get());
    ASSERT_EQ(PQntuples(got.get()), 1);
    ASSERT_EQ(PQnfields(got.get()), PQnfields(want.get()));
    for (int f = 0; f < PQnfields(got.get()); ++f) {
      EXPECT_STREQ(PQfname(got.get(), f), PQfname(want.get(), f));
      EXPECT_EQ(PQftype(got.get(), f), PQftype(want.get(), f)) << PQfname(got.get(), f);
      if (f == 1 || f == 2) continue;  // xmin, ctid: of this database's row
      EXPECT_STREQ(PQgetvalue(got.get(), 0, f), PQgetvalue(want.get(), 0, f)) << PQfname(got.get(), f);
    }
    const PgResult row = exec(through.get(), c.reread);
    ASSERT_EQ(PQntuples(row.get()), 1) << describe(row.get());
    EXPECT_STREQ(PQgetvalue(got.get(), 0, 1), PQgetvalue(row.get(), 0, 0)) << "xmin";
    EXPECT_STREQ(PQgetvalue(got.get(), 0, 2), PQgetvalue(row.get(), 0, 1)) << "ctid";
    for (PGconn* conn : {through.get(), ref.get()}) ASSERT_EQ(PQresultStatus(exec(conn, "COMMIT").get()), PGRES_COMMAND_OK);
  }
}

// psql run through switchyard and directly prints the same errors with the same caret line: the
// server's error position, which points into the rewritten text, is pointed back at the client's.
constexpr char kErrors[] = R"psql(\set ON_ERROR_STOP 0
UPDATE users SET full_name = lower(nme) WHERE id = 1;
UPDATE users
   SET email = 'x'
 WHERE idd = 1;
UPDATE inovices SET note = 'n' || 1 + true WHERE id = 1;
INSERT INTO legacy_accounts (id, name, user_id) VALUES (70, 'x', 'seven') RETURNING id;
SELECT 1 AS one \; UPDATE inovices SET note = nte WHERE id = 1 RETURNING xmin, ctid;
DELETE FROM legacy_accounts WHERE id = 1 AND name = 'é' AND accttype = 3::regclass;
)psql";

CommandResult run_psql(const std::string& conninfo, const std::string& script) {
  return run_command({pg_program("psql"), "-X", "-f", script, "-d", conninfo}, 60s);
}

TEST_F(DeparseFidelity, PsqlShowsTheSameCaretThroughTheProxy) {
  std::string error;
  std::unique_ptr<TempDir> dir = TempDir::create("switchyard-carets-", error);
  ASSERT_TRUE(dir) << error;
  ASSERT_TRUE(write_file(dir->file("errors.sql"), kErrors, error)) << error;
  const CommandResult direct = run_psql(reference_->direct_conninfo(), dir->file("errors.sql"));
  const CommandResult proxied = run_psql(proxy_->proxied_conninfo(), dir->file("errors.sql"));
  ASSERT_TRUE(direct.succeeded()) << direct.describe();
  ASSERT_TRUE(proxied.succeeded()) << proxied.describe();
  EXPECT_EQ(std::count(direct.err.begin(), direct.err.end(), '^'), 6) << direct.err;
  EXPECT_EQ(proxied.err, direct.err);
  EXPECT_EQ(proxied.out, direct.out);

  // Where the token stands twice in the client's text, the caret is left out rather than guessed.
  ASSERT_TRUE(write_file(dir->file("twice.sql"), "UPDATE users SET full_name = nme WHERE nme = 'a';\n", error)) << error;
  const CommandResult twice_direct = run_psql(reference_->direct_conninfo(), dir->file("twice.sql"));
  const CommandResult twice = run_psql(proxy_->proxied_conninfo(), dir->file("twice.sql"));
  EXPECT_NE(twice_direct.err.find('^'), std::string::npos) << twice_direct.err;
  EXPECT_EQ(twice.err, twice_direct.err.substr(0, twice_direct.err.find("\nLINE")) + "\n") << twice.err;
}

// The same in the extended protocol (the error comes as the answer to Parse), where the
// position reaches the client as PG_DIAG_STATEMENT_POSITION.
TEST_F(DeparseFidelity, ExtendedProtocolErrorsCarryTheClientsPosition) {
  const std::vector<std::string> kStatements = {
      "UPDATE users SET full_name = lower(nme) WHERE id = $1",
      "UPDATE inovices SET note = 'n' || 1 + true WHERE id = $1",
      "INSERT INTO legacy_accounts (id, name, user_id) VALUES ($1, 'é', 'seven') RETURNING id",
      "UPDATE users SET full_name = nme WHERE nme = $1",  // twice in the text: no position
  };
  PgConn through = proxy_->connect_proxied();
  PgConn ref = reference_->connect_direct();
  for (const std::string& sql : kStatements) {
    const Statement s{sql, {"1"}, {}};
    const PgResult got = run(through.get(), s, Protocol::kExtended);
    const PgResult want = run(ref.get(), s, Protocol::kExtended);
    ASSERT_TRUE(got && want);
    const char* wanted = PQresultErrorField(want.get(), PG_DIAG_STATEMENT_POSITION);
    const char* position = PQresultErrorField(got.get(), PG_DIAG_STATEMENT_POSITION);
    ASSERT_NE(wanted, nullptr) << sql;
    EXPECT_EQ(client_view(got.get()), client_view(want.get())) << sql;
    if (sql.find("nme = $1") != std::string::npos) EXPECT_EQ(position, nullptr) << sql;
    else EXPECT_STREQ(position, wanted) << sql;
  }
}

}  // namespace
}  // namespace switchyard::test_support
