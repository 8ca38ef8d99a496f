// Back-to-back pgbench runs on a thread, and how to read pgbench's errors (see pgbench_loop.h).
#include "tests/support/pgbench_loop.h"

#include <regex>

#include "tests/support/wait.h"

namespace switchyard::test_support {
namespace {

// What libpq, PostgreSQL and switchyard say when a connection cannot be made or is lost. An
// error report naming one of these (and no SQL ERROR) is a clean connection error.
constexpr const char* kConnectionLost[] = {
    "server closed the connection unexpectedly",
    "terminating connection due to administrator command",  // 57P01, a fast shutdown
    "the database system is shutting down",                 // 57P03
    "the database system is starting up",                   // 57P03
    "the database system is not yet accepting connections", // 57P03
    "Connection refused",
    "Connection reset by peer",
    "could not receive data from server",
    "could not send data to server",
    "no connection to the server",
    "switchyard: cannot connect to upstream",  // 08006
    "switchyard: upstream write failed",       // 08006
};

// pgbench's own words around a lost connection; the cause is in a report of its own.
constexpr const char* kPgbenchFraming[] = {
    "Run was aborted",
    "could not create connection for",
    "aborted while establishing connection",
    "perhaps the backend died while processing",
};

constexpr auto kQuickFailure = 500ms;

// libpq indents the continuation of its own messages with a tab; a server message's further
// fields follow on lines of their own ("FATAL:  terminating connection ..." then "CONTEXT: ...").
bool continues_report(const std::string& line) {
  for (const char* field : {"\t", "DETAIL:", "HINT:", "CONTEXT:", "LINE "}) {
    if (line.rfind(field, 0) == 0) return true;
  }
  return false;
}

bool contains_any(const std::string& text, const auto& phrases) {
  for (const char* phrase : phrases) {
    if (text.find(phrase) != std::string::npos) return true;
  }
  return false;
}

}  // namespace

PgbenchLoop::PgbenchLoop(std::string name, std::vector<std::string> argv, std::chrono::milliseconds segment_timeout)
    : name_(std::move(name)), argv_(std::move(argv)), segment_timeout_(segment_timeout), thread_([this] { run(); }) {}

PgbenchLoop::~PgbenchLoop() { stop(); }

void PgbenchLoop::stop() {
  stopping_ = true;
  if (thread_.joinable()) thread_.join();
}

void PgbenchLoop::run() {
  while (!stopping_) {
    PgbenchSegment segment;
    segment.started = std::chrono::steady_clock::now();
    segment.result = run_command(argv_, segment_timeout_);
    segment.ended = std::chrono::steady_clock::now();
    segment.transactions = pgbench_number(segment.result.out, "number of transactions actually processed");
    segment.errors = pgbench_error_reports(segment.result.err);
    const bool failed_at_once = segment.ended - segment.started < kQuickFailure && !segment.result.succeeded();
    segments_.push_back(std::move(segment));
    // A run that could not even connect is retried after a pause, not in a tight fork loop.
    if (failed_at_once) eventually([this] { return stopping_.load(); }, kQuickFailure);
  }
}

std::vector<std::string> pgbench_error_reports(const std::string& stderr_text) {
  std::vector<std::string> reports;
  std::size_t at = 0;
  while (at < stderr_text.size()) {
    std::size_t end = stderr_text.find('\n', at);
    if (end == std::string::npos) end = stderr_text.size();
    const std::string line = stderr_text.substr(at, end - at);
    at = end + 1;
    if (line.empty()) continue;
    if (continues_report(line) && !reports.empty()) {
      reports.back() += " | " + line.substr(line[0] == '\t' ? 1 : 0);
    } else {
      reports.push_back(line);
    }
  }
  return reports;
}

bool is_connection_error(const std::string& report) {
  if (report.find("ERROR:") != std::string::npos) return false;
  return contains_any(report, kConnectionLost) || contains_any(report, kPgbenchFraming);
}

long pgbench_number(const std::string& output, const std::string& label) {
  std::smatch match;
  if (!std::regex_search(output, match, std::regex(label + ": (\\d+)"))) return -1;
  return std::stol(match[1]);
}

}  // namespace switchyard::test_support
