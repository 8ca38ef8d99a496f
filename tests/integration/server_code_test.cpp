// Server-side code and volatility through a real switchyard on a real PostgreSQL:
//   - functions, procedures, triggers, rules and DO blocks that write a migrated table inside
//     the server are refused with 0A000 naming them (each would change one shape only), listed in
//     /status and the log, and relayed under on_unsupported: pass; functions that do not write
//     a migrated table run as before;
//   - values the rewriter copies into both shapes are judged by pg_proc: immutable and stable
//     built-ins are rewritten and land equal in both columns, a user function declared VOLATILE
//     is refused, an IMMUTABLE one accepted, and a function created later is known after a reload;
//   - the statement counters move by route and reason.
#include <gtest/gtest.h>

#include <cstdio>
#include <memory>
#include <string>

#include "tests/integration/dual_write_seeds.h"
#include "tests/support/admin_probe.h"
#include "tests/support/http_client.h"
#include "tests/support/migration_proxy.h"
#include "tests/support/net.h"
#include "tests/support/statement_runner.h"

namespace switchyard::test_support {
namespace {

constexpr char kDatabase[] = "server_code";
constexpr char kUsers[] = "users-display-name";

constexpr char kSchema[] = R"(
  CREATE FUNCTION touch_user(i int) RETURNS void LANGUAGE sql AS $$ UPDATE users SET full_name = 'touched' WHERE id = i $$;
  CREATE FUNCTION touch_user_pl(i int) RETURNS int LANGUAGE plpgsql AS $$
    BEGIN UPDATE users SET full_name = 'pl' WHERE id = i; RETURN 1; END $$;
  CREATE FUNCTION outer_touch(i int) RETURNS void LANGUAGE plpgsql AS $$ BEGIN PERFORM touch_user(i); END $$;
  CREATE PROCEDURE rename_all() LANGUAGE sql AS $$ UPDATE users SET full_name = upper(full_name) $$;
  CREATE TABLE orders (id int PRIMARY KEY, user_id int);
  CREATE FUNCTION orders_touch() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN UPDATE users SET full_name = 'ordered' WHERE id = NEW.user_id; RETURN NEW; END $$;
  CREATE TRIGGER orders_touch AFTER INSERT ON orders FOR EACH ROW EXECUTE FUNCTION orders_touch();
  CREATE TABLE events (id int);
  CREATE RULE events_log AS ON INSERT TO events DO ALSO UPDATE users SET full_name = 'evented' WHERE id = NEW.id;
  CREATE VIEW named_users AS SELECT id, full_name FROM users;
  CREATE FUNCTION add_one(i int) RETURNS int LANGUAGE sql IMMUTABLE AS $$ SELECT i + 1 $$;
  CREATE FUNCTION count_users() RETURNS bigint LANGUAGE sql STABLE AS $$ SELECT count(*) FROM users $$;
  CREATE FUNCTION pick_name() RETURNS text LANGUAGE sql VOLATILE AS $$ SELECT 'picked ' || md5(random()::text) $$;
  CREATE FUNCTION slug(t text) RETURNS text LANGUAGE sql IMMUTABLE AS $$ SELECT lower(t) $$;
)";
constexpr char kReset[] = R"(
  TRUNCATE users, orders, events;
  INSERT INTO users VALUES (1, 'Ada Lovelace', 'ada@example.com', 'Ada Lovelace');
)";

::testing::AssertionResult RefusedBy(const PGresult* result, const std::string& migration, const std::string& naming) {
  const std::string expected = "switchyard: migration " + migration + ": ";
  const char* message = result ? PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY) : nullptr;
  if (PQresultStatus(result) == PGRES_FATAL_ERROR && sqlstate(result) == "0A000" && message != nullptr &&
      std::string(message).starts_with(expected) && std::string(message).find(naming) != std::string::npos)
    return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "expected 0A000 \"" << expected << "...\" naming " << naming << ", got "
                                       << describe(result);
}

