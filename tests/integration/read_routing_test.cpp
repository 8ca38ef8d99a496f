// Read routing on a real PostgreSQL: each read, run as written and as rewrite_sql routes it to
// the other shape, gives the same column names, type OIDs and rows while the shapes hold the
// same data; once one row differs, the routed read shows the other shape's value, so it really
// reads there. Both directions: old-shaped reads served from the new shape (read_new), and
// new-shaped reads served from the old one (before read_new).
#include <gtest/gtest.h>

#include <string>

#include "tests/integration/read_routing_fixture.h"

namespace switchyard::test_support {
namespace {

constexpr bool kToNew = true;
constexpr bool kToOld = false;

TEST_F(ReadRoutingTest, ColumnKindsOldShapedReadsServedFromTheNewShape) {
  for (const char* sql : {
           "SELECT full_name FROM users WHERE id = 1",
           "SELECT * FROM users",
           "SELECT u.* FROM users u WHERE u.id < 4",
           "SELECT public.users.full_name, public.users.id FROM public.users",
           "SELECT \"full_name\" FROM \"users\" AS \"U\"",
           "SELECT a.full_name, b.id FROM users a JOIN users b ON a.full_name = b.full_name",
           "SELECT u.full_name, p.name FROM users u LEFT JOIN people p ON p.name = u.full_name",
           "SELECT full_name, count(*) FROM users GROUP BY full_name",
           "SELECT count(DISTINCT full_name), max(full_name) FROM users",
           "SELECT id FROM users WHERE full_name = 'Ada'",
           "SELECT id FROM users WHERE full_name IS NULL",
           "SELECT id FROM users WHERE EXISTS (SELECT 1 FROM users x WHERE x.full_name = users.full_name AND x.id <> users.id)",
           "SELECT name FROM people WHERE name IN (SELECT full_name FROM users)",
           "SELECT (SELECT full_name FROM users WHERE users.id = people.id) FROM people",
           "WITH u AS (SELECT full_name FROM users WHERE id > 1) SELECT * FROM u",
           "WITH users AS (SELECT * FROM users WHERE id > 2) SELECT full_name FROM users",
           "SELECT full_name FROM users UNION SELECT name FROM people",
           "SELECT l.n FROM people p, LATERAL (SELECT full_name AS n FROM users WHERE users.id = p.id) l",
           "SELECT * FROM users JOIN people USING (id)",
           "SELECT x FROM users AS u(a, x)",
           "SELECT * FROM users WHERE full_name = 'Ada' FOR UPDATE",
           "SELECT full_name FROM users u WHERE id = 1 FOR SHARE OF u",
           "SELECT include, name FROM accounts",
           "SELECT * FROM accounts WHERE include = 'X'",
           "SELECT include, count(*) FROM accounts GROUP BY include",
       })
    expect_same(sql, kToNew);
  expect_same("SELECT * FROM users ORDER BY full_name, id", kToNew, true);
  expect_same("SELECT full_name FROM users ORDER BY 1 DESC NULLS LAST, id LIMIT 3", kToNew, true);
}

TEST_F(ReadRoutingTest, ColumnKindsNewShapedReadsServedFromTheOldShape) {
  for (const char* sql : {
           "SELECT display_name FROM users WHERE id = 1",
           "SELECT * FROM users",
           "SELECT public.users.display_name FROM public.users",
           "SELECT display_name, count(*) FROM users GROUP BY display_name",
           "SELECT id FROM users WHERE display_name = 'Ada'",
           "WITH u AS (SELECT display_name FROM users) SELECT * FROM u",
           "SELECT include_bool, id FROM accounts",
           "SELECT * FROM accounts WHERE include_bool FOR UPDATE",
       })
    expect_same(sql, kToOld);
  expect_same("SELECT * FROM users ORDER BY display_name, id", kToOld, true);
}

TEST_F(ReadRoutingTest, TableKindsBothDirections) {
  for (const char* sql : {
           "SELECT * FROM inovices",
           "SELECT i.amount FROM public.inovices i WHERE i.id = 1",
           "SELECT public.inovices.amount FROM public.inovices",
           "SELECT sum(amount) FROM inovices JOIN users ON users.id = inovices.id",
           "SELECT * FROM legacy_accounts",
           "SELECT accttype, count(*) FROM legacy_accounts GROUP BY accttype",
           "SELECT la.name, u.full_name FROM legacy_accounts la JOIN users u ON u.id = la.user_id",
           "SELECT * FROM legacy_accounts WHERE accttype = 'CHECKING' FOR UPDATE",
           "SELECT public.legacy_accounts.accttype FROM public.legacy_accounts",
       })
    expect_same(sql, kToNew);
  expect_same("SELECT * FROM legacy_accounts ORDER BY accttype NULLS FIRST", kToNew, true);
  for (const char* sql : {
           "SELECT * FROM invoices",
           "SELECT id, type FROM account",
           "SELECT a.type, count(*) FROM account a GROUP BY a.type",
           "SELECT name FROM account WHERE type = 'ASSET'",
       })
    expect_same(sql, kToOld);
}

TEST_F(ReadRoutingTest, ReadsInsideWrites) {
  for (const char* sql : {
           "UPDATE people p SET name = u.full_name FROM users u WHERE u.id = p.id RETURNING p.*, u.full_name",
           "UPDATE people SET name = (SELECT full_name FROM users WHERE users.id = people.id) RETURNING *",
           "DELETE FROM people USING users u WHERE u.full_name = people.name RETURNING people.*",
           "INSERT INTO people (id, name) SELECT id + 100, full_name FROM users RETURNING *",
           "UPDATE people SET name = 'x' WHERE id IN (SELECT user_id FROM legacy_accounts WHERE accttype = 'CHECKING') "
           "RETURNING *",
           "WITH gone AS (DELETE FROM people WHERE name IN (SELECT customer FROM inovices) RETURNING *) SELECT * FROM gone",
       })
    expect_same_write(sql, kToNew);
  expect_same_write("INSERT INTO people (id, name) SELECT id + 100, display_name FROM users RETURNING *", kToOld);
}

// Once the shapes differ, the routed read shows the serving shape's value.
TEST_F(ReadRoutingTest, RoutedReadsReallyReadTheOtherShape) {
  run("UPDATE users SET display_name = 'New Ada' WHERE id = 1");
  EXPECT_EQ(value("SELECT full_name FROM users WHERE id = 1"), "Ada");
  EXPECT_EQ(value(routed("SELECT full_name FROM users WHERE id = 1", kToNew)), "New Ada");
  EXPECT_EQ(value(routed("SELECT count(*) FROM users WHERE full_name = 'New Ada'", kToNew)), "1");

  run("UPDATE users SET full_name = 'Old Alan' WHERE id = 2");
  EXPECT_EQ(value(routed("SELECT display_name FROM users WHERE id = 2", kToOld)), "Old Alan");

  run("UPDATE accounts SET include_bool = false WHERE aid = 1");
  EXPECT_EQ(value(routed("SELECT '[' || include || ']' FROM accounts WHERE aid = 1", kToNew)), "[]");
  run("UPDATE invoices SET amount = 99 WHERE id = 1");
  EXPECT_EQ(value(routed("SELECT amount FROM inovices WHERE id = 1", kToNew)), "99.00");
  run("UPDATE account SET type = 'LIABILITY' WHERE id = 1");
  EXPECT_EQ(value(routed("SELECT accttype FROM legacy_accounts WHERE id = 1", kToNew)), "CREDITLINE");
  run("UPDATE legacy_accounts SET accttype = 'SAVINGS' WHERE id = 2");
  EXPECT_EQ(value(routed("SELECT type FROM account WHERE id = 2", kToOld)), "ASSET");
}

// new_only after contract dropped the old column: its reads are served from `down`, in SELECTs
// (through the sub-select) and in writes (the write path's in-place translation).
TEST_F(ReadRoutingTest, NewOnlyServesADroppedOldColumn) {
  run("ALTER TABLE users DROP COLUMN full_name");
  rewrite::Catalog c = catalog(config::Phase::kNewOnly);
  auto& users = c.migrations[0];  // as the schema loader records a dropped column: after the others
  users.old_rel.columns.push_back({"full_name", "text", "text", "", false, true});
  users.new_rel = users.old_rel;
  const auto rewrite = [&](const std::string& sql) {
    const auto r = rewrite::pg::rewrite_sql(sql, c, {});
    EXPECT_EQ(r.kind, rewrite::RewriteResult::Kind::kRewritten) << sql;
    return r.sql;
  };
  EXPECT_EQ(value(rewrite("SELECT full_name FROM users WHERE id = 1")), "Ada");
  EXPECT_EQ(value(rewrite("SELECT count(*) FROM users u JOIN people p ON p.name = u.full_name")), "4");
  const ResultSet all = fetch(conn_.get(), rewrite("SELECT * FROM users ORDER BY id"));
  EXPECT_EQ(all.names, (std::vector<std::string>{"id", "email", "display_name", "full_name"})) << show(all);
  EXPECT_EQ(value(rewrite("UPDATE users SET email = 'x' WHERE full_name = 'Alan' RETURNING full_name")), "Alan");
}

// The sub-select is pulled up: an index on the new column serves a predicate on the old name.
TEST_F(ReadRoutingTest, PlansKeepTheirIndexes) {
  run("SET enable_seqscan = off");
  const auto plan = [&](const std::string& sql) {
    std::string text;
    PgResult r = exec(conn_.get(), "EXPLAIN (COSTS OFF) " + sql);
    for (int i = 0; r && i < PQntuples(r.get()); ++i) text += std::string(PQgetvalue(r.get(), i, 0)) + "\n";
    return text;
  };
  const std::string by_name = plan(routed("SELECT * FROM users WHERE full_name = 'Ada'", kToNew));
  EXPECT_NE(by_name.find("users_display_name"), std::string::npos) << by_name;
  const std::string by_key = plan(routed("SELECT full_name FROM users WHERE id = 1", kToNew));
  EXPECT_NE(by_key.find("users_pkey"), std::string::npos) << by_key;
  EXPECT_EQ(by_key.find("Subquery Scan"), std::string::npos) << by_key;
}

}  // namespace
}  // namespace switchyard::test_support
