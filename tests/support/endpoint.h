// Where a test connects: a host and port, and the libpq connection string for a database on it.
#pragma once

#include <string>

namespace switchyard::test_support {

struct Endpoint {
  std::string host;
  int port = 0;

  // "host=... port=... dbname=... user=... [password=...] connect_timeout=10", values quoted.
  // Callers may append more "key=value" pairs after a space.
  std::string conninfo(const std::string& db, const std::string& user, const std::string& password = "") const;
};

}  // namespace switchyard::test_support
