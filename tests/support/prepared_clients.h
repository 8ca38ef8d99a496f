// Long-lived clients that prepare their statements once, as pooled applications do, for the
// prepared-statement tests (tests/integration/prepared_*_test.cpp): psycopg 3, JDBC,
// node-postgres, libpq PQprepare and SQL-level PREPARE/EXECUTE through one psql process. Each
// holds ONE connection to switchyard for its whole life and runs an old-shaped and a new-shaped
// application on it at once, every statement prepared (named) and re-used (psql and libpq now and
// then also DEALLOCATE, DISCARD ALL and prepare again, as pools do).
//
// The external drivers (tests/integration/drivers/) speak one line protocol on stdin/stdout:
// they print "ready" once connected, then answer each command with one line:
//   round   -> "ok" | "error WHY"       each app writes two fresh rows of its own (insert, update),
//                                      reads each back with its prepared read (checking the
//                                      value it wrote) and with its prepared whole-row read
//   read ID -> "ok OLD NEW" | "error WHY"   what each app's prepared read returns for row ID
#pragma once

#include <memory>
#include <string>

#include "tests/support/endpoint.h"

namespace switchyard::test_support {

// The statements of one application, in the shape it was written for: $1 the row id (int), $2
// a value (text, without spaces).
struct AppSql {
  const char* insert;
  const char* update;
  const char* read;      // returns the value
  const char* read_all;  // returns the row; only its row count is checked
};

struct PreparedClientSpec {
  Endpoint proxy;
  std::string database;
  std::string user;
  int first_id = 0;  // the client's own rows are first_id, first_id + 1, ...
  AppSql old_app;
  AppSql new_app;
};

// One client. Not thread-safe: callers serialize round() and read().
class PreparedClient {
 public:
  virtual ~PreparedClient() = default;
  virtual std::string name() const = 0;
  // One round (see above). "" on success, else what went wrong.
  virtual std::string round() = 0;
  // What each app's prepared read returns for row `id` ("NULL" for null). "" or the error.
  virtual std::string read(int id, std::string& old_value, std::string& new_value) = 0;
};

// Each returns null, and why in `error`, if the client cannot start or connect.
std::unique_ptr<PreparedClient> start_psycopg3_client(const PreparedClientSpec& spec, std::string& error);
std::unique_ptr<PreparedClient> start_jdbc_client(const PreparedClientSpec& spec, std::string& error);
std::unique_ptr<PreparedClient> start_node_client(const PreparedClientSpec& spec, std::string& error);
std::unique_ptr<PreparedClient> start_libpq_client(const PreparedClientSpec& spec, std::string& error);
std::unique_ptr<PreparedClient> start_psql_client(const PreparedClientSpec& spec, std::string& error);

}  // namespace switchyard::test_support
