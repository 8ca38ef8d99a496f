// The DDL lint through a real switchyard: under `ddl_lint: warn` (the default) each dangerous
// statement runs and the proxy logs the rule; under `block` it fails with SQLSTATE 0A000 and a
// message naming the rule and the safe alternative, the schema is left as it was, the session
// stays usable, and a transaction in progress is aborted as by any error. The safe forms run in
// either mode, and the lint works without any migration configured.
#include <gtest/gtest.h>

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "tests/integration/dual_write_seeds.h"
#include "tests/support/migration_proxy.h"
#include "tests/support/statement_runner.h"
#include "tests/support/wait.h"

namespace switchyard::test_support {
namespace {

constexpr char kDatabase[] = "ddl_lint";

constexpr char kSchema[] = R"(
  CREATE TABLE orders (id int PRIMARY KEY, code varchar(10), code_upper text);
  INSERT INTO users VALUES (1, 'Ada Lovelace', 'ada@example.com', 'Ada Lovelace');
  INSERT INTO orders VALUES (1, 'a-1', 'A-1');
)";
// Recreated before every test, so each starts from the same populated tables.
constexpr char kReset[] = R"(
  DROP TABLE IF EXISTS people, persons, orgs CASCADE;
  CREATE TABLE orgs (id int PRIMARY KEY);
  CREATE TABLE people (id int, name text, age int, org int);
  INSERT INTO orgs VALUES (1);
  INSERT INTO people VALUES (1, 'Ada', 36, 1), (2, 'Grace', 85, 1);
)";
constexpr char kOrdersCodeUpper[] = R"yaml(
  - name: orders-code-upper
    table: orders
    add_column: {name: code_upper, up: "upper(code)"}
    phase: dual_write
)yaml";
// Tables, columns with their types and nullability, indexes and constraints of the schema.
constexpr char kSchemaFingerprint[] = R"(
  SELECT string_agg(x, ' ' ORDER BY x) FROM (
    SELECT table_name || '.' || column_name || ':' || data_type || ':' || is_nullable || ':' ||
           coalesce(character_maximum_length::text, '') FROM information_schema.columns WHERE table_schema = 'public'
    UNION ALL SELECT indexname FROM pg_indexes WHERE schemaname = 'public'
    UNION ALL SELECT conname || ':' || convalidated FROM pg_constraint WHERE connamespace = 'public'::regnamespace) s(x)
)";

struct Dangerous {
  const char* sql;
  const char* rule;
};
// Every rule, each in a form PostgreSQL accepts on the populated tables.
const std::vector<Dangerous> kDangerous = {
    {"ALTER TABLE people RENAME COLUMN name TO full_name", "rename_column"},
    {"ALTER TABLE people RENAME TO persons", "rename_table"},
    {"ALTER TABLE people ALTER COLUMN age TYPE bigint", "alter_column_type"},
    {"ALTER TABLE orders ALTER COLUMN code TYPE varchar(5)", "alter_column_type"},
    {"ALTER TABLE people ADD COLUMN badge int NOT NULL DEFAULT (random() * 10)::int", "add_column_not_null"},
    {"ALTER TABLE people ADD COLUMN seq bigserial", "add_column_volatile_default"},
    {"ALTER TABLE people ALTER COLUMN name SET NOT NULL", "set_not_null"},
    {"CREATE INDEX people_name ON people (name)", "create_index"},
    {"ALTER TABLE people ADD CONSTRAINT people_org FOREIGN KEY (org) REFERENCES orgs (id)", "add_foreign_key"},
    {"ALTER TABLE people ADD CONSTRAINT age_positive CHECK (age > 0)", "add_check"},
    {"ALTER TABLE people ADD CONSTRAINT people_pk PRIMARY KEY (id)", "add_index_constraint"},
    {"ALTER TABLE users DROP COLUMN full_name", "drop_column_in_use"},
    {"ALTER TABLE orders DROP COLUMN code", "drop_column_in_use"},
    {"DROP TABLE orders", "drop_table_in_use"},
};

// The result is the lint's refusal for `rule`: 0A000, the rule, and a safe alternative.
::testing::AssertionResult BlockedBy(const PGresult* result, const std::string& rule) {
  const std::string expected = "switchyard: ddl_lint " + rule + ": ";
  const char* message = result ? PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY) : nullptr;
  if (PQresultStatus(result) == PGRES_FATAL_ERROR && sqlstate(result) == "0A000" && message != nullptr &&
      std::string(message).starts_with(expected) && std::string(message).find("; safe alternative: ") != std::string::npos)
    return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "expected 0A000 \"" << expected << "...\", got " << describe(result);
}

