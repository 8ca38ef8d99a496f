// Small libpq helpers for the control connection's blocking catalog reads (schema_loader.cpp,
// routine_catalog.cpp): owning handles, a statement with text parameters, one-line errors.
#pragma once

#include <libpq-fe.h>

#include <memory>
#include <string>
#include <vector>

namespace switchyard::catalog {

struct ConnCloser {
  void operator()(PGconn* c) const { PQfinish(c); }
};
struct ResultClearer {
  void operator()(PGresult* r) const { PQclear(r); }
};
using Conn = std::unique_ptr<PGconn, ConnCloser>;
using Result = std::unique_ptr<PGresult, ResultClearer>;

inline Result exec(PGconn* c, const char* sql, const std::vector<std::string>& params) {
  std::vector<const char*> values;
  for (const auto& p : params) values.push_back(p.c_str());
  return Result(PQexecParams(c, sql, static_cast<int>(values.size()), nullptr, values.data(), nullptr, nullptr, 0));
}

// The first line of a libpq message, trailing blanks dropped.
inline std::string first_line(const char* s) {
  std::string m = s ? s : "";
  while (!m.empty() && (m.back() == '\n' || m.back() == ' ')) m.pop_back();
  const auto nl = m.find('\n');
  return nl == std::string::npos ? m : m.substr(0, nl);
}

}  // namespace switchyard::catalog
