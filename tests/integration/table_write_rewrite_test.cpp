// Writes under rename_table and copy_table, rewritten by rewrite_sql and run directly on
// PostgreSQL (no proxy): each statement runs rewritten on one database and as written on a
// reference database, where the other table is then brought up to date by hand. Both tables must
// end equal on the two databases, and the rewritten statement, with its Completion applied as the
// session will apply it, must report what the original reported: the command tag and row count,
// the same RETURNING columns (names, types, modifiers, origin column) and values, or the same error.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "rewrite/pg/rewriter.h"
#include "tests/integration/dual_write_seeds.h"
#include "tests/rewrite/pg/tables_catalog.h"
#include "tests/support/integration_environment.h"
#include "tests/support/migration_proxy.h"
#include "tests/support/pg_cluster.h"
#include "tests/support/pg_connection.h"

namespace switchyard::test_support {
namespace {

using rewrite::Catalog;
using rewrite::Completion;
using rewrite::RewriteResult;

constexpr char kSeedRows[] = R"(
  INSERT INTO users VALUES (1, 'acme', 'a@example.com', NULL), (2, 'globex', 'g@example.com', NULL),
                           (3, 'initech', 'i@example.com', NULL);
  INSERT INTO inovices (customer, amount, note) VALUES ('acme', 1, NULL), ('globex', 2, 'g'), ('initech', 3, NULL);
  INSERT INTO invoices SELECT * FROM inovices;
  INSERT INTO legacy_accounts (name, user_id, accttype) VALUES ('a1', 1, 'CHECKING'), ('a2', 2, 'CREDITLINE');
  INSERT INTO account (id, name, user_id, type)
    SELECT id, name, user_id, (CASE accttype WHEN 'CHECKING' THEN 'ASSET' WHEN 'SAVINGS' THEN 'ASSET'
                                             WHEN 'CREDITLINE' THEN 'LIABILITY' END)::account_type FROM legacy_accounts;
  CREATE SEQUENCE ticket_seq START 500;
)";

// The reference's hand-made mirrors: the whole other table recomputed (exact while the tables
// were equal before), or a statement written for the case.
constexpr char kSyncInvoices[] = R"(
  DELETE FROM invoices WHERE id NOT IN (SELECT id FROM inovices);
  INSERT INTO invoices SELECT * FROM inovices
    ON CONFLICT (id) DO UPDATE SET customer = EXCLUDED.customer, amount = EXCLUDED.amount, note = EXCLUDED.note)";
constexpr char kSyncInovices[] = R"(
  DELETE FROM inovices WHERE id NOT IN (SELECT id FROM invoices);
  INSERT INTO inovices SELECT * FROM invoices
    ON CONFLICT (id) DO UPDATE SET customer = EXCLUDED.customer, amount = EXCLUDED.amount, note = EXCLUDED.note)";
constexpr char kSyncAccount[] = R"(
  DELETE FROM account WHERE id NOT IN (SELECT id FROM legacy_accounts);
  INSERT INTO account (id, name, user_id, type)
    SELECT id, name, user_id, (CASE accttype WHEN 'CHECKING' THEN 'ASSET' WHEN 'SAVINGS' THEN 'ASSET'
                                             WHEN 'CREDITLINE' THEN 'LIABILITY' END)::account_type FROM legacy_accounts
    ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, user_id = EXCLUDED.user_id, type = EXCLUDED.type)";

struct Step {
  std::string sql;
  std::vector<std::string> params;
  std::string sync;     // run on the reference after `sql`
  bool direct = false;  // run as written on both databases (test set-up, e.g. a row not backfilled)
};

// What a client sees of one statement.
struct Seen {
  bool ok = false;
  bool rows = false;  // PGRES_TUPLES_OK
  std::string tag, error, fields, values;
  bool origins = true;  // compare the columns' origin (table set, column number)
};

