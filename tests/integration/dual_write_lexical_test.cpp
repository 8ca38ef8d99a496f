// The session's lexical settings through switchyard (rewrite/pg/lexical.h): with
// standard_conforming_strings off (set in the session, in the startup packet, or as the
// database's default), a dual_write write with backslashes in plain '...' and E'...' literals is
// rewritten as the server reads it, and both shapes hold what the same write gives directly. A
// backslash literal pipelined behind a SET that may change the setting, and an unsafe
// client_encoding, are refused with 0A000.
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "tests/integration/dual_write_seeds.h"
#include "tests/support/migration_proxy.h"

namespace switchyard::test_support {
namespace {

constexpr char kDatabase[] = "dual_write_lexical";
constexpr char kTables[] = R"(
  CREATE TABLE inovices (id int PRIMARY KEY, note text);
  CREATE TABLE invoices (id int PRIMARY KEY, note text);
)";
constexpr char kInvoices[] = R"(
  - name: invoices-rename
    rename_table: {from: inovices, to: invoices}
    phase: dual_write
)";

// Writes with backslashes, as a client with standard_conforming_strings off writes them.
constexpr const char* kWrites[] = {
    "INSERT INTO users (id, full_name) VALUES (1, 'tab\\there'), (2, E'nl\\nthere'), (3, 'it\\'s'), (4, 'it''s \\\\ ok')",
    "UPDATE users SET full_name = full_name || '\\x41\\101' WHERE id = 1",
    "INSERT INTO inovices VALUES (1, 'a\\\\b'), (2, 'c\\'d')",
    "UPDATE inovices SET note = note || '\\t' WHERE id = 2",
};

class DualWriteLexical : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string error;
    proxy_ = MigrationProxy::start(kDatabase, std::string(seeds::kUsersTable) + kTables,
                                   std::string("migrations:") + seeds::kUsersDisplayName + kInvoices, error);
    ASSERT_TRUE(proxy_) << error;
    direct_ = proxy_->connect_direct();
  }
  void TearDown() override {
    if (HasFailure() && proxy_) std::fprintf(stderr, "--- switchyard log (tail) ---\n%s\n", proxy_->log_tail().c_str());
  }
  // Runs kWrites on `c` (which has standard_conforming_strings off), then checks both shapes
  // against what the same writes give directly.
  void expect_both_shapes_as_direct(PGconn* c) {
    ASSERT_EQ(query_value(c, "SHOW standard_conforming_strings"), "off");
    for (const char* sql : kWrites) {
      PgResult r = exec(c, sql);
      ASSERT_TRUE(r && PQresultStatus(r.get()) == PGRES_COMMAND_OK) << sql << ": " << describe(r.get());
    }
    const std::string users = query_value(direct_.get(), "SELECT string_agg(id || ':' || full_name, ',' ORDER BY id) FROM users");
    EXPECT_EQ(query_value(direct_.get(), "SELECT string_agg(id || ':' || display_name, ',' ORDER BY id) FROM users"), users);
    EXPECT_EQ(users, "1:tab\there" "A" "A,2:nl\nthere,3:it's,4:it's \\ ok");
    const char* notes = "SELECT string_agg(id || ':' || note, ',' ORDER BY id) FROM ";
    EXPECT_EQ(query_value(direct_.get(), std::string(notes) + "inovices"), "1:a\\b,2:c'd\t");
    EXPECT_EQ(query_value(direct_.get(), std::string(notes) + "invoices"), "1:a\\b,2:c'd\t");
  }
  std::unique_ptr<MigrationProxy> proxy_;
  PgConn direct_;
};

