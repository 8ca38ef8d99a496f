// What the TLS suites share (tests/integration/tls_test.cpp, tls_scram_test.cpp): a CA and
// certificates made at run time (tests/support/test_pki.h), and a PostgreSQL with ssl=on and
// hostssl lines only (scramuser and rotated by scram-sha-256, md5user by md5, everyone else
// trusted).
#pragma once

#include <memory>
#include <string>

#include "tests/support/pg_cluster.h"
#include "tests/support/proxy_process.h"
#include "tests/support/test_pki.h"

namespace switchyard::test_support {

struct TlsWorld {
  std::unique_ptr<TestPki> pki;
  std::unique_ptr<TestPki> other_ca;  // signs nothing the proxy serves
  CertPair server;   // PostgreSQL's
  CertPair proxy_a;  // switchyard's, then...
  CertPair proxy_b;  // ...after a rotation
  std::unique_ptr<PgCluster> postgres;

  // Null and why in `error` if openssl or the cluster fails.
  static std::unique_ptr<TlsWorld> create(std::string& error);

  // `tls:` serving `pair`, and `upstream_tls:` verify-full against the cluster.
  static std::string client_tls(const CertPair& pair, const std::string& mode = "allow");
  std::string upstream_verify_full() const;
  // libpq through `proxy`, checking the proxy's certificate against our CA and the name localhost.
  std::string verify_full(const ProxyProcess& proxy, const std::string& user = kSuperuser,
                          const std::string& password = "") const;
};

}  // namespace switchyard::test_support
