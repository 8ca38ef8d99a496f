// The start-up check of upstream_tls.mode disable against the server; see upstream_tls_probe.h.
#include "proxy/upstream_tls_probe.h"

#include <libpq-fe.h>

namespace switchyard::proxy {

std::string plaintext_refused_warning(const config::Config& c) {
  if (c.upstream_tls.enabled() || c.control.empty()) return {};
  const std::string port = std::to_string(c.upstream.port);
  // Later keywords win over what the expanded `control` string says (libpq's rule).
  const char* keys[] = {"dbname", "host", "port", "sslmode", "gssencmode", "connect_timeout", nullptr};
  const char* values[] = {c.control.c_str(), c.upstream.host.c_str(), port.c_str(), "disable", "disable", "5", nullptr};
  PGconn* conn = PQconnectdbParams(keys, values, 1);
  std::string warning;
  if (PQstatus(conn) != CONNECTION_OK) {
    const std::string error = PQerrorMessage(conn);
    if (error.find("no encryption") != std::string::npos || error.find("SSL off") != std::string::npos)
      warning = "upstream " + c.upstream.to_string() +
                " refuses plaintext sessions (pg_hba.conf has hostssl lines only), and upstream_tls.mode is "
                "disable: every client session will fail; set upstream_tls.mode to require or verify-full";
  }
  PQfinish(conn);
  return warning;
}

}  // namespace switchyard::proxy
