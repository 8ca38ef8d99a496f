// Execution equivalence: every write form of dual_write_equivalence_cases.h, sent through
// switchyard to database A, leaves A's tables exactly as the hand-written dual write leaves
// database B's (same schema, same rows), and the client sees the same command tag, row count,
// RETURNING rows, column names and types, or the same error, in each protocol. Prepared through
// switchyard, the statement describes the same parameter and column types as it does directly.
#include <gtest/gtest.h>

#include <cstdio>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "tests/integration/dual_write_equivalence_cases.h"
#include "tests/integration/dual_write_seeds.h"
#include "tests/support/integration_environment.h"
#include "tests/support/migration_proxy.h"

namespace switchyard::test_support {
namespace {

constexpr char kThroughProxy[] = "dual_write_equivalence_a";
constexpr char kByHand[] = "dual_write_equivalence_b";

constexpr char kPeopleTable[] = "CREATE TABLE people (id int PRIMARY KEY, name text, mail text);\n";

// The two-table kinds: inovices renamed to invoices, legacy_accounts copied into account.
constexpr char kTwoTables[] = R"(
  CREATE TABLE inovices (id serial PRIMARY KEY, customer text NOT NULL, amount numeric(10,2) NOT NULL DEFAULT 0,
                         note varchar(20));
  CREATE TABLE invoices (id int PRIMARY KEY, customer text NOT NULL, amount numeric(10,2) NOT NULL DEFAULT 0,
                         note varchar(20));
  CREATE TABLE legacy_accounts (id serial PRIMARY KEY, name text NOT NULL DEFAULT 'unnamed', accttype text);
  CREATE TABLE account (id int PRIMARY KEY, name text NOT NULL, type text);
)";
constexpr char kTwoTableMigrations[] = R"(
  - name: invoices-rename
    rename_table: {from: inovices, to: invoices}
    phase: dual_write
  - name: account-copy
    copy_table:
      from: legacy_accounts
      to: account
      columns: {id: id, name: name, type: "CASE accttype WHEN 'CHECKING' THEN 'ASSET' ELSE 'LIABILITY' END"}
      down: {accttype: "CASE type WHEN 'ASSET' THEN 'CHECKING' ELSE 'CREDITLINE' END"}
    phase: dual_write
)";
// On B, triggers keep the new tables as a trigger-based tool would: the oracle for the
// two-table cases, whose hand-written statement is the application's own.
constexpr char kTwoTableTriggers[] = R"(
  CREATE FUNCTION mirror_inovices() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
    IF TG_OP = 'DELETE' THEN DELETE FROM invoices WHERE id = OLD.id; RETURN OLD; END IF;
    INSERT INTO invoices VALUES (NEW.*)
      ON CONFLICT (id) DO UPDATE SET customer = EXCLUDED.customer, amount = EXCLUDED.amount, note = EXCLUDED.note;
    RETURN NEW; END $$;
  CREATE TRIGGER mirror AFTER INSERT OR UPDATE OR DELETE ON inovices FOR EACH ROW EXECUTE FUNCTION mirror_inovices();
  CREATE FUNCTION mirror_legacy_accounts() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
    IF TG_OP = 'DELETE' THEN DELETE FROM account WHERE id = OLD.id; RETURN OLD; END IF;
    INSERT INTO account VALUES (NEW.id, NEW.name, CASE NEW.accttype WHEN 'CHECKING' THEN 'ASSET' ELSE 'LIABILITY' END)
      ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, type = EXCLUDED.type;
    RETURN NEW; END $$;
  CREATE TRIGGER mirror AFTER INSERT OR UPDATE OR DELETE ON legacy_accounts FOR EACH ROW
    EXECUTE FUNCTION mirror_legacy_accounts();
)";

// The same rows in A and B before every run; the seeded rows keep both shapes equal.
constexpr char kReset[] = R"(
  SET LOCAL session_replication_role = replica;  -- B's triggers: the rows are set here as they are
  TRUNCATE users, accounts, people, inovices, invoices, legacy_accounts, account RESTART IDENTITY;
  INSERT INTO inovices (customer, amount, note) VALUES ('acme', 1, NULL), ('globex', 2, 'g'), ('initech', 3, NULL);
  INSERT INTO invoices SELECT * FROM inovices;
  INSERT INTO legacy_accounts (name, accttype) VALUES ('a1', 'CHECKING'), ('a2', 'CREDITLINE');
  INSERT INTO account SELECT id, name, CASE accttype WHEN 'CHECKING' THEN 'ASSET' ELSE 'LIABILITY' END FROM legacy_accounts;
  INSERT INTO users VALUES (1, 'Ada Lovelace', 'ada@example.com', 'Ada Lovelace'), (2, 'Alan Turing', NULL, 'Alan Turing'),
                           (3, NULL, 'nobody@example.com', NULL);
  INSERT INTO accounts (include, name, include_bool) VALUES ('X', 'checking', true), ('', 'savings', false),
                                                           ('X', 'credit', true);
  UPDATE accounts SET id = aid;
  INSERT INTO people VALUES (2, 'Alan M. Turing', 'alan@example.com'), (4, 'Grace Hopper', 'grace@example.com'),
                            (5, 'Edsger Dijkstra', NULL);
)";