TEST_F(DualWriteLexical, SetInTheSession) {
  PgConn c = proxy_->connect_proxied();
  PgResult set = exec(c.get(), "SET standard_conforming_strings = off");
  ASSERT_TRUE(set && PQresultStatus(set.get()) == PGRES_COMMAND_OK) << describe(set.get());
  expect_both_shapes_as_direct(c.get());
  // PostgreSQL parses a whole Query string under the setting in force when it arrives, so a SET in
  // the string changes nothing for the statements after it: 'x\y' still reads as "xy" (checked
  // against PostgreSQL alone), in both shapes.
  PgResult on = exec(c.get(), "SET standard_conforming_strings = on; UPDATE users SET full_name = 'x\\y' WHERE id = 2");
  ASSERT_TRUE(on && PQresultStatus(on.get()) == PGRES_COMMAND_OK) << describe(on.get());
  EXPECT_EQ(query_value(direct_.get(), "SELECT full_name || '|' || display_name FROM users WHERE id = 2"), "xy|xy");
  // The next string is parsed with it on: the backslash stays.
  PgResult after = exec(c.get(), "UPDATE users SET full_name = 'x\\y' WHERE id = 2");
  ASSERT_TRUE(after && PQresultStatus(after.get()) == PGRES_COMMAND_OK) << describe(after.get());
  EXPECT_EQ(query_value(direct_.get(), "SELECT full_name || '|' || display_name FROM users WHERE id = 2"), "x\\y|x\\y");
}

TEST_F(DualWriteLexical, InTheStartupPacket) {
  PgConn c = connect(proxy_->proxied_conninfo() + " options='-c standard_conforming_strings=off'");
  ASSERT_EQ(PQstatus(c.get()), CONNECTION_OK);
  expect_both_shapes_as_direct(c.get());
}

TEST_F(DualWriteLexical, AsTheDatabaseDefault) {
  PgResult alter = exec(direct_.get(), std::string("ALTER DATABASE ") + kDatabase + " SET standard_conforming_strings = off");
  ASSERT_TRUE(alter && PQresultStatus(alter.get()) == PGRES_COMMAND_OK) << describe(alter.get());
  PgConn c = proxy_->connect_proxied();
  expect_both_shapes_as_direct(c.get());
}

// A SET and a write in one pipeline: the write is planned before the SET's result comes back.
TEST_F(DualWriteLexical, ABackslashPipelinedBehindASetIsRefused) {
  PgConn c = proxy_->connect_proxied();
  ASSERT_EQ(PQenterPipelineMode(c.get()), 1);
  ASSERT_EQ(PQsendQueryParams(c.get(), "SET standard_conforming_strings = off", 0, nullptr, nullptr, nullptr, nullptr, 0), 1);
  ASSERT_EQ(PQsendQueryParams(c.get(), "INSERT INTO users (id, full_name) VALUES (9, 'a\\'b')", 0, nullptr, nullptr, nullptr,
                              nullptr, 0),
            1);
  ASSERT_EQ(PQpipelineSync(c.get()), 1);
  std::string seen;
  for (int syncs = 0; syncs < 1;) {
    PGresult* r = PQgetResult(c.get());
    if (r == nullptr) continue;
    const auto st = PQresultStatus(r);
    if (st == PGRES_PIPELINE_SYNC) ++syncs;
    else if (st == PGRES_FATAL_ERROR) seen += std::string("error ") + PQresultErrorField(r, PG_DIAG_SQLSTATE) + ";";
    else seen += std::string(PQcmdStatus(r)) + ";";
    PQclear(r);
  }
  EXPECT_EQ(seen, "SET;error 0A000;");
  ASSERT_EQ(PQexitPipelineMode(c.get()), 1);
  EXPECT_EQ(query_value(direct_.get(), "SELECT count(*) FROM users"), "0");
}

TEST_F(DualWriteLexical, AnUnsafeClientEncodingIsRefused) {
  PgConn c = proxy_->connect_proxied();
  PgResult set = exec(c.get(), "SET client_encoding = 'SJIS'");
  ASSERT_TRUE(set && PQresultStatus(set.get()) == PGRES_COMMAND_OK) << describe(set.get());
  PgResult w = exec(c.get(), "INSERT INTO users (id, full_name) VALUES (1, 'a')");
  ASSERT_TRUE(w);
  EXPECT_EQ(sqlstate(w.get()), "0A000") << describe(w.get());
  EXPECT_NE(std::string(PQresultErrorMessage(w.get())).find("client_encoding SJIS"), std::string::npos) << describe(w.get());
}

}  // namespace
}  // namespace switchyard::test_support
