// The external drivers of prepared_clients.h (psycopg 3, JDBC, node-postgres): each a program in
// tests/integration/drivers/ run as a LineProcess and asked one command at a time.
#include <sys/stat.h>

#include <vector>

#include "tests/support/line_process.h"
#include "tests/support/prepared_clients.h"

namespace switchyard::test_support {
namespace {

constexpr char kDrivers[] = SWITCHYARD_SOURCE_DIR "/tests/integration/drivers";
// Debian's interpreter and the JDBC driver of libpostgresql-jdbc-java (scripts/install-deps.sh).
constexpr char kPython[] = "/usr/bin/python3";
constexpr char kJava[] = "/usr/bin/java";
constexpr char kJdbcJar[] = "/usr/share/java/postgresql.jar";
constexpr char kNode[] = "/usr/bin/node";
constexpr auto kStartTimeout = 60s;  // the JVM compiles the source-file program first
constexpr auto kCommandTimeout = 30s;

class DriverClient : public PreparedClient {
 public:
  DriverClient(std::string name, std::unique_ptr<LineProcess> process)
      : name_(std::move(name)), process_(std::move(process)) {}
  ~DriverClient() override { process_->close_and_wait(10s); }

  std::string name() const override { return name_; }

  // Waits for "ready"; "" or why not.
  std::string wait_ready() {
    const auto line = process_->read_line(kStartTimeout);
    if (line && *line == "ready") return "";
    return name_ + " did not start: " + (line ? "said '" + *line + "'" : "no answer") + "\n" + process_->diagnostics();
  }

  std::string round() override {
    std::string answer;
    if (auto e = ask("round", answer); !e.empty()) return e;
    return answer == "ok" ? "" : name_ + " round: " + answer;
  }

  std::string read(int id, std::string& old_value, std::string& new_value) override {
    std::string answer;
    if (auto e = ask("read " + std::to_string(id), answer); !e.empty()) return e;
    const auto first = answer.find(' '), second = answer.rfind(' ');
    if (answer.compare(0, 3, "ok ") != 0 || first == second) return name_ + " read " + std::to_string(id) + ": " + answer;
    old_value = answer.substr(first + 1, second - first - 1);
    new_value = answer.substr(second + 1);
    return "";
  }

 private:
  std::string ask(const std::string& command, std::string& answer) {
    if (!process_->write(command + "\n")) return name_ + " is gone (" + command + "): " + process_->diagnostics();
    const auto line = process_->read_line(kCommandTimeout);
    if (!line) return name_ + " gave no answer to '" + command + "': " + process_->diagnostics();
    answer = *line;
    return "";
  }

  std::string name_;
  std::unique_ptr<LineProcess> process_;
};

std::vector<std::string> driver_args(const PreparedClientSpec& s) {
  std::vector<std::string> args = {s.proxy.host, std::to_string(s.proxy.port), s.database, s.user,
                                   std::to_string(s.first_id)};
  for (const AppSql* app : {&s.old_app, &s.new_app})
    for (const char* sql : {app->insert, app->update, app->read, app->read_all}) args.emplace_back(sql);
  return args;
}

bool exists(const char* path) {
  struct stat st {};
  return ::stat(path, &st) == 0;
}

std::unique_ptr<PreparedClient> start_driver(const std::string& name, std::vector<std::string> argv,
                                             const PreparedClientSpec& spec, std::string& error) {
  for (const std::string& arg : driver_args(spec)) argv.push_back(arg);
  auto process = LineProcess::start(argv, error);
  if (!process) return nullptr;
  auto client = std::make_unique<DriverClient>(name, std::move(process));
  error = client->wait_ready();
  if (!error.empty()) return nullptr;
  return client;
}

}  // namespace

std::unique_ptr<PreparedClient> start_psycopg3_client(const PreparedClientSpec& spec, std::string& error) {
  return start_driver("psycopg3", {kPython, std::string(kDrivers) + "/psycopg3_prepared.py"}, spec, error);
}

std::unique_ptr<PreparedClient> start_jdbc_client(const PreparedClientSpec& spec, std::string& error) {
  if (!exists(kJdbcJar) || !exists(kJava)) {
    error = std::string("no ") + kJdbcJar + " or " + kJava + " (scripts/install-deps.sh installs them)";
    return nullptr;
  }
  return start_driver("jdbc", {kJava, "-Xshare:auto", "-XX:TieredStopAtLevel=1", "-cp", kJdbcJar,
                               std::string(kDrivers) + "/JdbcPrepared.java"},
                      spec, error);
}

std::unique_ptr<PreparedClient> start_node_client(const PreparedClientSpec& spec, std::string& error) {
  const std::string pg = std::string(kDrivers) + "/node/node_modules/pg/package.json";
  if (!exists(pg.c_str())) {
    error = "no " + pg + " (scripts/install-deps.sh runs npm ci there)";
    return nullptr;
  }
  return start_driver("node-postgres", {kNode, std::string(kDrivers) + "/node/pg_prepared.js"}, spec, error);
}

}  // namespace switchyard::test_support
