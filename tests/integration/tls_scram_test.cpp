// SCRAM on both legs (issue 12): with TLS on both legs and `auth:` set, switchyard answers the
// client as the SCRAM server (SCRAM-SHA-256-PLUS bound to its own certificate, or
// SCRAM-SHA-256) with the verifier it read from pg_authid, and logs in to the server with the
// ClientKey the client's proof gave away, bound to the server's certificate. So libpq's default
// channel_binding=prefer, and require, log in; a wrong password gets the server's 28P01; an md5
// role keeps the byte-for-byte relay; a failed auth.query falls back to it. Then what the
// relay carries after such a login (COPY in and out, a CancelRequest, LISTEN/NOTIFY, a
// pipeline) and two drivers (psycopg 3 and pgjdbc with sslmode=require) over TLS on both legs.
//
// How we know the upstream leg was bound: PostgreSQL 15 over TLS offers SCRAM-SHA-256-PLUS and
// refuses a client that says "y" (it could bind, it thinks the server cannot) as a downgrade;
// the proxy sends "p" or "y", never "n", on an encrypted leg, so a login is a bound one.
#include <gtest/gtest.h>
#include <signal.h>

#include "auth/scram.h"
#include "protocol/pg/authentication.h"
#include "protocol/pg/backend.h"
#include "protocol/pg/startup.h"
#include "tests/support/pg_connection.h"
#include "tests/support/raw_client.h"
#include "tests/support/relay_checks.h"
#include "tests/support/run_command.h"
#include "tests/support/text_assertions.h"
#include "tests/support/tls_world.h"
#include "tests/support/wait.h"

namespace switchyard::test_support {
namespace {

constexpr char kDrivers[] = SWITCHYARD_SOURCE_DIR "/tests/integration/drivers";
constexpr char kSslOnBackend[] = "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()";

TlsWorld* world = nullptr;
ProxyProcess* proxy = nullptr;  // tls + upstream_tls verify-full + auth (auto, with a query)

class TlsScram : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    std::string error;
    world = TlsWorld::create(error).release();
    ASSERT_TRUE(world) << error;
    // auth.mode auto (the default) runs SCRAM itself once a query is configured and both legs are TLS.
    proxy = start_proxy("auth: {query: \"SELECT rolname, rolpassword FROM pg_authid WHERE rolname = $1\"}\n", error)
                .release();
    ASSERT_TRUE(proxy) << error;
  }
  static void TearDownTestSuite() {
    delete proxy;
    proxy = nullptr;
    delete world;
    world = nullptr;
  }
  // A switchyard with TLS on both legs (verify-full upstream), `control` as `control_user`, and `auth_yaml`.
  static std::unique_ptr<ProxyProcess> start_proxy(const std::string& auth_yaml, std::string& error,
                                                   const std::string& control_user = kSuperuser,
                                                   const std::string& control_password = "") {
    return ProxyProcess::start(world->postgres->endpoint(),
                               TlsWorld::client_tls(world->proxy_a) + world->upstream_verify_full() +
                                   control(control_user, control_password) + auth_yaml,
                               error);
  }
  // Runs `sql` straight on the server, as the superuser, on a connection of its own; false (with
  // a test failure) if it fails.
  static bool on_server(const std::string& sql) {
    PgConn direct = connect(world->postgres->conninfo("postgres", kSuperuser));
    PgResult r = exec(direct.get(), sql);
    EXPECT_EQ(PQresultStatus(r.get()), PGRES_COMMAND_OK) << sql << ": " << describe(r.get()) << PQerrorMessage(direct.get());
    return PQresultStatus(r.get()) == PGRES_COMMAND_OK;
  }
  static std::string control(const std::string& user, const std::string& password = "") {
    return "control: \"" + world->postgres->conninfo("postgres", user, password) + " sslmode=require\"\n";
  }
  static std::string scram_login(const std::string& extra = "", const std::string& password = kScramPassword) {
    return world->verify_full(*proxy, kScramUser, password) + " " + extra;
  }
  static CommandResult driver(std::vector<std::string> argv, const std::string& sql) {
    for (const std::string& a : {proxy->endpoint().host, std::to_string(proxy->endpoint().port), std::string(kAppDatabase),
                                 std::string(kScramUser), std::string(kScramPassword), sql})
      argv.push_back(a);
    return run_command(std::move(argv), 90s);
  }
};

