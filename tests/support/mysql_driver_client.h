// The MySQL drivers of the driver tests (tests/integration/mariadb_drivers_test.cpp), each a
// program in tests/integration/drivers/ holding ONE connection and run as a LineDriver:
// mysqlclient (MySQLdb), MariaDB Connector/J, Ruby mysql2 and Node mysql2. They speak one line
// protocol on stdin/stdout: "ready" once connected, then
//   script -> the transcript of drivers/mysql/script.txt, then "end"   (canonical: one line per
//             step, result columns, rows, affected counts, errors with their code and SQLSTATE)
//   round  -> "ok THREAD_ID" | "error WHY"   a prepared insert and read-back in a transaction
//   begin  -> "ok" | "error WHY"             START TRANSACTION and an insert, left open
//   commit -> "ok" | "error WHY"             COMMIT; the row begin wrote is there
// Each driver works in a table of its own (drv_<name>), so they may run side by side.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "tests/support/endpoint.h"
#include "tests/support/line_driver.h"

namespace switchyard::test_support {

enum class MysqlDriver { kMysqlclient, kConnectorJ, kRubyMysql2, kNodeMysql2 };
inline constexpr MysqlDriver kMysqlDrivers[] = {MysqlDriver::kMysqlclient, MysqlDriver::kConnectorJ,
                                                MysqlDriver::kRubyMysql2, MysqlDriver::kNodeMysql2};

// "mysqlclient", "connector_j", "ruby_mysql2", "node_mysql2": test names and table suffixes.
const char* to_string(MysqlDriver driver);
// Whether the driver prepares `execute` steps on the server (all but mysqlclient).
bool prepares_on_server(MysqlDriver driver);

struct MysqlDriverLogin {
  Endpoint server;  // MariaDB itself, or switchyard in front of it
  std::string user;
  std::string password;
  std::string database;
};

// Starts the driver connected to `login`. Null and why (a missing package names
// scripts/install-deps.sh) in `error`. Spawn from the test's main thread.
std::unique_ptr<LineDriver> start_mysql_driver(MysqlDriver driver, const MysqlDriverLogin& login, std::string& error);

// Runs the script on a fresh driver process and returns its transcript with thread ids
// normalised ("thread N"), or "" and why in `error`.
std::string mysql_driver_transcript(MysqlDriver driver, const MysqlDriverLogin& login, std::string& error);

}  // namespace switchyard::test_support
