// Server-side writers: what a SQL body does (for the loader), and which statements run a writer
// of a migration (refused, or waived under on_unsupported: pass).
#include "rewrite/pg/server_code.h"

#include <gtest/gtest.h>

#include "rewrite/pg/parse_tree.h"
#include "rewrite/pg/rewriter.h"
#include "tests/rewrite/pg/catalog_fixture.h"

namespace switchyard::rewrite::pg {
namespace {

using Strings = std::vector<std::string>;

TEST(SqlBodyUse, WritesReadsAndCallsOfASqlBody) {
  const SqlBodyUse a = sql_body_use("UPDATE users SET full_name = upper($2) WHERE id = $1; SELECT count(*) FROM audit");
  EXPECT_TRUE(a.parsed);
  EXPECT_EQ(a.written, Strings{"users"});
  EXPECT_EQ(a.read, Strings{"audit"});
  EXPECT_EQ(a.called, (Strings{"upper", "count"}));

  const SqlBodyUse atomic = sql_body_use(
      "CREATE FUNCTION public.f(i integer) RETURNS void LANGUAGE sql BEGIN ATOMIC DELETE FROM public.users WHERE id = i; END");
  EXPECT_EQ(atomic.written, Strings{"users"});

  // A rule's own table is neither read nor written by it.
  const SqlBodyUse rule = sql_body_use("CREATE RULE r AS ON INSERT TO public.orders DO ALSO INSERT INTO users (id) VALUES (new.id)");
  EXPECT_EQ(rule.written, Strings{"users"});
  EXPECT_TRUE(rule.read.empty());

  const SqlBodyUse truncate = sql_body_use("TRUNCATE a, b");
  EXPECT_EQ(truncate.written, (Strings{"a", "b"}));
  EXPECT_FALSE(sql_body_use("BEGIN UPDATE users SET x = 1; END").parsed);  // PL/pgSQL is not SQL
}

Catalog with_writers(bool pass) {
  Catalog c = testing::seeds_catalog();
  auto& m = c.migrations[0];  // users-display-name
  m.spec.pass_unsupported = pass;
  m.server_writers = {
      {ServerWriter::Kind::kFunction, {"public", "touch_user"}, "function public.touch_user(integer)", "public.users"},
      {ServerWriter::Kind::kProcedure, {"app", "rename_all"}, "procedure app.rename_all()", "public.users"},
      {ServerWriter::Kind::kTrigger, {"public", "orders"}, "trigger orders_audit on public.orders",
       "function public.audit()"},
      {ServerWriter::Kind::kRule, {"public", "events"}, "rule events_log on public.events", "public.users"},
  };
  return c;
}

RewriteResult rewrite(const std::string& sql, const Catalog& c) { return rewrite_sql(sql, c); }

TEST(ServerWriters, StatementsThatRunOneAreRefusedNamingIt) {
  const Catalog c = with_writers(false);
  struct Case {
    const char* sql;
    const char* names;  // in the message
  };
  const Case cases[] = {
      {"SELECT touch_user(1)", "function public.touch_user(integer)"},
      {"SELECT public.touch_user(id) FROM accounts", "function public.touch_user(integer)"},
      {"SELECT 1 WHERE EXISTS (SELECT touch_user(2))", "function public.touch_user(integer)"},
      {"CALL app.rename_all()", "procedure app.rename_all()"},
      {"CALL rename_all()", "procedure app.rename_all()"},
      {"INSERT INTO orders VALUES (1)", "trigger orders_audit on public.orders"},
      {"UPDATE public.orders SET x = 1", "trigger orders_audit on public.orders"},
      {"DELETE FROM events", "rule events_log on public.events"},
      {"TRUNCATE events", "rule events_log on public.events"},
      {"DO $$ BEGIN UPDATE users SET full_name = 'x'; END $$", "DO block that names users"},
      {"DO $$ BEGIN PERFORM touch_user(1); END $$", "DO block that names touch_user"},
      // Created through the proxy, a writer would not be in the catalog until the next reload.
      {"CREATE FUNCTION pg_temp.r(int, text) RETURNS void LANGUAGE sql AS 'UPDATE users SET full_name = $2 WHERE id = $1'",
       "CREATE FUNCTION r makes a routine that writes users"},
      {"CREATE OR REPLACE PROCEDURE p() LANGUAGE plpgsql AS $$ BEGIN DELETE FROM users; END $$",
       "CREATE PROCEDURE p makes a routine that writes users"},
      {"CREATE FUNCTION f() RETURNS void LANGUAGE sql BEGIN ATOMIC INSERT INTO users (id) VALUES (1); END",
       "CREATE FUNCTION f makes a routine that writes users"},
  };
  for (const Case& k : cases) {
    const RewriteResult r = rewrite(k.sql, c);
    ASSERT_EQ(r.kind, RewriteResult::Kind::kRefused) << k.sql;
    EXPECT_EQ(r.migration, "users-display-name") << k.sql;
    EXPECT_EQ(r.code, RefusalReason::kServerSideCode) << k.sql;
    EXPECT_NE(r.reason.find(k.names), std::string::npos) << k.sql << ": " << r.reason;
    EXPECT_NE(r.reason.find("on_unsupported: pass"), std::string::npos) << r.reason;
  }
}

TEST(ServerWriters, OtherStatementsAreUnaffected) {
  const Catalog c = with_writers(false);
  for (const char* sql : {"SELECT touch_users(1)", "SELECT other.touch_user(1)", "CALL other.rename_all()",
                          "SELECT * FROM orders", "INSERT INTO orders_archive VALUES (1)", "SELECT count(*) FROM events",
                          "DO $$ BEGIN UPDATE people SET name = 'x'; END $$", "DO $$ BEGIN PERFORM count(*) FROM users; END $$",
                          "CREATE FUNCTION n() RETURNS bigint LANGUAGE sql AS 'SELECT count(*) FROM users'",
                          "CREATE FUNCTION g() RETURNS void LANGUAGE sql BEGIN ATOMIC UPDATE people SET name = 'x'; END"}) {
    const RewriteResult r = rewrite(sql, c);
    EXPECT_NE(r.kind, RewriteResult::Kind::kRefused) << sql << ": " << r.reason;
    EXPECT_TRUE(r.passed_migration.empty()) << sql;
  }
  // In phase off nothing is mirrored, so nothing diverges.
  Catalog off = c;
  off.migrations[0].spec.phase = config::Phase::kOff;
  EXPECT_EQ(rewrite("SELECT touch_user(1)", off).kind, RewriteResult::Kind::kUnchanged);
}

TEST(ServerWriters, OnUnsupportedPassRelaysAndSaysWhy) {
  const Catalog c = with_writers(true);
  const RewriteResult r = rewrite("SELECT touch_user(1)", c);
  EXPECT_EQ(r.kind, RewriteResult::Kind::kUnchanged);
  EXPECT_EQ(r.passed_migration, "users-display-name");
  EXPECT_EQ(r.passed_code, RefusalReason::kServerSideCode);
  // The write itself is still mirrored.
  const RewriteResult w = rewrite("UPDATE users SET full_name = 'a' WHERE touch_user(id) IS NULL", c);
  EXPECT_EQ(w.kind, RewriteResult::Kind::kRewritten) << w.reason;
  EXPECT_EQ(w.passed_migration, "users-display-name");
}

TEST(RefusalReasons, EachRefusalCarriesItsClass) {
  Catalog c = testing::seeds_catalog();
  c.migrations[0].spec.up = {{"display_name", "full_name || email"}};
  // display_name would need two single evaluations (rewriter_golden_test.cpp).
  EXPECT_EQ(rewrite("UPDATE users SET (full_name) = (SELECT 'a'), email = random()::text", c).code, RefusalReason::kVolatile);
  EXPECT_EQ(rewrite("MERGE INTO users u USING accounts a ON a.aid = u.id WHEN MATCHED THEN DELETE", c).code,
            RefusalReason::kUnsupportedForm);
  EXPECT_EQ(to_string(RefusalReason::kServerSideCode), "server_side_code");
  EXPECT_EQ(to_string(RefusalReason::kVolatile), "volatile");
  EXPECT_EQ(to_string(RefusalReason::kUnsupportedForm), "unsupported_form");
  EXPECT_EQ(to_string(RefusalReason::kRewriteFailed), "rewrite_failed");
}

}  // namespace
}  // namespace switchyard::rewrite::pg