// The oracle for auth/scram.h: the verifier PostgreSQL stored, recomputed from the password.
TEST_F(TlsScram, VerifierFromPgAuthidMatchesThePassword) {
  PgConn direct = connect(world->postgres->conninfo("postgres", kSuperuser));
  ASSERT_EQ(PQstatus(direct.get()), CONNECTION_OK) << PQerrorMessage(direct.get());
  const std::string stored =
      query_value(direct.get(), std::string("SELECT rolpassword FROM pg_authid WHERE rolname = '") + kScramUser + "'");
  const auto v = auth::parse_verifier(stored);
  ASSERT_TRUE(v) << stored;
  const auth::Verifier mine = auth::make_verifier(kScramPassword, v->salt, v->iterations);
  EXPECT_EQ(auth::format_verifier(mine), stored);
}

TEST_F(TlsScram, ChannelBindingPreferRequireAndDisableLogIn) {
  for (const char* binding : {"prefer", "require", "disable"}) {
    PgConn conn = connect(scram_login(std::string("channel_binding=") + binding));
    ASSERT_EQ(PQstatus(conn.get()), CONNECTION_OK) << binding << ": " << PQerrorMessage(conn.get());
    EXPECT_EQ(PQsslInUse(conn.get()), 1);
    EXPECT_EQ(query_value(conn.get(), "SELECT current_user"), kScramUser);
    EXPECT_EQ(query_value(conn.get(), kSslOnBackend), "t") << "upstream leg";
    EXPECT_EQ(query_value(conn.get(), "SELECT sum(g) FROM generate_series(1, 1000) g"), "500500");
  }
  EXPECT_FALSE(Contains(proxy->log(), "auth.query failed")) << proxy->log();
}

TEST_F(TlsScram, AWrongPasswordGetsTheServersError) {
  for (const char* binding : {"prefer", "require"}) {
    PgConn conn = connect(scram_login(std::string("channel_binding=") + binding, "not-the-password"));
    EXPECT_EQ(PQstatus(conn.get()), CONNECTION_BAD);
    const std::string message = PQerrorMessage(conn.get());
    EXPECT_TRUE(Contains(message, "28P01")) << message;
    EXPECT_TRUE(Contains(message, "password authentication failed for user \"scramuser\"")) << message;
  }
  PgConn after = connect(scram_login());
  EXPECT_EQ(PQstatus(after.get()), CONNECTION_OK) << "the right password still works: " << PQerrorMessage(after.get());
}

TEST_F(TlsScram, AnMd5RoleAndATrustedRoleKeepTheRelay) {
  PgConn md5 = connect(world->verify_full(*proxy, kMd5User, kMd5Password));
  ASSERT_EQ(PQstatus(md5.get()), CONNECTION_OK) << PQerrorMessage(md5.get());
  EXPECT_EQ(query_value(md5.get(), "SELECT current_user"), kMd5User);
  PgConn wrong = connect(world->verify_full(*proxy, kMd5User, "nope"));
  EXPECT_EQ(PQstatus(wrong.get()), CONNECTION_BAD);
  EXPECT_TRUE(Contains(PQerrorMessage(wrong.get()), "28P01")) << PQerrorMessage(wrong.get());
  PgConn trusted = connect(world->verify_full(*proxy));  // postgres: no password, trust
  ASSERT_EQ(PQstatus(trusted.get()), CONNECTION_OK) << PQerrorMessage(trusted.get());
}

