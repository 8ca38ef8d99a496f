// Runs a program to completion within a time limit, capturing its stdout and stderr apart.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "tests/support/child_process.h"

namespace switchyard::test_support {

using namespace std::chrono_literals;

struct CommandResult {
  std::string command;     // the argv joined with spaces, for messages
  int exit_code = -1;      // -1 unless the program exited normally
  bool timed_out = false;  // it was SIGKILLed at the time limit
  std::string out;         // everything it wrote to stdout
  std::string err;         // everything it wrote to stderr
  std::string error;       // why it could not be started, if it could not

  bool succeeded() const { return error.empty() && !timed_out && exit_code == 0; }
  // The command line, how it ended and its output: the message for a failed assertion.
  std::string describe() const;
};

// Runs `spec` (its output fields are ignored); a program still running after `timeout` is
// SIGKILLed, and the result says so.
CommandResult run_command(ChildSpec spec, std::chrono::milliseconds timeout);
CommandResult run_command(std::vector<std::string> argv, std::chrono::milliseconds timeout);

}  // namespace switchyard::test_support
