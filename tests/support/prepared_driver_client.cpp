// The external drivers of prepared_clients.h (psycopg 3, JDBC, node-postgres): each a program in
// tests/integration/drivers/ run as a LineDriver and asked one command at a time.
#include <vector>

#include "tests/support/line_driver.h"
#include "tests/support/prepared_clients.h"

namespace switchyard::test_support {
namespace {

// The JDBC driver of libpostgresql-jdbc-java (scripts/install-deps.sh).
constexpr char kJdbcJar[] = "/usr/share/java/postgresql.jar";

class DriverClient : public PreparedClient {
 public:
  explicit DriverClient(std::unique_ptr<LineDriver> driver) : driver_(std::move(driver)) {}

  std::string name() const override { return driver_->name(); }

  std::string round() override {
    std::string answer;
    if (auto e = driver_->ask("round", answer); !e.empty()) return e;
    return answer == "ok" ? "" : name() + " round: " + answer;
  }

  std::string read(int id, std::string& old_value, std::string& new_value) override {
    std::string answer;
    if (auto e = driver_->ask("read " + std::to_string(id), answer); !e.empty()) return e;
    const auto first = answer.find(' '), second = answer.rfind(' ');
    if (answer.compare(0, 3, "ok ") != 0 || first == second) return name() + " read " + std::to_string(id) + ": " + answer;
    old_value = answer.substr(first + 1, second - first - 1);
    new_value = answer.substr(second + 1);
    return "";
  }

 private:
  std::unique_ptr<LineDriver> driver_;
};

std::vector<std::string> driver_args(const PreparedClientSpec& s) {
  std::vector<std::string> args = {s.proxy.host, std::to_string(s.proxy.port), s.database, s.user,
                                   std::to_string(s.first_id)};
  for (const AppSql* app : {&s.old_app, &s.new_app})
    for (const char* sql : {app->insert, app->update, app->read, app->read_all}) args.emplace_back(sql);
  return args;
}

std::unique_ptr<PreparedClient> start_driver(const std::string& name, std::vector<std::string> argv,
                                             const PreparedClientSpec& spec, std::string& error) {
  for (const std::string& arg : driver_args(spec)) argv.push_back(arg);
  auto driver = LineDriver::start(name, argv, error);
  if (!driver) return nullptr;
  return std::make_unique<DriverClient>(std::move(driver));
}

}  // namespace

std::unique_ptr<PreparedClient> start_psycopg3_client(const PreparedClientSpec& spec, std::string& error) {
  return start_driver("psycopg3", {kPython, std::string(kDriversDir) + "/psycopg3_prepared.py"}, spec, error);
}

std::unique_ptr<PreparedClient> start_jdbc_client(const PreparedClientSpec& spec, std::string& error) {
  if (!path_exists(kJdbcJar) || !path_exists(kJava)) {
    error = std::string("no ") + kJdbcJar + " or " + kJava + " (scripts/install-deps.sh installs them)";
    return nullptr;
  }
  return start_driver("jdbc", {kJava, "-Xshare:auto", "-XX:TieredStopAtLevel=1", "-cp", kJdbcJar,
                               std::string(kDriversDir) + "/JdbcPrepared.java"},
                      spec, error);
}

std::unique_ptr<PreparedClient> start_node_client(const PreparedClientSpec& spec, std::string& error) {
  const std::string pg = std::string(kDriversDir) + "/node/node_modules/pg/package.json";
  if (!path_exists(pg)) {
    error = "no " + pg + " (scripts/install-deps.sh runs npm ci there)";
    return nullptr;
  }
  return start_driver("node-postgres", {kNode, std::string(kDriversDir) + "/node/pg_prepared.js"}, spec, error);
}

}  // namespace switchyard::test_support