class ServerCode : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    admin_ = pick_free_port();
    proxy_ = MigrationProxy::start(kDatabase, std::string(seeds::kUsersTable) + kSchema, config(false, admin_), start_error_);
  }
  static void TearDownTestSuite() { proxy_.reset(); }
  static std::string config(bool pass, int admin) {
    return std::string("migrations:") + seeds::kUsersDisplayName + (pass ? "    on_unsupported: pass\n" : "") +
           "admin: {listen: 127.0.0.1:" + std::to_string(admin) + "}\n";
  }

  void SetUp() override {
    ASSERT_TRUE(proxy_) << "cannot start switchyard: " << start_error_;
    direct_ = proxy_->connect_direct();
    client_ = proxy_->connect_proxied();
    ASSERT_EQ(PQstatus(client_.get()), CONNECTION_OK) << PQerrorMessage(client_.get());
    PgResult reset = exec(direct_.get(), kReset);
    ASSERT_EQ(PQresultStatus(reset.get()), PGRES_COMMAND_OK) << describe(reset.get());
  }
  void TearDown() override {
    if (HasFailure() && proxy_) std::fprintf(stderr, "--- switchyard log (tail) ---\n%s\n", proxy_->log_tail().c_str());
  }

  std::string user_one() { return query_value(direct_.get(), "SELECT full_name || ' / ' || display_name FROM users WHERE id = 1"); }
  double metric(const std::string& series) {
    return metric_sum(http_request(admin_, "GET", "/metrics").body, series).value_or(-1);
  }

  static inline int admin_ = 0;
  static inline std::unique_ptr<MigrationProxy> proxy_;
  static inline std::string start_error_;
  PgConn direct_;
  PgConn client_;
};

const char* const kWriters[][2] = {
    {"SELECT touch_user(1)", "function public.touch_user(i integer)"},
    {"SELECT touch_user_pl(1)", "function public.touch_user_pl(i integer)"},
    {"SELECT outer_touch(1)", "function public.outer_touch(i integer)"},
    {"SELECT count(*) FROM users WHERE touch_user_pl(id) = 1", "function public.touch_user_pl(i integer)"},
    {"CALL rename_all()", "procedure public.rename_all()"},
    {"INSERT INTO orders VALUES (1, 1)", "trigger orders_touch on public.orders"},
    {"INSERT INTO events VALUES (1)", "rule events_log on public.events"},
    {"DO $$ BEGIN UPDATE users SET full_name = 'done' WHERE id = 1; END $$", "DO block that names users"},
    {"DO $$ BEGIN PERFORM touch_user(1); END $$", "DO block that names touch_user"},
    {"UPDATE named_users SET full_name = 'viewed' WHERE id = 1", "view public.named_users"},
};

TEST_F(ServerCode, EachServerSideWriterIsRefusedNamingItAndNothingIsWritten) {
  for (const auto& [sql, naming] : kWriters) {
    PgResult r = exec(client_.get(), sql);
    EXPECT_TRUE(RefusedBy(r.get(), kUsers, naming)) << sql;
  }
  // The extended protocol too: the refusal is what the server prepares.
  PgResult prepared = run(client_.get(), {"SELECT touch_user($1)", {"1"}, {}}, Protocol::kExtended);
  EXPECT_TRUE(RefusedBy(prepared.get(), kUsers, "function public.touch_user(i integer)"));
  EXPECT_EQ(user_one(), "Ada Lovelace / Ada Lovelace");
  EXPECT_EQ(query_value(direct_.get(), "SELECT (SELECT count(*) FROM orders) + (SELECT count(*) FROM events)"), "0");
}

TEST_F(ServerCode, FunctionsThatDoNotWriteAMigratedTableAreUnaffected) {
  EXPECT_EQ(query_value(client_.get(), "SELECT add_one(1)"), "2");
  EXPECT_EQ(query_value(client_.get(), "SELECT count_users()"), "1");
  PgResult r = exec(client_.get(), "UPDATE users SET full_name = slug('GRACE') WHERE id = 1");
  EXPECT_EQ(PQresultStatus(r.get()), PGRES_COMMAND_OK) << describe(r.get());
  EXPECT_EQ(user_one(), "grace / grace");
}

