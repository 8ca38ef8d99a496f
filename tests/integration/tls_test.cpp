// TLS on both legs (issue 12): a PostgreSQL with ssl=on and hostssl lines only, a CA and
// certificates made at run time (tests/support/test_pki.h), and a switchyard in front with
// tls: and upstream_tls:. libpq with sslmode=require and verify-full gets in and is encrypted
// on both legs; tls.mode require refuses a plaintext client with 28000; upstream_tls disable
// against the hostssl-only server fails with a clear FATAL (and the start-up warns); SCRAM
// relayed works without channel binding while channel_binding=require gets libpq's error; a reload
// serves new sessions a new certificate, and a reload naming a missing file is refused.
#include <gtest/gtest.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <signal.h>

#include "protocol/pg/backend.h"
#include "protocol/pg/startup.h"
#include "tests/support/pg_cluster.h"
#include "tests/support/pg_connection.h"
#include "tests/support/proxy_process.h"
#include "tests/support/raw_client.h"
#include "tests/support/test_pki.h"
#include "tests/support/tls_world.h"
#include "tests/support/text_assertions.h"
#include "tests/support/wait.h"

namespace switchyard::test_support {
namespace {

TlsWorld* world = nullptr;

class Tls : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    std::string error;
    world = TlsWorld::create(error).release();
    ASSERT_TRUE(world) << error;
  }
  static void TearDownTestSuite() {
    delete world;  // stops the cluster (by its pid) and removes every directory
    world = nullptr;
  }

  // A switchyard in front of the TLS-only cluster (or `upstream`), with `yaml` after the rest.
  std::unique_ptr<ProxyProcess> start_proxy(const std::string& yaml, const Endpoint* upstream = nullptr) {
    std::string error;
    auto p = ProxyProcess::start(upstream ? *upstream : world->postgres->endpoint(), yaml, error);
    EXPECT_TRUE(p) << error;
    return p;
  }
  static std::string client_tls(const CertPair& pair, const std::string& mode = "allow") {
    return TlsWorld::client_tls(pair, mode);
  }
  static std::string upstream_verify_full() { return world->upstream_verify_full(); }
  static std::string verify_full(const ProxyProcess& proxy, const std::string& user = kSuperuser,
                                 const std::string& password = "") {
    return world->verify_full(proxy, user, password);
  }
  // The CN of the certificate the server of `conn` presented.
  static std::string served_common_name(PGconn* conn) {
    SSL* ssl = static_cast<SSL*>(PQsslStruct(conn, "OpenSSL"));
    if (!ssl) return "<no TLS>";
    X509* cert = SSL_get0_peer_certificate(ssl);
    if (!cert) return "<no certificate>";
    char cn[256] = {};
    X509_NAME_get_text_by_NID(X509_get_subject_name(cert), NID_commonName, cn, sizeof cn);
    return cn;
  }
  static std::string startup() {
    return pg::encode_startup(pg::kProtocol3, {{"user", kSuperuser}, {"database", kAppDatabase}});
  }
};

TEST_F(Tls, RequireAndVerifyFullGetInEncryptedOnBothLegs) {
  auto proxy = start_proxy(client_tls(world->proxy_a) + upstream_verify_full());
  ASSERT_TRUE(proxy);
  for (const std::string& conninfo :
       {proxy->endpoint().conninfo(kAppDatabase, kSuperuser) + " sslmode=require", verify_full(*proxy)}) {
    PgConn conn = connect(conninfo);
    ASSERT_EQ(PQstatus(conn.get()), CONNECTION_OK) << conninfo << ": " << PQerrorMessage(conn.get());
    EXPECT_EQ(PQsslInUse(conn.get()), 1) << "client leg";
    EXPECT_STREQ(PQsslAttribute(conn.get(), "protocol"), "TLSv1.3");
    EXPECT_EQ(served_common_name(conn.get()), "switchyard-a");
    // The server sees its own session encrypted: the upstream leg.
    EXPECT_EQ(query_value(conn.get(), "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()"), "t");
    EXPECT_EQ(query_value(conn.get(), "SELECT sum(g) FROM generate_series(1, 100000) g"), "5000050000");
  }
  // TLS 1.2 (the lowest the proxy accepts) works the same.
  PgConn old = connect(proxy->endpoint().conninfo(kAppDatabase, kSuperuser) + " sslmode=require ssl_max_protocol_version=TLSv1.2");
  ASSERT_EQ(PQstatus(old.get()), CONNECTION_OK) << PQerrorMessage(old.get());
  EXPECT_STREQ(PQsslAttribute(old.get(), "protocol"), "TLSv1.2");
  EXPECT_EQ(query_value(old.get(), "SELECT sum(g) FROM generate_series(1, 100000) g"), "5000050000");
}