class DdlLintThroughProxy : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    const std::string migrations = std::string("migrations:") + seeds::kUsersDisplayName + kOrdersCodeUpper;
    blocking_ = MigrationProxy::start(kDatabase, std::string(seeds::kUsersTable) + kSchema,
                                      "ddl_lint: block\n" + migrations, start_error_);
    if (blocking_) warning_ = MigrationProxy::attach(kDatabase, migrations, start_error_);  // warn by default
  }
  static void TearDownTestSuite() {
    warning_.reset();
    blocking_.reset();
  }

  void SetUp() override {
    ASSERT_TRUE(blocking_ && warning_) << "cannot start switchyard: " << start_error_;
    direct_ = blocking_->connect_direct();
    ASSERT_EQ(PQstatus(direct_.get()), CONNECTION_OK) << PQerrorMessage(direct_.get());
    PgResult reset = exec(direct_.get(), kReset);
    ASSERT_EQ(PQresultStatus(reset.get()), PGRES_COMMAND_OK) << describe(reset.get());
  }
  void TearDown() override {
    if (!HasFailure()) return;
    for (auto* p : {blocking_.get(), warning_.get()})
      if (p != nullptr) std::fprintf(stderr, "--- switchyard log (tail) ---\n%s\n", p->log_tail().c_str());
  }

  static PgConn connected(const MigrationProxy& proxy) {
    PgConn conn = proxy.connect_proxied();
    EXPECT_EQ(PQstatus(conn.get()), CONNECTION_OK) << PQerrorMessage(conn.get());
    return conn;
  }
  std::string fingerprint() { return query_value(direct_.get(), kSchemaFingerprint); }

  static inline std::unique_ptr<MigrationProxy> blocking_;
  static inline std::unique_ptr<MigrationProxy> warning_;
  static inline std::string start_error_;
  PgConn direct_;
};

TEST_F(DdlLintThroughProxy, WarnRunsEachDangerousStatementAndLogsItsRule) {
  PgConn client = connected(*warning_);
  for (const auto& d : kDangerous) {
    const std::size_t offset = warning_->process().log().size();
    // In a transaction rolled back afterwards, so every statement meets the same schema.
    PgResult began = exec(client.get(), "BEGIN");
    PgResult ran = exec(client.get(), d.sql);
    PgResult rolled_back = exec(client.get(), "ROLLBACK");

    EXPECT_EQ(PQresultStatus(ran.get()), PGRES_COMMAND_OK) << d.sql << ": " << describe(ran.get());
    const std::string expected = std::string("ddl_lint ") + d.rule + ": ";
    EXPECT_TRUE(eventually([&] { return warning_->process().log(offset).find(expected) != std::string::npos; }, 5s))
        << d.sql << ": no \"" << expected << "\" in the log:\n" << warning_->process().log(offset);
  }
}

TEST_F(DdlLintThroughProxy, BlockRefusesEachDangerousStatementAndChangesNothing) {
  PgConn client = connected(*blocking_);
  const std::string before = fingerprint();
  for (const auto& d : kDangerous) {
    PgResult simple = exec(client.get(), d.sql);
    EXPECT_TRUE(BlockedBy(simple.get(), d.rule)) << d.sql;
    PgResult extended = run(client.get(), {d.sql, {}, {}}, Protocol::kExtended);
    EXPECT_TRUE(BlockedBy(extended.get(), d.rule)) << d.sql << " (extended protocol)";
    EXPECT_EQ(query_value(client.get(), "SELECT count(*) FROM people"), "2") << "the session is usable after " << d.sql;
  }
  EXPECT_EQ(fingerprint(), before);
}