// Every row of both tables, and the sequence, as text.
constexpr char kState[] = R"(
  SELECT 'users: ' || coalesce((SELECT string_agg(u::text, ' ' ORDER BY u.id) FROM users u), '') || E'\n' ||
         'accounts: ' || coalesce((SELECT string_agg(a::text, ' ' ORDER BY a.aid) FROM accounts a), '') || E'\n' ||
         'sequence: ' || (SELECT last_value || ' ' || is_called FROM accounts_aid_seq) || E'\n' ||
         'inovices: ' || coalesce((SELECT string_agg(i::text, ' ' ORDER BY i.id) FROM inovices i), '') || E'\n' ||
         'invoices: ' || coalesce((SELECT string_agg(i::text, ' ' ORDER BY i.id) FROM invoices i), '') || E'\n' ||
         'legacy_accounts: ' || coalesce((SELECT string_agg(l::text, ' ' ORDER BY l.id) FROM legacy_accounts l), '') ||
         E'\naccount: ' || coalesce((SELECT string_agg(a::text, ' ' ORDER BY a.id) FROM account a), ''))";

// With volatile values: how many rows, and how many distinct names (one volatile value for the
// statement, or one per row, as PostgreSQL alone evaluates it).
constexpr char kRowCounts[] =
    "SELECT (SELECT count(*) FROM users) || ' users, ' || (SELECT count(*) FROM accounts) || ' accounts, ' || "
    "(SELECT count(DISTINCT full_name) FROM users) || ' names'";

std::string invariants_query() {
  return std::string("SELECT (") + seeds::kUsersNamesDiffer + ") || ' ' || (" + seeds::kAccountsIncludeDiffers +
         ") || ' ' || (" + seeds::kAccountsIdDiffers + ") || ' ' || " +
         "(SELECT count(*) FROM ((TABLE inovices EXCEPT TABLE invoices) UNION ALL (TABLE invoices EXCEPT TABLE inovices)) d)";
}

struct Run {
  size_t index;  // into equivalence_cases()
  Protocol protocol;
};

const EquivalenceCase& case_of(const Run& r) { return equivalence_cases()[r.index]; }

// How gtest names a run in its messages.
void PrintTo(const Run& r, std::ostream* out) { *out << case_of(r).name << " (" << to_string(r.protocol) << ")"; }

std::string run_name(const ::testing::TestParamInfo<Run>& info) {
  return case_of(info.param).name + "_" + std::string(to_string(info.param.protocol));
}

// Both databases, and switchyard with the seeds' accounts and users migrations in front of A.
class EquivalenceDatabases {
 public:
  static void SetUpTestSuite() {
    const std::string schema = std::string(seeds::kUsersTable) + seeds::kAccountsTable + kPeopleTable + kTwoTables;
    const std::string migrations = std::string("migrations:") + seeds::kUsersDisplayName + seeds::kAccountsIncludeBool +
                                   seeds::kAccountsId + kTwoTableMigrations;
    proxy_ = MigrationProxy::start(kThroughProxy, schema, migrations, start_error_);
    integration_env().create_fresh_database(kByHand);
    if (proxy_ && !run_direct(kByHand, schema + kTwoTableTriggers, start_error_)) proxy_.reset();
  }
  static void TearDownTestSuite() { proxy_.reset(); }

 protected:
  // Connects to both databases and puts the same rows in both.
  void open() {
    ASSERT_TRUE(proxy_) << "cannot set up the databases: " << start_error_;
    client_ = proxy_->connect_proxied();
    direct_a_ = proxy_->connect_direct();
    direct_b_ = connect(integration_env().direct().conninfo(kByHand, kSuperuser));
    for (PGconn* conn : {client_.get(), direct_a_.get(), direct_b_.get()})
      ASSERT_EQ(PQstatus(conn), CONNECTION_OK) << PQerrorMessage(conn);
    for (PGconn* conn : {direct_a_.get(), direct_b_.get()}) {
      PgResult reset = exec(conn, kReset);
      ASSERT_EQ(PQresultStatus(reset.get()), PGRES_COMMAND_OK) << describe(reset.get());
    }
  }
  void print_log_if(bool failed) {
    if (failed && proxy_) std::fprintf(stderr, "--- switchyard log (tail) ---\n%s\n", proxy_->log_tail().c_str());
  }

