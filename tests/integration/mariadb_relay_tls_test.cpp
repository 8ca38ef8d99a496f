// TLS on both legs of the MySQL relay: a MariaDB of its own with a certificate from the test CA
// (tests/support/test_pki.h), switchyard serving its own certificate to clients and verifying the
// server's (upstream_tls verify-full). A client's --ssl gets a TLS upstream; the CLI verifies
// switchyard's certificate; a wrong CA fails; a plaintext client is refused under tls.mode require.
#include <gtest/gtest.h>

#include "tests/integration/mariadb_relay_fixture.h"
#include "tests/support/test_pki.h"

namespace switchyard::test_support {
namespace {

class MariaDbRelayTls : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    std::string error;
    world_ = new World;
    world_->pki = TestPki::create("switchyard test CA", error);
    ASSERT_TRUE(world_->pki) << error;
    world_->other_ca = TestPki::create("some other CA", error);
    ASSERT_TRUE(world_->other_ca) << error;
    const std::vector<std::string> names{"DNS:localhost", "IP:127.0.0.1"};
    const CertPair server = world_->pki->issue("mariadb", "localhost", names, error);
    world_->proxy_pair = world_->pki->issue("proxy", "switchyard", names, error);
    ASSERT_FALSE(server.cert.empty() || world_->proxy_pair.cert.empty()) << error;
    MariaDbOptions options;
    options.files = {{"server.crt", server.cert}, {"server.key", server.key}, {"ca.crt", world_->pki->ca_cert()}};
    options.settings = {"--ssl-cert={dir}/server.crt", "--ssl-key={dir}/server.key", "--ssl-ca={dir}/ca.crt"};
    world_->server = MariaDbServer::start(error, options);
    ASSERT_TRUE(world_->server) << error;
    world_->proxy = start("allow", error);
    ASSERT_TRUE(world_->proxy) << error;
  }
  static void TearDownTestSuite() {
    delete world_;
    world_ = nullptr;
  }

  static std::unique_ptr<ProxyProcess> start(const std::string& mode, std::string& error, const std::string& more_tls = "") {
    const std::string yaml = "protocol: mysql\n"
                             "tls: {cert_file: " + world_->proxy_pair.cert + ", key_file: " + world_->proxy_pair.key +
                             ", mode: " + mode + more_tls + "}\n"
                             "upstream_tls: {mode: verify-full, ca_file: " + world_->pki->ca_cert() + ", server_name: localhost}\n";
    return ProxyProcess::start(Endpoint{world_->server->host(), world_->server->port()}, yaml, error);
  }
  static MysqlTarget proxy() { return target_of(*world_->proxy); }

  struct World {
    std::unique_ptr<TestPki> pki, other_ca;
    CertPair proxy_pair;
    std::unique_ptr<MariaDbServer> server;
    std::unique_ptr<ProxyProcess> proxy;
  };
  static inline World* world_ = nullptr;
};

// What the server sees of its own connection, and the client's certificate check.
const char kTlsScript[] = "SELECT CURRENT_USER(), VARIABLE_VALUE <> '' FROM information_schema.session_status WHERE VARIABLE_NAME = 'SSL_CIPHER';\n";

TEST_F(MariaDbRelayTls, SslClientGetsATlsUpstreamAndVerifiesTheProxy) {
  for (const auto& [user, password] : {std::pair{kMariaDbNativeUser, kMariaDbNativePassword},
                                       std::pair{kMariaDbEd25519User, kMariaDbEd25519Password}}) {
    const CommandResult tls = run_mariadb_cli(proxy(), user, password, kTlsScript,
                                              {"-N", "--ssl", "--ssl-verify-server-cert", "--ssl-ca=" + world_->pki->ca_cert()});
    ASSERT_TRUE(tls.succeeded()) << tls.describe() << world_->proxy->log();
    EXPECT_EQ(tls.out, std::string(user) + "@%\t1\n");  // the server's side of the session is TLS
  }
}

// A plaintext client still gets a TLS upstream (verify-full): the proxy sends its own SSLRequest
// and renumbers the authentication exchange, both ways (ed25519 adds an AuthSwitchRequest and its
// answer), and a wrong password gets the server's own refusal.
TEST_F(MariaDbRelayTls, APlaintextClientGetsATlsUpstreamToo) {
  for (const auto& [user, password] : {std::pair{kMariaDbNativeUser, kMariaDbNativePassword},
                                       std::pair{kMariaDbEd25519User, kMariaDbEd25519Password}}) {
    const CommandResult plain = run_mariadb_cli(proxy(), user, password, kTlsScript + std::string("SELECT 6 * 7;\n"),
                                                {"-N", "--skip-ssl"});
    ASSERT_TRUE(plain.succeeded()) << plain.describe() << world_->proxy->log();
    EXPECT_EQ(plain.out, std::string(user) + "@%\t1\n42\n");  // the server's side of the session is TLS
  }
  const CommandResult wrong = run_mariadb_cli(proxy(), kMariaDbNativeUser, "not the password", kTlsScript, {"-N", "--skip-ssl"});
  EXPECT_FALSE(wrong.succeeded());
  EXPECT_NE(wrong.err.find("ERROR 1045 (28000)"), std::string::npos) << wrong.describe();
  EXPECT_NE(wrong.err.find("Access denied"), std::string::npos) << wrong.describe();

  // No tls: at all, only upstream_tls (an application on a private network, a server that wants
  // TLS): the same.
  std::string error;
  auto upstream_only = ProxyProcess::start(Endpoint{world_->server->host(), world_->server->port()},
                                           "protocol: mysql\nupstream_tls: {mode: verify-full, ca_file: " + world_->pki->ca_cert() +
                                               ", server_name: localhost}\n",
                                           error);
  ASSERT_TRUE(upstream_only) << error;
  const CommandResult only = run_mariadb_cli(target_of(*upstream_only), kMariaDbEd25519User, kMariaDbEd25519Password, kTlsScript, {"-N"});
  ASSERT_TRUE(only.succeeded()) << only.describe() << upstream_only->log();
  EXPECT_EQ(only.out, std::string(kMariaDbEd25519User) + "@%\t1\n");
}