// Under auth.mode scram a plaintext client leg gets SCRAM-SHA-256 alone (and says "n"), while
// the upstream leg is still bound.
TEST_F(TlsScram, ModeScramServesAPlaintextClientToo) {
  std::string error;
  auto p = start_proxy("auth: {mode: scram}\n", error);
  ASSERT_TRUE(p) << error;
  PgConn plain = connect(p->endpoint().conninfo(kAppDatabase, kScramUser, kScramPassword) + " sslmode=disable");
  ASSERT_EQ(PQstatus(plain.get()), CONNECTION_OK) << PQerrorMessage(plain.get());
  EXPECT_EQ(PQsslInUse(plain.get()), 0);
  EXPECT_EQ(query_value(plain.get(), kSslOnBackend), "t");
  PgConn refused = connect(p->endpoint().conninfo(kAppDatabase, kScramUser, kScramPassword) +
                           " sslmode=disable channel_binding=require");
  EXPECT_EQ(PQstatus(refused.get()), CONNECTION_BAD) << "no binding without TLS";
}

// What the proxy reads of the client's exchange is checked as PostgreSQL checks it: a malformed
// SASLInitialResponse ends that session with 08P01, and others go on.
TEST_F(TlsScram, AMalformedSaslMessageEndsThatSessionOnly) {
  std::string error;
  auto p = start_proxy("auth: {mode: scram}\n", error);
  ASSERT_TRUE(p) << error;
  PgConn bystander = connect(p->endpoint().conninfo(kAppDatabase, kScramUser, kScramPassword) + " sslmode=disable");
  ASSERT_EQ(PQstatus(bystander.get()), CONNECTION_OK) << PQerrorMessage(bystander.get());
  RawClient raw(p->endpoint());
  ASSERT_TRUE(raw.connected()) << raw.error();
  ASSERT_TRUE(raw.send(pg::encode_startup(pg::kProtocol3, {{"user", kScramUser}, {"database", kAppDatabase}})));
  const auto offer = raw.read_message();
  ASSERT_TRUE(offer) << printable(raw.received());
  ASSERT_EQ(offer->type, 'R');
  EXPECT_EQ(pg::decode_sasl_mechanisms(offer->body), (std::vector<std::string_view>{"SCRAM-SHA-256"}))
      << "no -PLUS on a plaintext leg";
  std::string garbage;
  pg::encode_sasl_initial_response(garbage, "SCRAM-SHA-256", "q,,n=,r=abc");
  ASSERT_TRUE(raw.send(garbage));
  const auto reply = raw.read_message();
  ASSERT_TRUE(reply) << printable(raw.received());
  ASSERT_EQ(reply->type, 'E');
  EXPECT_EQ(pg::error_field(reply->body, 'C'), "08P01");
  EXPECT_TRUE(raw.wait_closed(5s));
  EXPECT_EQ(query_value(bystander.get(), "SELECT 'still here'"), "still here");
}

// docs/config.md's recipe for a control role that is no superuser: a SECURITY DEFINER function.
TEST_F(TlsScram, ASecurityDefinerFunctionServesAControlRoleThatIsNoSuperuser) {
  ASSERT_TRUE(on_server("CREATE OR REPLACE FUNCTION switchyard_auth(u text) RETURNS TABLE(rolname name, rolpassword text) "
                        "LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog AS "
                        "'SELECT rolname, rolpassword FROM pg_authid WHERE rolname = u AND rolcanlogin'; "
                        "REVOKE ALL ON FUNCTION switchyard_auth(text) FROM PUBLIC; "
                        "GRANT EXECUTE ON FUNCTION switchyard_auth(text) TO scramuser"));
  std::string error;
  auto p = start_proxy("auth: {mode: scram, query: \"SELECT * FROM switchyard_auth($1)\"}\n", error, kScramUser,
                       kScramPassword);
  ASSERT_TRUE(p) << error;
  PgConn conn = connect(world->verify_full(*p, kScramUser, kScramPassword) + " channel_binding=require");
  ASSERT_EQ(PQstatus(conn.get()), CONNECTION_OK) << PQerrorMessage(conn.get()) << p->log();
  EXPECT_EQ(query_value(conn.get(), "SELECT current_user"), kScramUser);
  EXPECT_FALSE(Contains(p->log(), "auth.query failed")) << p->log();
}