TEST_F(ServerCode, StatusAndTheLogListTheWriters) {
  const std::string status = http_request(admin_, "GET", "/status").body;
  for (const char* name : {"function public.touch_user(i integer)", "function public.outer_touch(i integer)",
                           "procedure public.rename_all()", "function public.orders_touch()",
                           "trigger orders_touch on public.orders", "rule events_log on public.events"})
    EXPECT_NE(status.find(std::string("\"name\":\"") + name + "\""), std::string::npos) << name << "\n" << status;
  EXPECT_NE(status.find("\"writes\":\"function public.touch_user(i integer)\""), std::string::npos) << status;
  for (const char* absent : {"add_one", "count_users", "slug"}) EXPECT_EQ(status.find(absent), std::string::npos) << absent;
  const std::string log = proxy_->process().log();
  EXPECT_NE(log.find("function public.touch_user(i integer) writes public.users inside the server"), std::string::npos) << log;
}

TEST_F(ServerCode, BuiltInsThatAreImmutableOrStableAreRewrittenAndLandEqual) {
  const char* const values[] = {
      "chr(65)",
      "extract(year FROM now())::text",
      "overlay('abcdef' placing 'X' from 2 for 1)",
      "CASE WHEN 'ab_c' LIKE 'ab#_c' ESCAPE '#' THEN 'like' ELSE 'unlike' END",
      "CASE WHEN 'abc' SIMILAR TO 'a%' THEN 'similar' ELSE 'not' END",
      "to_char(timestamp '2024-01-02 03:04' AT TIME ZONE 'UTC', 'YYYY-MM-DD')",
      "quote_ident('a b') || quote_literal('x')",
      "to_hex(255)",
      "encode(convert_to('x', 'UTF8'), 'hex')",
      "ascii('A')::text",
      "(string_to_array('a,b', ','))[2]",  // (ARRAY[...])[2] loses its parentheses in the deparser (issue 10)
      "array_to_string(ARRAY['a', 'b'], ',')",
      "trim(both 'x' from 'xax') || position('b' in 'abc') || substring('abc' from 2 for 1)",
  };
  for (const char* value : values) {
    const std::string expected = query_value(direct_.get(), std::string("SELECT ") + value);
    PgResult r = exec(client_.get(), std::string("UPDATE users SET full_name = ") + value + " WHERE id = 1");
    ASSERT_EQ(PQresultStatus(r.get()), PGRES_COMMAND_OK) << value << ": " << describe(r.get());
    EXPECT_EQ(user_one(), expected + " / " + expected) << value;
  }
}

TEST_F(ServerCode, AUserFunctionIsJudgedByItsDeclaredVolatility) {
  // VOLATILE: evaluated once for both columns (a second evaluation would give another md5).
  PgResult picked = exec(client_.get(), "UPDATE users SET full_name = pick_name() WHERE id = 1");
  ASSERT_EQ(PQresultStatus(picked.get()), PGRES_COMMAND_OK) << describe(picked.get());
  const std::string both = user_one();
  const size_t slash = both.find(" / ");
  ASSERT_NE(slash, std::string::npos) << both;
  EXPECT_EQ(both.substr(0, slash), both.substr(slash + 3)) << both;
  EXPECT_TRUE(both.starts_with("picked ")) << both;
  PgResult slugged = exec(client_.get(), "UPDATE users SET full_name = slug('Ada') WHERE id = 1");
  EXPECT_EQ(PQresultStatus(slugged.get()), PGRES_COMMAND_OK) << describe(slugged.get());
  EXPECT_EQ(user_one(), "ada / ada");
}