// Through TLS on both legs, many records each way at once: a query text of 8 MiB (the proxy's
// reads take several records per recv, read ahead), a result of about 13 MB (its writes are
// partial once the client's socket fills), and a COPY of 200,000 rows sent without waiting.
// Everything must arrive whole and in order.
TEST_F(Tls, BulkBothWaysArrivesWholeThroughTlsOnBothLegs) {
  auto proxy = start_proxy(client_tls(world->proxy_a) + upstream_verify_full());
  ASSERT_TRUE(proxy);
  PgConn conn = connect(proxy->endpoint().conninfo(kAppDatabase, kSuperuser) + " sslmode=require");
  ASSERT_EQ(PQstatus(conn.get()), CONNECTION_OK) << PQerrorMessage(conn.get());
  ASSERT_EQ(PQsslInUse(conn.get()), 1);

  // TLS 1.3 key updates, asked of the proxy (update_requested): it takes the client's new keys
  // inside a read and answers with its own on its next write; the queries go on.
  SSL* client_ssl = static_cast<SSL*>(PQsslStruct(conn.get(), "OpenSSL"));
  ASSERT_NE(client_ssl, nullptr);
  for (int i = 0; i < 3; ++i) {
    ASSERT_EQ(SSL_key_update(client_ssl, SSL_KEY_UPDATE_REQUESTED), 1);
    EXPECT_EQ(query_value(conn.get(), "SELECT " + std::to_string(i) + " + 40"), std::to_string(i + 40));
  }

  std::string text(8u << 20, 'a');
  for (size_t i = 0; i < text.size(); ++i) text[i] = static_cast<char>('a' + (i * 7919 + i / 4096) % 26);
  EXPECT_EQ(query_value(conn.get(), "SELECT length('" + text + "')"), std::to_string(text.size()));
  const std::string big = "SELECT string_agg(md5(g::text), '' ORDER BY g) FROM generate_series(1, 400000) g";
  const std::string expected_md5 = query_value(conn.get(), "SELECT md5((" + big + "))");
  PgResult rows = exec(conn.get(), big, 60s);
  ASSERT_TRUE(rows);
  ASSERT_EQ(PQresultStatus(rows.get()), PGRES_TUPLES_OK) << describe(rows.get());
  const std::string value(PQgetvalue(rows.get(), 0, 0), static_cast<size_t>(PQgetlength(rows.get(), 0, 0)));
  EXPECT_EQ(value.size(), 400000u * 32);
  // The same text back, md5'd by the server: nothing lost, reordered or doubled on the way out.
  EXPECT_EQ(query_value(conn.get(), "SELECT md5('" + value + "')"), expected_md5);

  PgResult created = exec(conn.get(), "CREATE TEMP TABLE bulk (n int, t text)");
  ASSERT_EQ(PQresultStatus(created.get()), PGRES_COMMAND_OK) << describe(created.get());
  PgResult copy = exec(conn.get(), "COPY bulk FROM STDIN");
  ASSERT_EQ(PQresultStatus(copy.get()), PGRES_COPY_IN) << describe(copy.get());
  std::string chunk;
  for (int n = 1; n <= 200000; ++n) {
    chunk += std::to_string(n) + "\trow " + std::to_string(n * 31) + "\n";
    if (chunk.size() > 60000 || n == 200000) {
      ASSERT_EQ(PQputCopyData(conn.get(), chunk.data(), static_cast<int>(chunk.size())), 1) << PQerrorMessage(conn.get());
      chunk.clear();
    }
  }
  ASSERT_EQ(PQputCopyEnd(conn.get(), nullptr), 1);
  PgResult copied(PQgetResult(conn.get()));
  ASSERT_EQ(PQresultStatus(copied.get()), PGRES_COMMAND_OK) << describe(copied.get());
  EXPECT_STREQ(PQcmdTuples(copied.get()), "200000");
  while (PGresult* r = PQgetResult(conn.get())) PQclear(r);
  EXPECT_EQ(query_value(conn.get(), "SELECT count(*) || ' ' || sum(n) || ' ' || bool_and(t = 'row ' || n * 31) FROM bulk"),
            "200000 20000100000 true");
}