// A control role that may not read pg_authid: every session is relayed as before, and the log says why.
TEST_F(TlsScram, AFailedAuthQueryFallsBackToTheRelay) {
  std::string error;
  auto p = start_proxy("auth: {mode: scram}\n", error, kScramUser, kScramPassword);
  ASSERT_TRUE(p) << error;
  PgConn conn = connect(world->verify_full(*p, kScramUser, kScramPassword) + " channel_binding=disable");
  ASSERT_EQ(PQstatus(conn.get()), CONNECTION_OK) << PQerrorMessage(conn.get());
  EXPECT_TRUE(Contains(p->log(), "auth.query failed")) << p->log();
  EXPECT_TRUE(Contains(p->log(), "pg_authid")) << p->log();
}

// The cache of verifiers is emptied at a reload: a password changed on the server works at the
// first attempt after it, however long auth.cache_ms. (Whom the server trusts, as it does this
// role, the proxy still checks: the server answers AuthenticationOk at once, relayed as it came.)
TEST_F(TlsScram, AReloadReadsChangedVerifiersAgain) {
  ASSERT_TRUE(on_server("SET password_encryption = 'scram-sha-256'; DROP ROLE IF EXISTS rotating; "
                        "CREATE ROLE rotating LOGIN PASSWORD 'first'"));
  std::string error;
  auto p = start_proxy("auth: {mode: scram, cache_ms: 3600000}\n", error);
  ASSERT_TRUE(p) << error;
  PgConn first = connect(world->verify_full(*p, "rotating", "first"));
  ASSERT_EQ(PQstatus(first.get()), CONNECTION_OK) << PQerrorMessage(first.get());
  PgConn refused = connect(world->verify_full(*p, "rotating", "wrong"));
  EXPECT_EQ(PQstatus(refused.get()), CONNECTION_BAD) << "the proxy checks a role the server trusts";

  ASSERT_TRUE(on_server("SET password_encryption = 'scram-sha-256'; ALTER ROLE rotating PASSWORD 'second'"));
  const size_t offset = p->log().size();
  ASSERT_EQ(kill(p->pid(), SIGHUP), 0);
  ASSERT_TRUE(eventually([&] { return static_cast<bool>(Contains(p->log(offset), "reload: generation 2")); }, 10s, 50ms))
      << p->log(offset);
  PgConn second = connect(world->verify_full(*p, "rotating", "second"));
  EXPECT_EQ(PQstatus(second.get()), CONNECTION_OK) << PQerrorMessage(second.get());
  EXPECT_EQ(query_value(second.get(), "SELECT current_user"), "rotating");
}

// A password set again on the server (a new salt, so a new verifier) while the proxy's cache
// holds the old one: the proxy accepts the client, the server refuses the key derived from the
// old verifier with its own 28P01, which the client gets as it came; the role's entry is then
// dropped, so the next login reads the new verifier and gets in.
TEST_F(TlsScram, AStaleVerifierGetsTheServersRefusalOnceOnly) {
  ASSERT_TRUE(on_server("SET password_encryption = 'scram-sha-256'; DROP ROLE IF EXISTS rotated; "
                        "CREATE ROLE rotated LOGIN PASSWORD 'same'"));
  std::string error;
  auto p = start_proxy("auth: {mode: scram, cache_ms: 3600000}\n", error);
  ASSERT_TRUE(p) << error;
  PgConn before = connect(world->verify_full(*p, "rotated", "same"));
  ASSERT_EQ(PQstatus(before.get()), CONNECTION_OK) << PQerrorMessage(before.get());

  ASSERT_TRUE(on_server("SET password_encryption = 'scram-sha-256'; ALTER ROLE rotated PASSWORD 'same'"));
  PgConn stale = connect(world->verify_full(*p, "rotated", "same"));
  EXPECT_EQ(PQstatus(stale.get()), CONNECTION_BAD);
  const std::string message = PQerrorMessage(stale.get());
  EXPECT_TRUE(Contains(message, "28P01")) << message;
  EXPECT_TRUE(Contains(message, "password authentication failed for user \"rotated\"")) << message;
  PgConn after = connect(world->verify_full(*p, "rotated", "same"));
  ASSERT_EQ(PQstatus(after.get()), CONNECTION_OK) << PQerrorMessage(after.get());
  EXPECT_EQ(query_value(after.get(), "SELECT current_user"), "rotated");
}