Seen run(PGconn* c, const std::string& sql, const std::vector<std::string>& params, bool origins = true) {
  std::vector<const char*> values;
  for (const auto& p : params) values.push_back(p.c_str());
  PgResult r(PQexecParams(c, sql.c_str(), static_cast<int>(values.size()), nullptr, values.data(), nullptr, nullptr, 0));
  Seen s;
  const auto status = PQresultStatus(r.get());
  s.ok = status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK;
  s.rows = status == PGRES_TUPLES_OK;
  s.tag = PQcmdStatus(r.get());
  if (!s.ok) s.error = sqlstate(r.get()) + " " + PQresultErrorField(r.get(), PG_DIAG_MESSAGE_PRIMARY);
  for (int f = 0; f < PQnfields(r.get()); ++f) {
    // By name: a user type (the enum) has another oid in each database.
    const std::string type = query_value(c, "SELECT " + std::to_string(PQftype(r.get(), f)) + "::regtype::text");
    s.fields += std::string(PQfname(r.get(), f)) + ":" + type + "(" +
                std::to_string(PQfmod(r.get(), f)) + ")";
    if (origins)
      s.fields += std::string(PQftable(r.get(), f) != 0 ? " of a table" : "") + "#" + std::to_string(PQftablecol(r.get(), f));
    s.fields += "; ";
  }
  for (int i = 0; i < PQntuples(r.get()); ++i) {
    for (int f = 0; f < PQnfields(r.get()); ++f)
      s.values += (PQgetisnull(r.get(), i, f) ? "NULL" : PQgetvalue(r.get(), i, f)) + std::string("|");
    s.values += "\n";
  }
  return s;
}

std::string dump(PGconn* c, const std::vector<std::string>& tables) {
  std::string out;
  for (const auto& t : tables)
    out += t + ": " + query_value(c, "SELECT string_agg(t::text, ' ' ORDER BY id) FROM " + t + " t") + "\n";
  return out;
}

// The tag the client gets once the session applies `c` to the rewritten statement's tag.
std::string patched_tag(const std::string& tag, const Completion& c) {
  if (!c.patched) return tag;
  const std::string count = tag.substr(tag.rfind(' ') + 1);
  return (c.tag_verb == "INSERT" ? "INSERT 0 " : c.tag_verb + " ") + count;
}

class TableWriteRewrite : public ::testing::Test {
 protected:
  void open(const std::string& db, const std::string& extra_sql, PgConn& conn) {
    integration_env().create_fresh_database(db);
    std::string error;
    ASSERT_TRUE(run_direct(db, std::string(seeds::kUsersTable) + rewrite::testing::kTablesSchema + kSeedRows + extra_sql, error))
        << error;
    conn = connect(integration_env().direct().conninfo(db, kSuperuser));
    ASSERT_EQ(PQstatus(conn.get()), CONNECTION_OK) << PQerrorMessage(conn.get());
  }

  // Runs every step on both databases and compares as the file comment says.
  void check(const std::vector<Step>& steps, const Catalog& catalog, const std::vector<std::string>& tables,
             bool origins) {
    for (const Step& step : steps) {
      SCOPED_TRACE(step.sql);
      if (step.direct) {
        EXPECT_TRUE(run(rewritten_.get(), step.sql, {}).ok);
        EXPECT_TRUE(run(reference_.get(), step.sql, {}).ok);
        continue;
      }
      const Seen original = run(reference_.get(), step.sql, step.params, origins);
      if (original.ok && !step.sync.empty()) {
        EXPECT_TRUE(run(reference_.get(), "DO $$ BEGIN " + step.sync + "; END $$", {}).ok);
      }
      const RewriteResult r = rewrite::pg::rewrite_sql(step.sql, catalog);
      ASSERT_EQ(r.kind, RewriteResult::Kind::kRewritten) << r.reason;
      SCOPED_TRACE(r.sql);
      ASSERT_TRUE(r.completions.empty() || r.completions.size() == 1);
      const Completion c = r.completions.empty() ? Completion{} : r.completions[0];
      const Seen got = run(rewritten_.get(), r.sql, step.params, origins);
      EXPECT_EQ(got.error, original.error);
      if (original.ok && got.ok) {
        EXPECT_EQ(patched_tag(got.tag, c), original.tag);
        if (c.suppress_rows) {
          EXPECT_FALSE(original.rows);
          EXPECT_EQ(got.fields, "");
        } else {
          EXPECT_EQ(got.rows, original.rows);
          EXPECT_EQ(got.fields, original.fields);
          EXPECT_EQ(got.values, original.values);
        }
      }
      EXPECT_EQ(dump(rewritten_.get(), tables), dump(reference_.get(), tables));
    }
  }

  PgConn rewritten_, reference_;
};