// The relay waits by reading 1 KiB of ciphertext and hands it to OpenSSL, which reads the rest
// of a record from the socket (proxy/stream_leg.h): queries and answers whose records end just
// before, at and after that size, on both legs, one size at a time.
TEST_F(Tls, RecordsAroundTheRelaysWaitBufferArriveWhole) {
  auto proxy = start_proxy(client_tls(world->proxy_a) + upstream_verify_full());
  ASSERT_TRUE(proxy);
  PgConn conn = connect(proxy->endpoint().conninfo(kAppDatabase, kSuperuser) + " sslmode=require");
  ASSERT_EQ(PQstatus(conn.get()), CONNECTION_OK) << PQerrorMessage(conn.get());
  ASSERT_EQ(PQsslInUse(conn.get()), 1);
  for (size_t n = 940; n <= 1060; ++n) {
    const std::string sent(n, 'q');
    EXPECT_EQ(query_value(conn.get(), "SELECT length('" + sent + "')"), std::to_string(n)) << "a " << n << "-byte literal";
    const std::string value = query_value(conn.get(), "SELECT repeat('r', " + std::to_string(n) + ")");
    EXPECT_EQ(value, std::string(n, 'r')) << "a " << n << "-byte answer";
    if (value != std::string(n, 'r')) break;
  }
}

TEST_F(Tls, ACertificateFromAnotherCaIsRejectedByTheClient) {
  auto proxy = start_proxy(client_tls(world->proxy_a) + upstream_verify_full());
  ASSERT_TRUE(proxy);
  PgConn conn = connect(proxy->endpoint().conninfo(kAppDatabase, kSuperuser) +
                        " sslmode=verify-ca sslrootcert=" + world->other_ca->ca_cert());
  EXPECT_EQ(PQstatus(conn.get()), CONNECTION_BAD);
  EXPECT_TRUE(Contains(PQerrorMessage(conn.get()), "certificate verify failed")) << PQerrorMessage(conn.get());
}

TEST_F(Tls, ModeRequireRefusesAPlaintextClientWith28000) {
  auto proxy = start_proxy(client_tls(world->proxy_a, "require") + upstream_verify_full());
  ASSERT_TRUE(proxy);
  RawClient raw(proxy->endpoint());
  ASSERT_TRUE(raw.connected()) << raw.error();
  ASSERT_TRUE(raw.send(startup()));
  const auto reply = raw.read_message();
  ASSERT_TRUE(reply) << printable(raw.received());
  ASSERT_EQ(reply->type, 'E');
  EXPECT_EQ(pg::error_field(reply->body, 'C'), "28000");
  EXPECT_TRUE(Contains(std::string(pg::error_field(reply->body, 'M')), "TLS is required")) << printable(reply->body);

  PgConn plain = connect(proxy->endpoint().conninfo(kAppDatabase, kSuperuser) + " sslmode=disable");
  EXPECT_EQ(PQstatus(plain.get()), CONNECTION_BAD);
  EXPECT_TRUE(Contains(PQerrorMessage(plain.get()), "tls.mode: require")) << PQerrorMessage(plain.get());
  PgConn encrypted = connect(verify_full(*proxy));
  EXPECT_EQ(PQstatus(encrypted.get()), CONNECTION_OK) << PQerrorMessage(encrypted.get());
}

TEST_F(Tls, GarbageInTheHandshakeClosesThatSessionOnly) {
  auto proxy = start_proxy(client_tls(world->proxy_a) + upstream_verify_full());
  ASSERT_TRUE(proxy);
  PgConn bystander = connect(verify_full(*proxy));
  ASSERT_EQ(PQstatus(bystander.get()), CONNECTION_OK) << PQerrorMessage(bystander.get());
  RawClient raw(proxy->endpoint());
  ASSERT_TRUE(raw.connected()) << raw.error();
  ASSERT_TRUE(raw.send(pg::encode_request_code(pg::kSslRequestCode)));
  ASSERT_EQ(raw.read_byte(), std::optional<char>('S'));
  ASSERT_TRUE(raw.send(std::string(300, 'x') + startup()));
  EXPECT_TRUE(raw.wait_closed(5s)) << printable(raw.received());
  EXPECT_EQ(query_value(bystander.get(), "SELECT 'still here'"), "still here");
}