// ---- the relay after a SCRAM login the proxy ran, over TLS on both legs --------------------

TEST_F(TlsScram, CopyInAndOutComeBackByteForByte) {
  PgConn conn = connect(scram_login());
  ASSERT_EQ(PQstatus(conn.get()), CONNECTION_OK) << PQerrorMessage(conn.get());
  PgResult created = exec(conn.get(), "CREATE TEMP TABLE copied (id int, label text)");
  ASSERT_EQ(PQresultStatus(created.get()), PGRES_COMMAND_OK) << describe(created.get());
  std::string input;
  for (int i = 1; i <= 20000; ++i) input += std::to_string(i) + "\tlabel \xc3\xa9 " + std::to_string(i * 7) + "\n";

  PgResult in = exec(conn.get(), "COPY copied FROM STDIN");
  ASSERT_EQ(PQresultStatus(in.get()), PGRES_COPY_IN) << describe(in.get());
  ASSERT_EQ(PQputCopyData(conn.get(), input.data(), static_cast<int>(input.size())), 1);
  ASSERT_EQ(PQputCopyEnd(conn.get(), nullptr), 1);
  PgResult done = await_result(conn.get(), true, "COPY FROM STDIN");
  ASSERT_EQ(PQresultStatus(done.get()), PGRES_COMMAND_OK) << describe(done.get());
  EXPECT_EQ(query_value(conn.get(), "SELECT count(*) FROM copied"), "20000");

  PgResult out = exec(conn.get(), "COPY (SELECT * FROM copied ORDER BY id) TO STDOUT");
  ASSERT_EQ(PQresultStatus(out.get()), PGRES_COPY_OUT) << describe(out.get());
  std::string output;
  for (;;) {
    char* row = nullptr;
    const int got = PQgetCopyData(conn.get(), &row, 0);
    if (got < 0) break;
    output.append(row, static_cast<size_t>(got));
    PQfreemem(row);
  }
  PgResult end(PQgetResult(conn.get()));
  EXPECT_EQ(PQresultStatus(end.get()), PGRES_COMMAND_OK) << describe(end.get());
  EXPECT_TRUE(output == input) << "COPY OUT gave " << output.size() << " bytes for " << input.size();
}

TEST_F(TlsScram, ACancelRequestReachesTheServer) {
  PgConn conn = connect(scram_login());
  ASSERT_EQ(PQstatus(conn.get()), CONNECTION_OK) << PQerrorMessage(conn.get());
  PgConn direct = connect(world->postgres->conninfo(kAppDatabase, kSuperuser));
  ASSERT_EQ(PQstatus(direct.get()), CONNECTION_OK) << PQerrorMessage(direct.get());
  expect_cancel_stops_query(conn.get(), direct.get(), "SELECT pg_sleep(60) /* tls_scram cancel */");
}

