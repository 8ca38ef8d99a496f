// A child program driven line by line: the test writes a command to its stdin and reads the
// answer from its stdout, each read bounded by a deadline; stderr goes to a file for failure
// messages. For long-lived database clients (drivers/, psql) that hold one connection while the
// test changes the proxy around them.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "tests/support/child_process.h"
#include "tests/support/temp_dir.h"

namespace switchyard::test_support {

using namespace std::chrono_literals;

class LineProcess {
 public:
  // Starts argv (argv[0] absolute) with pipes on stdin and stdout. Null and why in `error`.
  // Spawn from the test's main thread (see ChildProcess::spawn on PR_SET_PDEATHSIG).
  static std::unique_ptr<LineProcess> start(const std::vector<std::string>& argv, std::string& error);
  ~LineProcess();  // closes stdin, then stops the child by its pid
  LineProcess(const LineProcess&) = delete;
  LineProcess& operator=(const LineProcess&) = delete;

  // Writes `text` (a newline is not added). False if the child has gone (SIGPIPE is ignored
  // process-wide from the first start() on).
  bool write(const std::string& text);
  // The next line of stdout without its newline; nullopt at end of stream or after `timeout`.
  std::optional<std::string> read_line(std::chrono::milliseconds timeout = 30s);
  // Closes stdin (the child sees end of input) and waits up to `timeout` for it to exit.
  bool close_and_wait(std::chrono::milliseconds timeout);
  // What the child wrote to stderr so far, and how it ended if it did: for failure messages.
  std::string diagnostics();

 private:
  LineProcess() = default;
  std::unique_ptr<TempDir> dir_;
  std::unique_ptr<ChildProcess> child_;
  int in_fd_ = -1;   // our end of the child's stdin
  int out_fd_ = -1;  // our end of the child's stdout
  std::string buffer_;  // read from stdout, not yet returned
};

}  // namespace switchyard::test_support