TEST_F(Tls, UpstreamDisableAgainstAHostsslOnlyServerFailsClearlyAndWarnsAtStart) {
  auto proxy = start_proxy(client_tls(world->proxy_a) + "upstream_tls: {mode: disable}\n" + "control: \"" +
                           world->postgres->conninfo("postgres", kSuperuser) + "\"\n");
  ASSERT_TRUE(proxy);
  EXPECT_TRUE(Contains(proxy->log(), "refuses plaintext sessions")) << proxy->log();
  PgConn conn = connect(verify_full(*proxy));
  EXPECT_EQ(PQstatus(conn.get()), CONNECTION_BAD);
  EXPECT_TRUE(Contains(PQerrorMessage(conn.get()), "no encryption")) << PQerrorMessage(conn.get());
}

TEST_F(Tls, UpstreamRequireAgainstAServerWithoutTlsFailsNamingTheUpstream) {
  // A cluster of its own without ssl: the default pg_hba.conf, plaintext only.
  std::string error;
  auto plain = PgCluster::start(error);
  ASSERT_TRUE(plain) << error;
  auto proxy = start_proxy(client_tls(world->proxy_a) + "upstream_tls: {mode: require}\n", &plain->endpoint());
  ASSERT_TRUE(proxy);
  PgConn conn = connect(verify_full(*proxy));
  EXPECT_EQ(PQstatus(conn.get()), CONNECTION_BAD);
  const std::string message = PQerrorMessage(conn.get());
  EXPECT_TRUE(Contains(message, "08006")) << message;
  EXPECT_TRUE(Contains(message, "upstream 127.0.0.1:" + std::to_string(plain->port()) + " does not accept TLS")) << message;
  // prefer falls back to plaintext there.
  auto prefer = start_proxy(client_tls(world->proxy_a) + "upstream_tls: {mode: prefer}\n", &plain->endpoint());
  ASSERT_TRUE(prefer);
  PgConn ok = connect(verify_full(*prefer));
  ASSERT_EQ(PQstatus(ok.get()), CONNECTION_OK) << PQerrorMessage(ok.get());
  EXPECT_EQ(query_value(ok.get(), "SELECT 1"), "1");
}

TEST_F(Tls, UpstreamVerifyFullRefusesAServerCertificateFromAnotherCa) {
  auto proxy = start_proxy(client_tls(world->proxy_a) + "upstream_tls: {mode: verify-full, ca_file: " +
                           world->other_ca->ca_cert() + ", server_name: localhost}\n");
  ASSERT_TRUE(proxy);
  PgConn conn = connect(verify_full(*proxy));
  EXPECT_EQ(PQstatus(conn.get()), CONNECTION_BAD);
  EXPECT_TRUE(Contains(PQerrorMessage(conn.get()), "certificate verify failed")) << PQerrorMessage(conn.get());
}

