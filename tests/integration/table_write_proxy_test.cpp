// Two-table writes (rename_table inovices -> invoices, in dual_write) through switchyard: the
// server answers the rewritten statement (the original write in a CTE, the mirror around it),
// and the session restores what the client would have seen without the proxy. Each statement
// runs through the proxy on one database and as written on a reference database; in every
// protocol the client view (tag, row count, columns, rows, errors) and Describe's answer are the
// same, both tables end equal to the reference's old table, and pipelines and multi-statement
// strings with errors in the middle keep replies paired with their statements.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "tests/support/migration_proxy.h"
#include "tests/support/statement_runner.h"

namespace switchyard::test_support {
namespace {

constexpr char kSetup[] =
    "CREATE TABLE inovices (id int PRIMARY KEY, customer text NOT NULL, amount numeric(12,2) CHECK (amount >= 0));"
    "CREATE TABLE invoices (id int PRIMARY KEY, customer text NOT NULL, amount numeric(12,2) CHECK (amount >= 0));"
    "INSERT INTO inovices SELECT g, 'c' || g, g FROM generate_series(1, 20) g;"
    "INSERT INTO invoices SELECT * FROM inovices;";
constexpr char kMigration[] = R"(migrations:
  - name: invoices
    rename_table: {from: inovices, to: invoices}
    phase: dual_write
)";

const std::vector<Statement> kStatements = {
    {"INSERT INTO inovices (id, customer, amount) VALUES ($1, $2, $3)", {"100", "new", "5"}, {}},
    {"INSERT INTO inovices VALUES ($1, $2, $3), (101, 'x', 1) RETURNING id, upper(customer) AS who", {"102", "y", "2"}, {}},
    {"UPDATE inovices SET amount = amount + $1 WHERE id <= $2", {"1", "5"}, {}},
    {"UPDATE inovices SET customer = $1 WHERE id = $2 RETURNING *", {"renamed", "7"}, {}},
    {"UPDATE inovices SET amount = 0 WHERE id > $1", {"1000"}, {}},
    {"DELETE FROM inovices WHERE id IN ($1, $2)", {"8", "9"}, {}},
    {"DELETE FROM inovices WHERE id = $1 RETURNING customer, amount", {"10"}, {}},
    {"UPDATE inovices SET amount = -1 WHERE id = $1", {"11"}, {}},                // check violation
    {"INSERT INTO inovices (id, customer) VALUES ($1, $2)", {"12", "dup"}, {}},  // unique violation
    {"UPDATE invoices SET customer = $1 WHERE id = $2", {"new shape", "13"}, {}},
    {"DELETE FROM invoices WHERE id = $1", {"14"}, {}},
};

class TableWriteProxy : public ::testing::TestWithParam<Protocol> {
 protected:
  void SetUp() override {
    const std::string suffix(to_string(GetParam()));
    std::string error;
    proxy_ = MigrationProxy::start("table_write_proxy_" + suffix, kSetup, kMigration, error);
    ASSERT_TRUE(proxy_) << error;
    reference_ = MigrationProxy::start("table_write_reference_" + suffix, kSetup, "", error);
    ASSERT_TRUE(reference_) << error;
  }
  void TearDown() override {
    if (HasFailure() && proxy_) std::fprintf(stderr, "--- switchyard log (tail) ---\n%s\n", proxy_->log_tail().c_str());
  }
  std::unique_ptr<MigrationProxy> proxy_, reference_;
};

// The reference applies a write to `invoices` to `inovices` by hand: in the reference the new
// table is not kept in step, so statements on it are sent to the old one there.
std::string on_reference(const std::string& sql) {
  std::string out = sql;
  for (size_t at = out.find("invoices"); at != std::string::npos; at = out.find("invoices", at + 1))
    out.replace(at, 8, "inovices");
  return out;
}

TEST_P(TableWriteProxy, ClientsSeeWhatTheOriginalStatementGives) {
  PgConn through = proxy_->connect_proxied();
  PgConn ref = reference_->connect_direct();
  for (const Statement& s : kStatements) {
    const PgResult got = run(through.get(), s, GetParam());
    Statement r = s;
    r.sql = on_reference(s.sql);
    const PgResult want = run(ref.get(), r, GetParam());
    ASSERT_TRUE(got && want);
    EXPECT_EQ(client_view(got.get()), client_view(want.get())) << s.sql;
    if (GetParam() != Protocol::kSimple) {
      EXPECT_EQ(description_view(prepare_and_describe(through.get(), s.sql).get()),
                description_view(prepare_and_describe(ref.get(), r.sql).get()))
          << s.sql;
    }
  }
  PgConn direct = proxy_->connect_direct();
  const char* rows = "SELECT string_agg(id || ':' || customer || ':' || amount, ',' ORDER BY id) FROM ";
  const std::string expected = query_value(ref.get(), std::string(rows) + "inovices");
  EXPECT_EQ(query_value(direct.get(), std::string(rows) + "inovices"), expected);
  EXPECT_EQ(query_value(direct.get(), std::string(rows) + "invoices"), expected);
}

INSTANTIATE_TEST_SUITE_P(Protocols, TableWriteProxy,
                         ::testing::Values(Protocol::kSimple, Protocol::kExtended, Protocol::kPrepared),
                         [](const ::testing::TestParamInfo<Protocol>& p) { return std::string(to_string(p.param)); });

// A multi-statement string whose patched statements sit between ordinary ones, and a pipeline
// whose middle statement fails: every reply stays with its statement.
TEST(TableWriteProxyMixed, MultiStatementStringsAndPipelines) {
  std::string error;
  auto proxy = MigrationProxy::start("table_write_proxy_mixed", kSetup, kMigration, error);
  ASSERT_TRUE(proxy) << error;
  PgConn c = proxy->connect_proxied();

  ASSERT_EQ(PQsendQuery(c.get(), "SELECT 1 AS one; UPDATE inovices SET amount = 3 WHERE id < 4; "
                                 "SELECT 2 AS two; DELETE FROM inovices WHERE id = 4 RETURNING id"),
            1);
  std::vector<std::string> tags;
  while (PGresult* r = PQgetResult(c.get())) {
    tags.push_back(std::string(PQcmdStatus(r)) + "/" + std::to_string(PQntuples(r)) + "/" + std::to_string(PQnfields(r)));
    PQclear(r);
  }
  EXPECT_EQ(tags, (std::vector<std::string>{"SELECT 1/1/1", "UPDATE 3/0/0", "SELECT 1/1/1", "DELETE 1/1/1"}));

  ASSERT_EQ(PQenterPipelineMode(c.get()), 1);
  const char* p1[] = {"5"};
  ASSERT_EQ(PQsendQueryParams(c.get(), "UPDATE inovices SET amount = 9 WHERE id = $1", 1, nullptr, p1, nullptr, nullptr, 0), 1);
  ASSERT_EQ(PQpipelineSync(c.get()), 1);
  ASSERT_EQ(PQsendQueryParams(c.get(), "UPDATE inovices SET amount = -9 WHERE id = $1", 1, nullptr, p1, nullptr, nullptr, 0), 1);
  ASSERT_EQ(PQsendQueryParams(c.get(), "DELETE FROM inovices WHERE id = $1", 1, nullptr, p1, nullptr, nullptr, 0), 1);
  ASSERT_EQ(PQpipelineSync(c.get()), 1);
  const char* p2[] = {"6"};
  ASSERT_EQ(PQsendQueryParams(c.get(), "DELETE FROM inovices WHERE id = $1", 1, nullptr, p2, nullptr, nullptr, 0), 1);
  ASSERT_EQ(PQpipelineSync(c.get()), 1);
  std::vector<std::string> seen;
  for (int syncs = 0; syncs < 3;) {
    PGresult* r = PQgetResult(c.get());
    if (r == nullptr) continue;  // the end of one statement's results
    const auto st = PQresultStatus(r);
    if (st == PGRES_PIPELINE_SYNC) ++syncs, seen.push_back("sync");
    else if (st == PGRES_PIPELINE_ABORTED) seen.push_back("aborted");
    else if (st == PGRES_FATAL_ERROR) seen.push_back(std::string("error ") + PQresultErrorField(r, PG_DIAG_SQLSTATE));
    else seen.push_back(PQcmdStatus(r));
    PQclear(r);
  }
  EXPECT_EQ(seen, (std::vector<std::string>{"UPDATE 1", "sync", "error 23514", "aborted", "sync", "DELETE 1", "sync"}));
  ASSERT_EQ(PQexitPipelineMode(c.get()), 1);

  PgConn direct = proxy->connect_direct();
  const char* rows = "SELECT string_agg(id || ':' || amount, ',' ORDER BY id) FROM ";
  EXPECT_EQ(query_value(direct.get(), std::string(rows) + "inovices WHERE id < 8"), "1:3.00,2:3.00,3:3.00,5:9.00,7:7.00");
  EXPECT_EQ(query_value(direct.get(), std::string(rows) + "invoices WHERE id < 8"), "1:3.00,2:3.00,3:3.00,5:9.00,7:7.00");
}

}  // namespace
}  // namespace switchyard::test_support