TEST_F(TlsScram, ANotificationReachesAListener) {
  PgConn listener = connect(scram_login());
  PgConn sender = connect(scram_login("channel_binding=require"));
  ASSERT_EQ(PQstatus(listener.get()), CONNECTION_OK) << PQerrorMessage(listener.get());
  ASSERT_EQ(PQstatus(sender.get()), CONNECTION_OK) << PQerrorMessage(sender.get());
  PgResult listening = exec(listener.get(), "LISTEN tls_events");
  ASSERT_EQ(PQresultStatus(listening.get()), PGRES_COMMAND_OK) << describe(listening.get());
  PgResult sent = exec(sender.get(), "NOTIFY tls_events, 'over TLS twice'");
  ASSERT_EQ(PQresultStatus(sent.get()), PGRES_COMMAND_OK) << describe(sent.get());
  Notification note = next_notification(listener.get(), 5s);
  ASSERT_TRUE(note);
  EXPECT_STREQ(note->relname, "tls_events");
  EXPECT_STREQ(note->extra, "over TLS twice");
}

TEST_F(TlsScram, APipelineKeepsItsOrderAndItsAbort) {
  PgConn conn = connect(scram_login());
  ASSERT_EQ(PQstatus(conn.get()), CONNECTION_OK) << PQerrorMessage(conn.get());
  ASSERT_EQ(PQenterPipelineMode(conn.get()), 1);
  const char* params[] = {"1", "0", "4"};
  ASSERT_EQ(PQsendQueryParams(conn.get(), "SELECT $1::int + 1", 1, nullptr, &params[0], nullptr, nullptr, 0), 1);
  ASSERT_EQ(PQsendQueryParams(conn.get(), "SELECT 10 / $1::int", 1, nullptr, &params[1], nullptr, nullptr, 0), 1);
  ASSERT_EQ(PQsendQueryParams(conn.get(), "SELECT $1::int * 2", 1, nullptr, &params[2], nullptr, nullptr, 0), 1);
  ASSERT_EQ(PQpipelineSync(conn.get()), 1);
  const auto next = [&] { return result_ready(conn.get(), 5s) ? PgResult(PQgetResult(conn.get())) : PgResult(nullptr); };
  std::vector<ExecStatusType> statuses;
  std::string first;
  for (int i = 0; i < 4; ++i) {
    PgResult r = next();
    ASSERT_TRUE(r) << "result " << i;
    statuses.push_back(PQresultStatus(r.get()));
    if (i == 0) first = PQgetvalue(r.get(), 0, 0);
    if (statuses.back() != PGRES_PIPELINE_SYNC) {
      EXPECT_FALSE(next()) << "end of result " << i;
    }
  }
  EXPECT_EQ(first, "2");
  EXPECT_EQ(statuses, (std::vector<ExecStatusType>{PGRES_TUPLES_OK, PGRES_FATAL_ERROR, PGRES_PIPELINE_ABORTED,
                                                   PGRES_PIPELINE_SYNC}));
  ASSERT_EQ(PQexitPipelineMode(conn.get()), 1) << PQerrorMessage(conn.get());
  EXPECT_EQ(query_value(conn.get(), "SELECT 'after'"), "after");
}

TEST_F(TlsScram, PsycopgLogsInWithSslmodeRequire) {
  const CommandResult r = driver({"/usr/bin/python3", std::string(kDrivers) + "/psycopg_tls.py"},
                                 std::string("SELECT current_user || ' ' || (") + kSslOnBackend + ")");
  ASSERT_TRUE(r.succeeded()) << r.describe();
  EXPECT_EQ(r.out, "scramuser true\n") << r.describe();
}

TEST_F(TlsScram, JdbcLogsInWithSslmodeRequire) {
  const CommandResult r = driver({"/usr/bin/java", "-Xshare:auto", "-XX:TieredStopAtLevel=1", "-cp",
                                  "/usr/share/java/postgresql.jar", std::string(kDrivers) + "/JdbcTls.java"},
                                 std::string("SELECT current_user || ' ' || (") + kSslOnBackend + ")");
  ASSERT_TRUE(r.succeeded()) << r.describe();
  EXPECT_EQ(r.out, "scramuser true\n") << r.describe();
}

}  // namespace
}  // namespace switchyard::test_support