// Many TLS records each way through both legs: a 4 MiB statement text and a 9 MB result, whole
// and in order (the proxy's reads take records read ahead, its writes go out partially).
TEST_F(MariaDbRelayTls, BulkBothWaysArrivesWhole) {
  std::string text;
  for (int i = 0; i < 524288; ++i) text += "abcdefgh";
  const std::string script = "SELECT MD5('" + text + "');\nSELECT MD5(REPEAT('abcdefgh', 524288));\n"
                             "SELECT REPEAT('xyz', 3000000);\n";
  const CommandResult r = run_mariadb_cli(proxy(), kMariaDbNativeUser, kMariaDbNativePassword, script,
                                          {"-N", "--ssl", "--ssl-verify-server-cert", "--ssl-ca=" + world_->pki->ca_cert()});
  ASSERT_TRUE(r.succeeded()) << r.describe().substr(0, 2000) << world_->proxy->log();
  const size_t first = r.out.find('\n');
  ASSERT_NE(first, std::string::npos);
  const size_t second = r.out.find('\n', first + 1);
  ASSERT_NE(second, std::string::npos);
  EXPECT_EQ(r.out.substr(0, first), r.out.substr(first + 1, second - first - 1));  // the text arrived whole
  std::string expected;
  for (int i = 0; i < 3000000; ++i) expected += "xyz";
  EXPECT_TRUE(r.out.substr(second + 1) == expected + "\n") << "the 9 MB result came back " << r.out.size() - second - 1 << " bytes long";
}

TEST_F(MariaDbRelayTls, AWrongCaIsRejectedByTheClient) {
  const CommandResult wrong = run_mariadb_cli(proxy(), kMariaDbNativeUser, kMariaDbNativePassword, "SELECT 1;\n",
                                              {"--ssl", "--ssl-verify-server-cert", "--ssl-ca=" + world_->other_ca->ca_cert()});
  EXPECT_FALSE(wrong.succeeded());
  EXPECT_NE(wrong.err.find("ERROR 2026"), std::string::npos) << wrong.describe();  // TLS/SSL error
}

TEST_F(MariaDbRelayTls, APlaintextClientIsRefusedUnderModeRequire) {
  std::string error;
  auto required = start("require", error);
  ASSERT_TRUE(required) << error;
  const CommandResult plain = run_mariadb_cli(target_of(*required), kMariaDbNativeUser, kMariaDbNativePassword, "SELECT 1;\n", {"--skip-ssl"});
  EXPECT_FALSE(plain.succeeded());
  EXPECT_NE(plain.err.find("TLS is required (tls.mode: require)"), std::string::npos) << plain.describe();
  const CommandResult tls = run_mariadb_cli(target_of(*required), kMariaDbNativeUser, kMariaDbNativePassword, "SELECT 7;\n",
                                            {"-N", "--ssl", "--ssl-verify-server-cert", "--ssl-ca=" + world_->pki->ca_cert()});
  ASSERT_TRUE(tls.succeeded()) << tls.describe();
  EXPECT_EQ(tls.out, "7\n");
}

TEST_F(MariaDbRelayTls, VerifyFullComparesTheClientCertificatesCnWithTheUser) {
  std::string error;
  const CertPair client = world_->pki->issue("client-native", kMariaDbNativeUser, {}, error);
  ASSERT_FALSE(client.cert.empty()) << error;
  auto full = start("require", error, ", ca_file: " + world_->pki->ca_cert() + ", verify: full");
  ASSERT_TRUE(full) << error;
  const std::vector<std::string> with_cert = {"-N", "--ssl", "--ssl-ca=" + world_->pki->ca_cert(), "--ssl-cert=" + client.cert,
                                              "--ssl-key=" + client.key};
  const CommandResult own = run_mariadb_cli(target_of(*full), kMariaDbNativeUser, kMariaDbNativePassword, "SELECT 8;\n", with_cert);
  ASSERT_TRUE(own.succeeded()) << own.describe() << full->log();
  EXPECT_EQ(own.out, "8\n");
  const CommandResult other = run_mariadb_cli(target_of(*full), kMariaDbEd25519User, kMariaDbEd25519Password, "SELECT 8;\n", with_cert);
  EXPECT_FALSE(other.succeeded());
  EXPECT_NE(other.err.find("ERROR 1045 (28000): switchyard: certificate validation (tls.verify: full) failed for user 'ed_user'"),
            std::string::npos) << other.describe();
}

}  // namespace
}  // namespace switchyard::test_support