TEST_F(TableWriteRewrite, DualWriteKeepsBothTablesAndRepliesAsTheOriginal) {
  ASSERT_NO_FATAL_FAILURE(open("table_write_rw", "", rewritten_));
  ASSERT_NO_FATAL_FAILURE(open("table_write_ref", "", reference_));
  const std::vector<Step> steps = {
      {"INSERT INTO inovices (customer, amount) VALUES ('acme', 10), ('globex', DEFAULT)", {}, kSyncInvoices},
      {"INSERT INTO inovices (customer, amount, note) VALUES ($1, $2, $3) RETURNING id, amount", {"initech", "3.5", "p"}, kSyncInvoices},
      {"INSERT INTO inovices (customer) VALUES ('r') RETURNING *", {}, kSyncInvoices},
      {"INSERT INTO public.\"inovices\" AS i (customer, amount) VALUES ('q', 1) RETURNING i.id, upper(i.customer) AS up, amount * 2",
       {}, kSyncInvoices},
      {"INSERT INTO inovices (customer, amount) SELECT full_name, id FROM users RETURNING id", {}, kSyncInvoices},
      {"INSERT INTO inovices (customer, amount) VALUES ('seq', nextval('ticket_seq')) RETURNING amount, id", {}, kSyncInvoices},
      {"INSERT INTO inovices (id, customer) VALUES (1, 'dup'), (100, 'fresh') ON CONFLICT DO NOTHING", {}, kSyncInvoices},
      {"INSERT INTO inovices AS i (id, customer, amount) VALUES (1, 'acme', 5), (2, 'other', 7) ON CONFLICT (id) DO UPDATE "
       "SET amount = i.amount + EXCLUDED.amount WHERE i.customer = EXCLUDED.customer RETURNING i.id, i.amount",
       {}, kSyncInvoices},
      {"UPDATE inovices SET (amount, note) = (amount * 2, customer) WHERE id <= 3", {}, kSyncInvoices},
      {"UPDATE inovices i SET note = u.email FROM users u WHERE u.full_name = i.customer RETURNING i.id, u.email, i.note",
       {}, kSyncInvoices},
      {"DELETE FROM invoices WHERE id = 2", {}, "", true},  // a row not backfilled yet
      {"UPDATE inovices SET note = 'touched' WHERE id = 2", {}, kSyncInvoices},
      {"INSERT INTO inovices (customer, amount) VALUES ('neg', -1)", {}, kSyncInvoices},
      {"UPDATE inovices SET customer = NULL WHERE id = 1", {}, kSyncInvoices},
      {"DELETE FROM inovices i USING users u WHERE u.id = i.id AND u.id = 3 RETURNING i.id, u.full_name", {}, kSyncInvoices},
      {"DELETE FROM inovices WHERE amount > 100", {}, kSyncInvoices},
      {"WITH moved AS (DELETE FROM inovices WHERE id = 1 RETURNING id, customer) SELECT count(*) FROM moved", {}, kSyncInvoices},
      {"INSERT INTO invoices (id, customer, amount) VALUES (900, 'from new', 1) RETURNING *", {}, kSyncInovices},
      {"UPDATE invoices SET note = 'n' WHERE id = 900", {}, kSyncInovices},
      {"DELETE FROM invoices WHERE id = 900 RETURNING id", {}, kSyncInovices},
      {"INSERT INTO legacy_accounts (name, user_id, accttype) VALUES ('chk', 1, 'CHECKING'), ('sav', 2, 'SAVINGS'), "
       "('line', 3, $1) RETURNING id, accttype",
       {"CREDITLINE"}, kSyncAccount},
      {"UPDATE legacy_accounts SET accttype = 'CREDITLINE', name = upper(name) WHERE user_id = 1", {}, kSyncAccount},
      {"INSERT INTO legacy_accounts (id, name, user_id, accttype) VALUES (1, 'again', 1, 'SAVINGS') "
       "ON CONFLICT (id) DO UPDATE SET accttype = EXCLUDED.accttype RETURNING *",
       {}, kSyncAccount},
      {"DELETE FROM legacy_accounts WHERE accttype = 'SAVINGS' AND id > 1 RETURNING name", {}, kSyncAccount},
      {"INSERT INTO account (id, name, user_id, type) VALUES (50, 'newacct', 4, 'LIABILITY') RETURNING id, type", {},
       "INSERT INTO legacy_accounts (id, name, user_id, accttype) VALUES (50, 'newacct', 4, 'CREDITLINE')"},
      {"UPDATE account SET type = 'EQUITY' WHERE id = 50", {}, "UPDATE legacy_accounts SET accttype = 'CHECKING' WHERE id = 50"},
      {"DELETE FROM account WHERE id = 50", {}, "DELETE FROM legacy_accounts WHERE id = 50"},
      {"TRUNCATE legacy_accounts", {}, "TRUNCATE account"},
  };
  check(steps, rewrite::testing::tables_catalog(config::Phase::kDualWrite),
        {"inovices", "invoices", "legacy_accounts", "account"}, true);
  EXPECT_EQ(query_value(rewritten_.get(), "SELECT last_value FROM inovices_id_seq"),
            query_value(reference_.get(), "SELECT last_value FROM inovices_id_seq"))
      << "each nextval() evaluated once";
}