  static inline std::unique_ptr<MigrationProxy> proxy_;
  static inline std::string start_error_;
  PgConn client_;    // through switchyard, to A
  PgConn direct_a_;  // A, behind the proxy's back
  PgConn direct_b_;  // B, where the hand-written statements run
};

// One fixture for both parameterised suites below; each suite needs its own type.
class EquivalenceTest : public EquivalenceDatabases, public ::testing::TestWithParam<Run> {
 public:
  using EquivalenceDatabases::SetUpTestSuite;  // not ::testing::Test's
  using EquivalenceDatabases::TearDownTestSuite;

 protected:
  void SetUp() override { open(); }
  void TearDown() override { print_log_if(HasFailure()); }
};

class DualWriteEquivalence : public EquivalenceTest {};

TEST_P(DualWriteEquivalence, LeavesTheTablesAndAnswersTheClientAsTheHandWrittenDualWrite) {
  const EquivalenceCase& c = case_of(GetParam());
  const Statement by_hand{c.by_hand, c.application.params, c.application.types};

  PgResult through_proxy = run(client_.get(), c.application, GetParam().protocol);
  PgResult written_by_hand = run(direct_b_.get(), by_hand, GetParam().protocol);

  // Volatile values differ between the runs by nature: their rows are compared by the invariant.
  const bool values_comparable = !c.volatile_values;
  EXPECT_EQ(client_view(through_proxy.get(), values_comparable), client_view(written_by_hand.get(), values_comparable));
  if (values_comparable) {
    EXPECT_EQ(query_value(direct_a_.get(), kState), query_value(direct_b_.get(), kState));
  } else {
    EXPECT_EQ(query_value(direct_a_.get(), kRowCounts), query_value(direct_b_.get(), kRowCounts));
    EXPECT_EQ(query_value(direct_a_.get(), invariants_query()), "0 0 0 0");
    EXPECT_EQ(query_value(direct_b_.get(), invariants_query()), "0 0 0 0") << "the hand-written statement is wrong";
  }
}

std::vector<Run> outcome_runs() {
  std::vector<Run> runs;
  for (size_t i = 0; i < equivalence_cases().size(); ++i) {
    const EquivalenceCase& c = equivalence_cases()[i];
    runs.push_back({i, Protocol::kSimple});
    if (c.simple_only) continue;
    runs.push_back({i, Protocol::kExtended});
    if (!c.application.params.empty()) runs.push_back({i, Protocol::kExtendedTyped});
    runs.push_back({i, Protocol::kPrepared});
  }
  return runs;
}

INSTANTIATE_TEST_SUITE_P(WriteForms, DualWriteEquivalence, ::testing::ValuesIn(outcome_runs()), run_name);

class DualWriteDescription : public EquivalenceTest {};

TEST_P(DualWriteDescription, DescribesTheSameParameterAndColumnTypesAsPostgreSQLDoes) {
  const Statement& s = case_of(GetParam()).application;
  // kPrepared: the server infers the parameter types; kExtendedTyped: the client declares them.
  const std::vector<Oid> declared = GetParam().protocol == Protocol::kExtendedTyped ? s.types : std::vector<Oid>{};

  PgResult through_proxy = prepare_and_describe(client_.get(), s.sql, declared);
  PgResult directly = prepare_and_describe(direct_b_.get(), s.sql, declared);

  EXPECT_EQ(description_view(through_proxy.get()), description_view(directly.get()));
}

std::vector<Run> description_runs() {
  std::vector<Run> runs;
  for (size_t i = 0; i < equivalence_cases().size(); ++i) {
    const EquivalenceCase& c = equivalence_cases()[i];
    if (c.simple_only) continue;
    runs.push_back({i, Protocol::kPrepared});
    if (!c.application.params.empty()) runs.push_back({i, Protocol::kExtendedTyped});
  }
  return runs;
}

INSTANTIATE_TEST_SUITE_P(WriteForms, DualWriteDescription, ::testing::ValuesIn(description_runs()), run_name);

}  // namespace
}  // namespace switchyard::test_support
