// The TLS suites' CA, certificates and TLS-only cluster; see tls_world.h.
#include "tests/support/tls_world.h"

#include <vector>

namespace switchyard::test_support {

namespace {
constexpr char kHostsslOnly[] =
    "# Written by the TLS tests: encrypted TCP sessions only.\n"
    "local   all all                    trust\n"
    "hostssl all scramuser 127.0.0.1/32 scram-sha-256\n"
    "hostssl all md5user   127.0.0.1/32 md5\n"
    "hostssl all rotated   127.0.0.1/32 scram-sha-256\n"
    "hostssl all all       127.0.0.1/32 trust\n";
}  // namespace

std::unique_ptr<TlsWorld> TlsWorld::create(std::string& error) {
  auto w = std::make_unique<TlsWorld>();
  w->pki = TestPki::create("switchyard test CA", error);
  if (!w->pki) return nullptr;
  w->other_ca = TestPki::create("some other CA", error);
  if (!w->other_ca) return nullptr;
  const std::vector<std::string> names{"DNS:localhost", "IP:127.0.0.1"};
  w->server = w->pki->issue("postgres", "localhost", names, error);
  w->proxy_a = w->pki->issue("proxy-a", "switchyard-a", names, error);
  w->proxy_b = w->pki->issue("proxy-b", "switchyard-b", names, error);
  if (w->server.cert.empty() || w->proxy_a.cert.empty() || w->proxy_b.cert.empty()) return nullptr;
  PgClusterOptions options;
  options.hba = kHostsslOnly;
  options.settings = {"ssl=on", "ssl_cert_file=server.crt", "ssl_key_file=server.key"};
  options.files = {{"server.crt", w->server.cert}, {"server.key", w->server.key}};
  w->postgres = PgCluster::start(error, options);
  if (!w->postgres) return nullptr;
  return w;
}

std::string TlsWorld::client_tls(const CertPair& pair, const std::string& mode) {
  return "tls: {cert_file: " + pair.cert + ", key_file: " + pair.key + ", mode: " + mode + "}\n";
}

std::string TlsWorld::upstream_verify_full() const {
  return "upstream_tls: {mode: verify-full, ca_file: " + pki->ca_cert() + ", server_name: localhost}\n";
}

std::string TlsWorld::verify_full(const ProxyProcess& proxy, const std::string& user, const std::string& password) const {
  return proxy.endpoint().conninfo(kAppDatabase, user, password) + " host=localhost hostaddr=127.0.0.1" +
         " sslmode=verify-full sslrootcert=" + pki->ca_cert();
}

}  // namespace switchyard::test_support