TEST_F(TableWriteRewrite, WritesThatCannotBeMirroredAreRefusedAndTheRefusalRaises) {
  ASSERT_NO_FATAL_FAILURE(open("table_write_refused", "", rewritten_));
  const Catalog catalog = rewrite::testing::tables_catalog(config::Phase::kDualWrite);
  for (const char* sql : {"UPDATE inovices SET id = id + 1000 WHERE id = 3", "UPDATE account SET id = 7 WHERE id = 1",
                          "INSERT INTO inovices (id, customer) VALUES (1, 'a') ON CONFLICT (id) DO UPDATE SET id = 5",
                          "EXPLAIN ANALYZE DELETE FROM inovices"}) {
    const RewriteResult r = rewrite::pg::rewrite_sql(sql, catalog);
    ASSERT_EQ(r.kind, RewriteResult::Kind::kRefused) << sql;
    PgResult raised = exec(rewritten_.get(), rewrite::pg::refusal_statement(r));
    EXPECT_EQ(sqlstate(raised.get()), "0A000") << sql;
  }
  EXPECT_EQ(query_value(rewritten_.get(), "SELECT count(*) FROM inovices WHERE id > 3"), "0");
}

// new_only: old-shaped writes go to the new table alone; the old tables are dropped on the
// rewritten side, and the catalog no longer knows their columns.
TEST_F(TableWriteRewrite, NewOnlyWritesTheNewTableAloneOnceTheOldIsDropped) {
  ASSERT_NO_FATAL_FAILURE(open("table_write_no_rw", "DROP TABLE inovices; DROP TABLE legacy_accounts;", rewritten_));
  ASSERT_NO_FATAL_FAILURE(open("table_write_no_ref", "", reference_));
  Catalog catalog = rewrite::testing::tables_catalog(config::Phase::kNewOnly);
  for (auto& m : catalog.migrations) m.old_rel = {m.spec.old_table, false, {}, {}, {}, {}};
  const std::vector<Step> steps = {
      {"INSERT INTO inovices (id, customer, amount) VALUES (10, 'n1', 4), (11, $1, DEFAULT) RETURNING id, amount, note",
       {"n2"}, kSyncInvoices},
      {"UPDATE inovices SET amount = amount + 1 WHERE inovices.id = 10 RETURNING inovices.amount", {}, kSyncInvoices},
      {"DELETE FROM inovices i WHERE i.id = 11", {}, kSyncInvoices},
      {"INSERT INTO legacy_accounts (id, name, user_id, accttype) VALUES (20, 'x', 1, 'CREDITLINE') RETURNING id, accttype",
       {}, kSyncAccount},
      {"UPDATE legacy_accounts SET accttype = 'CHECKING', name = 'y' WHERE id = 20 RETURNING accttype, name", {}, kSyncAccount},
      {"DELETE FROM legacy_accounts WHERE accttype = 'CREDITLINE' RETURNING id", {}, kSyncAccount},
  };
  // A translated RETURNING column is an expression now, so its origin column is not compared.
  check(steps, catalog, {"invoices", "account"}, false);
}

}  // namespace
}  // namespace switchyard::test_support

namespace switchyard::test_support {
namespace {

// ON CONFLICT (key) into the other table needs a unique index on the key there: switchyard
// refuses to start without one.
TEST(TableWriteSchemaCheck, TheKeyNeedsAUniqueIndexInBothTables) {
  std::string error;
  auto proxy = MigrationProxy::start("table_write_no_index",
                                     "CREATE TABLE inovices (id int PRIMARY KEY, amount numeric);\n"
                                     "CREATE TABLE invoices (id int, amount numeric);\n",
                                     "migrations:\n  - name: invoices-rename\n    rename_table: {from: inovices, to: invoices}\n"
                                     "    phase: dual_write\n",
                                     error);
  EXPECT_EQ(proxy, nullptr);
  EXPECT_NE(error.find("public.invoices needs a unique index (or primary key) on exactly (id)"), std::string::npos) << error;
  std::string ignored;
  ASSERT_TRUE(run_direct("table_write_no_index", "CREATE UNIQUE INDEX ON invoices (id)", ignored)) << ignored;
  proxy = MigrationProxy::attach("table_write_no_index",
                                 "migrations:\n  - name: invoices-rename\n    rename_table: {from: inovices, to: invoices}\n"
                                 "    phase: dual_write\n",
                                 error);
  EXPECT_NE(proxy, nullptr) << error;
}

}  // namespace
}  // namespace switchyard::test_support
