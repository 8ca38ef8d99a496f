// A driver program of tests/integration/drivers/ (psycopg, JDBC, node-postgres, the MySQL
// drivers) run as a LineProcess that holds one database connection: it prints "ready" once
// connected, then answers each command written to its stdin with one line (or, for commands
// that say so, several lines up to a terminator). Shared by prepared_driver_client.cpp and
// mysql_driver_client.cpp so that every driver is started, asked and stopped alike.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "tests/support/line_process.h"

namespace switchyard::test_support {

// Where the driver programs live, and the interpreters Debian's packages install
// (scripts/install-deps.sh).
inline constexpr char kDriversDir[] = SWITCHYARD_SOURCE_DIR "/tests/integration/drivers";
inline constexpr char kPython[] = "/usr/bin/python3";
inline constexpr char kJava[] = "/usr/bin/java";
inline constexpr char kNode[] = "/usr/bin/node";
inline constexpr char kRuby[] = "/usr/bin/ruby";

// Whether `path` exists (a driver's jar, module or interpreter).
bool path_exists(const std::string& path);

class LineDriver {
 public:
  // Starts argv (argv[0] absolute) and waits up to `start_timeout` for "ready" (the JVM compiles
  // a source-file program first). Null and why, with the program's stderr, in `error`.
  // Spawn from the test's main thread (see ChildProcess::spawn on PR_SET_PDEATHSIG).
  static std::unique_ptr<LineDriver> start(std::string name, const std::vector<std::string>& argv,
                                           std::string& error, std::chrono::milliseconds start_timeout = 60s);
  ~LineDriver();  // closes its stdin (the driver closes its connection and exits), bounded wait
  LineDriver(const LineDriver&) = delete;
  LineDriver& operator=(const LineDriver&) = delete;

  const std::string& name() const { return name_; }
  // Writes `command` and reads one answer line into `answer`. "" or what went wrong.
  std::string ask(const std::string& command, std::string& answer, std::chrono::milliseconds timeout = 30s);
  // Writes `command` and reads lines until one equal to `terminator`, which is not kept. "" or
  // what went wrong (the lines read so far are in `lines`).
  std::string ask_until(const std::string& command, const std::string& terminator, std::vector<std::string>& lines,
                        std::chrono::milliseconds timeout = 60s);

 private:
  LineDriver(std::string name, std::unique_ptr<LineProcess> process)
      : name_(std::move(name)), process_(std::move(process)) {}
  std::string name_;
  std::unique_ptr<LineProcess> process_;
};

}  // namespace switchyard::test_support