// Relayed (auth.mode passthrough, or auto without auth.query, as here), SCRAM passes through
// with TLS on both legs only without channel binding; tls_scram_test.cpp has the proxy run it. SCRAM-SHA-256-PLUS is
// withheld, so channel_binding=require fails in libpq with its own error; channel_binding=disable
// works. libpq's default, prefer, then tells the server "y" (I support binding, you do not), and
// a server on TLS refuses that as a downgrade: the limit of relayed authentication
// (docs/architecture.md, "SCRAM channel binding"), asserted so that a change of it is noticed.
TEST_F(Tls, ScramOverTlsOnBothLegsWorksWithoutChannelBinding) {
  // Directly, the server offers SCRAM-SHA-256-PLUS, so channel_binding=require works there.
  PgConn direct = connect(world->postgres->conninfo(kAppDatabase, kScramUser, kScramPassword) +
                          " sslmode=require channel_binding=require");
  ASSERT_EQ(PQstatus(direct.get()), CONNECTION_OK) << PQerrorMessage(direct.get());

  auto proxy = start_proxy(client_tls(world->proxy_a) + upstream_verify_full());
  ASSERT_TRUE(proxy);
  PgConn disable = connect(verify_full(*proxy, kScramUser, kScramPassword) + " channel_binding=disable");
  ASSERT_EQ(PQstatus(disable.get()), CONNECTION_OK) << PQerrorMessage(disable.get());
  EXPECT_EQ(query_value(disable.get(), "SELECT current_user"), kScramUser);
  EXPECT_EQ(query_value(disable.get(), "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()"), "t");

  PgConn require = connect(verify_full(*proxy, kScramUser, kScramPassword) + " channel_binding=require");
  EXPECT_EQ(PQstatus(require.get()), CONNECTION_BAD);
  EXPECT_TRUE(Contains(PQerrorMessage(require.get()), "channel binding is required")) << PQerrorMessage(require.get());

  PgConn prefer = connect(verify_full(*proxy, kScramUser, kScramPassword) + " channel_binding=prefer");
  EXPECT_EQ(PQstatus(prefer.get()), CONNECTION_BAD) << "the known limit changed: update docs/architecture.md";
  EXPECT_TRUE(Contains(PQerrorMessage(prefer.get()), "channel binding negotiation error")) << PQerrorMessage(prefer.get());

  PgConn wrong = connect(verify_full(*proxy, kScramUser, "not-the-password") + " channel_binding=disable");
  EXPECT_EQ(PQstatus(wrong.get()), CONNECTION_BAD);
  EXPECT_TRUE(Contains(PQerrorMessage(wrong.get()), "28P01")) << PQerrorMessage(wrong.get());

  // With a plaintext client leg, libpq's default works: it sends "n" (no binding possible).
  PgConn plain_client = connect(proxy->endpoint().conninfo(kAppDatabase, kScramUser, kScramPassword) + " sslmode=disable");
  ASSERT_EQ(PQstatus(plain_client.get()), CONNECTION_OK) << PQerrorMessage(plain_client.get());
}

TEST_F(Tls, AReloadServesNewSessionsTheNewPairAndAMissingFileIsRefused) {
  auto proxy = start_proxy(client_tls(world->proxy_a) + upstream_verify_full());
  ASSERT_TRUE(proxy);
  PgConn before = connect(verify_full(*proxy));
  ASSERT_EQ(PQstatus(before.get()), CONNECTION_OK) << PQerrorMessage(before.get());
  EXPECT_EQ(served_common_name(before.get()), "switchyard-a");

  const std::string original = read_file(proxy->config_path());
  const auto rewrite = [&](const CertPair& pair) {
    std::string text = original;
    for (const auto& [from, to] : {std::pair{world->proxy_a.cert, pair.cert}, std::pair{world->proxy_a.key, pair.key}})
      text.replace(text.find(from), from.size(), to);
    std::string error;
    ASSERT_TRUE(write_file(proxy->config_path(), text, error)) << error;
  };
  const auto reload_and_wait_for = [&](const std::string& line) {
    const size_t offset = proxy->log().size();
    ASSERT_EQ(kill(proxy->pid(), SIGHUP), 0);
    EXPECT_TRUE(eventually([&] { return static_cast<bool>(Contains(proxy->log(offset), line)); }, 10s, 50ms)) << proxy->log(offset);
  };

  rewrite(world->proxy_b);
  reload_and_wait_for("reload: generation 2");
  PgConn after = connect(verify_full(*proxy));
  ASSERT_EQ(PQstatus(after.get()), CONNECTION_OK) << PQerrorMessage(after.get());
  EXPECT_EQ(served_common_name(after.get()), "switchyard-b");
  EXPECT_EQ(query_value(before.get(), "SELECT 'old session'"), "old session") << "sessions open keep their TLS";

  rewrite(CertPair{"/nonexistent/proxy.crt", world->proxy_b.key});
  reload_and_wait_for("reload refused");
  EXPECT_TRUE(Contains(proxy->log(), "tls.cert_file: cannot read '/nonexistent/proxy.crt'")) << proxy->log();
  PgConn still = connect(verify_full(*proxy));
  ASSERT_EQ(PQstatus(still.get()), CONNECTION_OK) << PQerrorMessage(still.get());
  EXPECT_EQ(served_common_name(still.get()), "switchyard-b") << "the running config stays";
}

}  // namespace
}  // namespace switchyard::test_support