TEST_F(ServerCode, FunctionsCreatedLaterAreKnownAfterAReload) {
  PgResult made = exec(direct_.get(),
                       "CREATE FUNCTION shout(t text) RETURNS text LANGUAGE sql IMMUTABLE AS $$ SELECT upper(t) $$;"
                       "CREATE FUNCTION late_touch(i int) RETURNS void LANGUAGE sql AS "
                       "$$ UPDATE users SET full_name = 'late' WHERE id = i $$");
  ASSERT_EQ(PQresultStatus(made.get()), PGRES_COMMAND_OK) << describe(made.get());
  // Not in the catalog yet, so taken as volatile: evaluated once, in the single-evaluation form.
  PgResult unknown = exec(client_.get(), "UPDATE users SET full_name = shout('b') WHERE id = 1");
  ASSERT_EQ(PQresultStatus(unknown.get()), PGRES_COMMAND_OK) << describe(unknown.get());
  EXPECT_EQ(user_one(), "B / B");

  ASSERT_EQ(http_request(admin_, "POST", "/reload").status, 200);
  PgConn fresh = proxy_->connect_proxied();
  PgResult known = exec(fresh.get(), "UPDATE users SET full_name = shout('a') WHERE id = 1");
  EXPECT_EQ(PQresultStatus(known.get()), PGRES_COMMAND_OK) << describe(known.get());
  EXPECT_EQ(user_one(), "A / A");
  PgResult late = exec(fresh.get(), "SELECT late_touch(1)");
  EXPECT_TRUE(RefusedBy(late.get(), kUsers, "function public.late_touch(i integer)"));
  EXPECT_EQ(user_one(), "A / A");
  PgResult dropped = exec(direct_.get(), "DROP FUNCTION shout(text); DROP FUNCTION late_touch(int)");
  EXPECT_EQ(PQresultStatus(dropped.get()), PGRES_COMMAND_OK) << describe(dropped.get());
}

TEST_F(ServerCode, StatementCountersMoveByRouteAndReason) {
  const std::string m = "switchyard_statements_total{migration=\"users-display-name\",kind=\"write\",route=";
  const double server_side = metric(m + "\"refused\",reason=\"server_side_code\"}");
  const double rewritten = metric(m + "\"rewritten\"}");
  const auto passed = [&] {
    return status_number(http_request(admin_, "GET", "/status").body, "\"statements\":{", "passed").value_or(-1);
  };
  const double passed_before = passed();
  ASSERT_GE(server_side, 0);

  exec(client_.get(), "SELECT touch_user(1)");
  exec(client_.get(), "UPDATE users SET full_name = random()::text WHERE id = 1");  // evaluated once: rewritten
  exec(client_.get(), "UPDATE users SET full_name = 'x' WHERE id = 1");
  exec(client_.get(), "UPDATE users SET email = 'y' WHERE id = 1");  // nothing to mirror: passed

  EXPECT_EQ(metric(m + "\"refused\",reason=\"server_side_code\"}"), server_side + 1);
  EXPECT_EQ(metric(m + "\"rewritten\"}"), rewritten + 2);
  EXPECT_EQ(passed(), passed_before + 1);
}

// The same database behind a second switchyard whose migration says on_unsupported: pass.
TEST_F(ServerCode, OnUnsupportedPassRelaysServerSideWrites) {
  std::string error;
  const int admin = pick_free_port();
  auto pass = MigrationProxy::attach(kDatabase, config(true, admin), error);
  ASSERT_TRUE(pass) << error;
  PgConn c = pass->connect_proxied();
  for (const auto& [sql, naming] : kWriters) {
    PgResult r = exec(c.get(), sql);
    const ExecStatusType s = PQresultStatus(r.get());
    EXPECT_TRUE(s == PGRES_COMMAND_OK || s == PGRES_TUPLES_OK) << sql << ": " << describe(r.get());
  }
  const std::string series = "switchyard_statements_total{migration=\"users-display-name\",kind=\"write\","
                             "route=\"passed\",reason=\"server_side_code\"}";
  EXPECT_EQ(metric_sum(http_request(admin, "GET", "/metrics").body, series).value_or(-1), double(std::size(kWriters)));
  EXPECT_NE(user_one(), "Ada Lovelace / Ada Lovelace") << "relayed: the server-side writes changed one shape";
  EXPECT_NE(pass->log_tail().find("relayed unmirrored under on_unsupported: pass (server_side_code)"), std::string::npos)
      << pass->log_tail();
}

}  // namespace
}  // namespace switchyard::test_support