TEST_F(DdlLintThroughProxy, BlockAbortsTheTransactionAndAMultiStatementTextAsAnyError) {
  PgConn client = connected(*blocking_);
  const std::string before = fingerprint();
  PgResult began = exec(client.get(), "BEGIN");
  PgResult inserted = exec(client.get(), "INSERT INTO people VALUES (3, 'Katherine', 101, 1)");
  ASSERT_EQ(PQresultStatus(inserted.get()), PGRES_COMMAND_OK) << describe(inserted.get());

  PgResult renamed = exec(client.get(), "ALTER TABLE people RENAME TO persons");
  PgResult after = exec(client.get(), "SELECT 1");
  PgResult rolled_back = exec(client.get(), "ROLLBACK");

  EXPECT_TRUE(BlockedBy(renamed.get(), "rename_table"));
  EXPECT_EQ(sqlstate(after.get()), "25P02") << describe(after.get());
  EXPECT_EQ(PQresultStatus(rolled_back.get()), PGRES_COMMAND_OK) << describe(rolled_back.get());
  EXPECT_EQ(PQtransactionStatus(client.get()), PQTRANS_IDLE);

  // One safe and one dangerous statement in one text: neither runs.
  PgResult both = exec(client.get(), "ALTER TABLE people ADD COLUMN nick text; CREATE INDEX people_age ON people (age)");
  EXPECT_TRUE(BlockedBy(both.get(), "create_index"));
  EXPECT_EQ(fingerprint(), before);
  EXPECT_EQ(query_value(direct_.get(), "SELECT count(*) FROM people"), "2");
}

TEST_F(DdlLintThroughProxy, TheSafeFormsGoThroughEvenInBlockMode) {
  PgConn client = connected(*blocking_);
  const std::string before = fingerprint();
  for (const char* sql : {
           "CREATE INDEX CONCURRENTLY people_name ON people (name)",
           "ALTER TABLE people ADD CONSTRAINT people_org FOREIGN KEY (org) REFERENCES orgs (id) NOT VALID",
           "ALTER TABLE people VALIDATE CONSTRAINT people_org",
           "ALTER TABLE people ADD CONSTRAINT name_present CHECK (name IS NOT NULL) NOT VALID",
           "ALTER TABLE people VALIDATE CONSTRAINT name_present",
           "ALTER TABLE people ALTER COLUMN name SET NOT NULL /* switchyard:allow set_not_null */",
           "ALTER TABLE people ADD COLUMN nick text",
           "ALTER TABLE people ADD COLUMN score int NOT NULL DEFAULT 0",
           "CREATE UNIQUE INDEX CONCURRENTLY people_id ON people (id)",
           "ALTER TABLE people ADD CONSTRAINT people_pk PRIMARY KEY USING INDEX people_id",
           "ALTER TABLE orders ALTER COLUMN code TYPE varchar(40)",
           "ALTER TABLE users DROP COLUMN email",
           "CREATE TABLE tags (id int PRIMARY KEY, name text); CREATE INDEX tags_name ON tags (name)",
           "SELECT count(*) FROM users",
           "INSERT INTO people VALUES (3, 'Katherine', 101, 1)",
       }) {
    PgResult ran = exec(client.get(), sql);
    const ExecStatusType status = ran ? PQresultStatus(ran.get()) : PGRES_FATAL_ERROR;
    EXPECT_TRUE(status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) << sql << ": " << describe(ran.get());
  }
  EXPECT_NE(fingerprint(), before);
  EXPECT_EQ(query_value(direct_.get(), "SELECT character_maximum_length FROM information_schema.columns "
                                       "WHERE table_name = 'orders' AND column_name = 'code'"),
            "40");
  // Put back what the next tests and the proxy's catalog expect.
  PgResult restored = exec(direct_.get(),
                           "DROP TABLE tags; ALTER TABLE users ADD COLUMN email text; "
                           "ALTER TABLE orders ALTER COLUMN code TYPE varchar(10)");
  EXPECT_EQ(PQresultStatus(restored.get()), PGRES_COMMAND_OK) << describe(restored.get());
}

TEST_F(DdlLintThroughProxy, WorksWithoutMigrations) {
  std::string error;
  auto plain = MigrationProxy::attach(kDatabase, "ddl_lint: block\n", error);
  ASSERT_TRUE(plain) << error;
  PgConn client = connected(*plain);

  PgResult renamed = exec(client.get(), "ALTER TABLE people RENAME COLUMN name TO full_name");
  PgResult added = exec(client.get(), "ALTER TABLE people ADD COLUMN nick text");

  EXPECT_TRUE(BlockedBy(renamed.get(), "rename_column")) << plain->log_tail();
  EXPECT_EQ(PQresultStatus(added.get()), PGRES_COMMAND_OK) << describe(added.get());
  EXPECT_EQ(query_value(client.get(), "SELECT count(*) FROM people WHERE name IS NOT NULL"), "2");
}

}  // namespace
}  // namespace switchyard::test_support
