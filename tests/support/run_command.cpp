// Runs a child to completion, draining its stdout and stderr pipes with poll (see run_command.h).
#include "tests/support/run_command.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "tests/support/wait.h"

namespace switchyard::test_support {
namespace {

// Reads what is available on `fd` into `sink`; closes it and sets it to -1 at end of file.
void drain(int& fd, std::string& sink) {
  char buffer[65536];
  const ssize_t got = read(fd, buffer, sizeof buffer);
  if (got > 0) {
    sink.append(buffer, static_cast<std::size_t>(got));
  } else if (got == 0 || (errno != EINTR && errno != EAGAIN)) {
    close(fd);
    fd = -1;
  }
}

}  // namespace

std::string CommandResult::describe() const {
  std::string text = "command: " + command + "\n";
  if (!error.empty()) return text + "could not run: " + error + "\n";
  text += timed_out ? "timed out and was killed\n" : "exit code: " + std::to_string(exit_code) + "\n";
  return text + "--- stdout ---\n" + out + "--- stderr ---\n" + err + "---\n";
}

CommandResult run_command(ChildSpec spec, std::chrono::milliseconds timeout) {
  CommandResult result;
  for (const std::string& arg : spec.argv) result.command += (result.command.empty() ? "" : " ") + arg;
  int out_pipe[2];
  int err_pipe[2];
  if (pipe2(out_pipe, O_CLOEXEC) != 0) {
    result.error = std::string("pipe2: ") + std::strerror(errno);
    return result;
  }
  if (pipe2(err_pipe, O_CLOEXEC) != 0) {
    result.error = std::string("pipe2: ") + std::strerror(errno);
    close(out_pipe[0]);
    close(out_pipe[1]);
    return result;
  }
  spec.stdout_fd = out_pipe[1];
  spec.stderr_fd = err_pipe[1];
  spec.output_path.clear();
  auto child = ChildProcess::spawn(spec, result.error);
  close(out_pipe[1]);
  close(err_pipe[1]);
  int out_fd = out_pipe[0];
  int err_fd = err_pipe[0];
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (child && (out_fd >= 0 || err_fd >= 0) && !result.timed_out) {
    pollfd fds[2] = {{out_fd, POLLIN, 0}, {err_fd, POLLIN, 0}};
    const int ready = poll(fds, 2, millis_until(deadline));
    if (ready == 0) result.timed_out = true;
    if (ready < 0 && errno != EINTR) break;
    if (out_fd >= 0 && (fds[0].revents & (POLLIN | POLLHUP | POLLERR))) drain(out_fd, result.out);
    if (err_fd >= 0 && (fds[1].revents & (POLLIN | POLLHUP | POLLERR))) drain(err_fd, result.err);
  }
  if (out_fd >= 0) close(out_fd);
  if (err_fd >= 0) close(err_fd);
  if (!child) return result;
  if (!result.timed_out && !child->wait_exit(std::chrono::milliseconds(millis_until(deadline)))) {
    result.timed_out = true;
  }
  const int status = child->stop(SIGKILL, 0ms);
  if (!result.timed_out && WIFEXITED(status)) result.exit_code = WEXITSTATUS(status);
  return result;
}

CommandResult run_command(std::vector<std::string> argv, std::chrono::milliseconds timeout) {
  ChildSpec spec;
  spec.argv = std::move(argv);
  return run_command(std::move(spec), timeout);
}

}  // namespace switchyard::test_support
