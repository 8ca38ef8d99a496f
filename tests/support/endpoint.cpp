// libpq connection strings for an endpoint (see endpoint.h).
#include "tests/support/endpoint.h"

namespace switchyard::test_support {
namespace {

// A conninfo value in single quotes, with ' and \ escaped as libpq expects.
std::string quoted(const std::string& value) {
  std::string text = "'";
  for (const char c : value) {
    if (c == '\'' || c == '\\') text += '\\';
    text += c;
  }
  return text + "'";
}

}  // namespace

std::string Endpoint::conninfo(const std::string& db, const std::string& user, const std::string& password) const {
  std::string text = "host=" + quoted(host) + " port=" + std::to_string(port) + " dbname=" + quoted(db) +
                     " user=" + quoted(user);
  if (!password.empty()) text += " password=" + quoted(password);
  return text + " connect_timeout=10";
}

}  // namespace switchyard::test_support
