// Driver programs asked one command at a time over a LineProcess (see line_driver.h).
#include "tests/support/line_driver.h"

#include <sys/stat.h>

namespace switchyard::test_support {

bool path_exists(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0;
}

std::unique_ptr<LineDriver> LineDriver::start(std::string name, const std::vector<std::string>& argv,
                                              std::string& error, std::chrono::milliseconds start_timeout) {
  auto process = LineProcess::start(argv, error);
  if (!process) return nullptr;
  const auto line = process->read_line(start_timeout);
  if (line && *line == "ready") return std::unique_ptr<LineDriver>(new LineDriver(std::move(name), std::move(process)));
  error = name + " did not start: " + (line ? "said '" + *line + "'" : "no answer") + "\n" + process->diagnostics();
  return nullptr;
}

LineDriver::~LineDriver() { process_->close_and_wait(10s); }

std::string LineDriver::ask(const std::string& command, std::string& answer, std::chrono::milliseconds timeout) {
  if (!process_->write(command + "\n")) return name_ + " is gone (" + command + "): " + process_->diagnostics();
  const auto line = process_->read_line(timeout);
  if (!line) return name_ + " gave no answer to '" + command + "': " + process_->diagnostics();
  answer = *line;
  return "";
}

std::string LineDriver::ask_until(const std::string& command, const std::string& terminator,
                                  std::vector<std::string>& lines, std::chrono::milliseconds timeout) {
  if (!process_->write(command + "\n")) return name_ + " is gone (" + command + "): " + process_->diagnostics();
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    const auto line = left.count() > 0 ? process_->read_line(left) : std::nullopt;
    if (!line)
      return name_ + " did not finish '" + command + "' (" + std::to_string(lines.size()) + " lines read): " +
             process_->diagnostics();
    if (*line == terminator) return "";
    lines.push_back(*line);
  }
}

}  // namespace switchyard::test_support
