// pgbench under faults: a connection dropped by a fault ends that pgbench client for the rest of
// its run, so load that must outlive faults runs as short back-to-back pgbench runs ("segments")
// on a thread of its own, each one's outcome kept; and a reading of pgbench's error reports that
// tells a lost connection from a wrong answer.
#pragma once

#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/run_command.h"

namespace switchyard::test_support {

struct PgbenchSegment {
  std::chrono::steady_clock::time_point started;
  std::chrono::steady_clock::time_point ended;
  CommandResult result;
  long transactions = -1;  // "number of transactions actually processed", -1 if not printed
  // pgbench's error reports on stderr (see pgbench_error_reports).
  std::vector<std::string> errors;

  // It ran to its -T end with no error report at all.
  bool clean() const { return result.succeeded() && errors.empty(); }
};

class PgbenchLoop {
 public:
  // Runs `argv` (a whole pgbench command whose run ends by itself, e.g. -T 5) again and again
  // on a new thread until stop(); a run still going after `segment_timeout` is killed and
  // recorded as timed out. The thread spawns the pgbench children: each is reaped before the
  // next starts, so none outlives it (see ChildProcess::spawn).
  PgbenchLoop(std::string name, std::vector<std::string> argv, std::chrono::milliseconds segment_timeout);
  ~PgbenchLoop();  // stop()
  PgbenchLoop(const PgbenchLoop&) = delete;
  PgbenchLoop& operator=(const PgbenchLoop&) = delete;

  const std::string& name() const { return name_; }
  // Lets the running segment finish (at most segment_timeout), then joins the thread.
  // Idempotent. The segments may be read once it has returned.
  void stop();
  const std::vector<PgbenchSegment>& segments() const { return segments_; }

 private:
  void run();

  const std::string name_;
  const std::vector<std::string> argv_;
  const std::chrono::milliseconds segment_timeout_;
  std::atomic<bool> stopping_{false};
  std::vector<PgbenchSegment> segments_;  // written by the thread only until it is joined
  std::thread thread_;
};

// pgbench's error reports in `stderr_text`: each line joined by " | " with the lines that continue
// it (libpq's tab-indented ones, and a server message's DETAIL, HINT, CONTEXT and LINE fields).
std::vector<std::string> pgbench_error_reports(const std::string& stderr_text);

// Whether `report` says only that a connection could not be made or was lost (the proxy or the
// server went away, refused, or ended the session for shutdown), as opposed to an SQL error, a
// protocol error or anything unknown, which all count as not clean.
bool is_connection_error(const std::string& report);

// A number pgbench printed after `label` ("number of failed transactions: 0 (0.000%)"), or -1.
long pgbench_number(const std::string& output, const std::string& label);

}  // namespace switchyard::test_support
