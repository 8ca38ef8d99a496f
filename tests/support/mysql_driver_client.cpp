// Starting the MySQL driver programs and reading their transcripts (see mysql_driver_client.h).
#include "tests/support/mysql_driver_client.h"

#include <regex>

namespace switchyard::test_support {
namespace {

// Debian's libmariadb-java (scripts/install-deps.sh).
constexpr char kConnectorJJar[] = "/usr/share/java/mariadb-java-client.jar";
const std::string kMysqlDir = std::string(kDriversDir) + "/mysql";

// The program and what must be installed for it; "" when nothing beyond the interpreter.
struct Program {
  std::vector<std::string> argv;
  std::string requires_path;
};

Program program(MysqlDriver driver) {
  switch (driver) {
    case MysqlDriver::kMysqlclient:
      return {{kPython, kMysqlDir + "/mysqlclient_driver.py"}, "/usr/lib/python3/dist-packages/MySQLdb"};
    case MysqlDriver::kConnectorJ:
      return {{kJava, "-Xshare:auto", "-XX:TieredStopAtLevel=1", "-cp", kConnectorJJar, kMysqlDir + "/ConnectorJDriver.java"},
              kConnectorJJar};
    case MysqlDriver::kRubyMysql2:
      return {{kRuby, kMysqlDir + "/mysql2_driver.rb"}, "/usr/lib/ruby/vendor_ruby/mysql2.rb"};
    case MysqlDriver::kNodeMysql2:
      return {{kNode, std::string(kDriversDir) + "/node/mysql2_driver.js"},
              std::string(kDriversDir) + "/node/node_modules/mysql2/package.json"};
  }
  return {};
}

}  // namespace

const char* to_string(MysqlDriver driver) {
  switch (driver) {
    case MysqlDriver::kMysqlclient: return "mysqlclient";
    case MysqlDriver::kConnectorJ: return "connector_j";
    case MysqlDriver::kRubyMysql2: return "ruby_mysql2";
    case MysqlDriver::kNodeMysql2: return "node_mysql2";
  }
  return "?";
}

bool prepares_on_server(MysqlDriver driver) { return driver != MysqlDriver::kMysqlclient; }

std::unique_ptr<LineDriver> start_mysql_driver(MysqlDriver driver, const MysqlDriverLogin& login, std::string& error) {
  Program p = program(driver);
  if (!path_exists(p.argv[0]) || !path_exists(p.requires_path)) {
    error = "no " + p.argv[0] + " or " + p.requires_path + " (scripts/install-deps.sh installs them)";
    return nullptr;
  }
  for (const std::string& arg : {login.server.host, std::to_string(login.server.port), login.user, login.password,
                                 login.database, std::string("drv_") + to_string(driver), kMysqlDir + "/script.txt"})
    p.argv.push_back(arg);
  return LineDriver::start(to_string(driver), p.argv, error);
}

std::string mysql_driver_transcript(MysqlDriver driver, const MysqlDriverLogin& login, std::string& error) {
  auto client = start_mysql_driver(driver, login, error);
  if (!client) return "";
  std::vector<std::string> lines;
  error = client->ask_until("script", "end", lines);
  if (!error.empty()) return "";
  static const std::regex kThread("^thread [0-9]+ ");
  std::string transcript;
  for (const std::string& line : lines) transcript += std::regex_replace(line, kThread, "thread N ") + "\n";
  return transcript;
}

}  // namespace switchyard::test_support
