// A start-up check that the upstream accepts what upstream_tls.mode will send it: under
// mode disable, a plaintext login over the `control` connection string (its user and database,
// upstream's host and port, sslmode=disable) that the server refuses for want of encryption
// means every client session would fail the same way. Blocking libpq I/O (bounded by a 5 s
// connect timeout): call it at start-up only, before serving.
#pragma once

#include <string>

#include "config/config.h"

namespace switchyard::proxy {

// A warning to log, or "" when there is nothing to say (mode is not disable, no `control` is
// configured, or the plaintext login was not refused for want of encryption).
std::string plaintext_refused_warning(const config::Config& c);

}  // namespace switchyard::proxy
