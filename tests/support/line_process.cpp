// A child program driven line by line over pipes (see line_process.h).
#include "tests/support/line_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "tests/support/wait.h"

namespace switchyard::test_support {

std::unique_ptr<LineProcess> LineProcess::start(const std::vector<std::string>& argv, std::string& error) {
  // A child that died must make write() fail with EPIPE, not kill the test binary.
  signal(SIGPIPE, SIG_IGN);
  std::unique_ptr<LineProcess> p(new LineProcess);
  p->dir_ = TempDir::create("line-process", error);
  if (!p->dir_) return nullptr;
  int in[2], out[2];
  // Close-on-exec, so that other children never hold these ends (EOF would never come).
  if (pipe2(in, O_CLOEXEC) != 0) {
    error = std::string("pipe2: ") + std::strerror(errno);
    return nullptr;
  }
  if (pipe2(out, O_CLOEXEC) != 0) {
    error = std::string("pipe2: ") + std::strerror(errno);
    close(in[0]);
    close(in[1]);
    return nullptr;
  }
  ChildSpec spec;
  spec.argv = argv;
  spec.output_path = p->dir_->file("stderr.log");
  spec.stdin_fd = in[0];
  spec.stdout_fd = out[1];
  p->child_ = ChildProcess::spawn(spec, error);
  close(in[0]);
  close(out[1]);
  p->in_fd_ = in[1];
  p->out_fd_ = out[0];
  if (!p->child_) return nullptr;
  return p;
}

LineProcess::~LineProcess() {
  if (in_fd_ >= 0) close(in_fd_);
  if (child_) child_->stop(SIGTERM, 5s);
  if (out_fd_ >= 0) close(out_fd_);
}

bool LineProcess::write(const std::string& text) {
  std::size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(in_fd_, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += static_cast<std::size_t>(n);
  }
  return true;
}

std::optional<std::string> LineProcess::read_line(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    const auto nl = buffer_.find('\n');
    if (nl != std::string::npos) {
      std::string line = buffer_.substr(0, nl);
      buffer_.erase(0, nl + 1);
      return line;
    }
    pollfd pfd{out_fd_, POLLIN, 0};
    const int ready = poll(&pfd, 1, millis_until(deadline));
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) return std::nullopt;
    char chunk[4096];
    const ssize_t n = read(out_fd_, chunk, sizeof chunk);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return std::nullopt;
    buffer_.append(chunk, static_cast<std::size_t>(n));
  }
}

bool LineProcess::close_and_wait(std::chrono::milliseconds timeout) {
  if (in_fd_ >= 0) close(in_fd_);
  in_fd_ = -1;
  return child_->wait_exit(timeout);
}

std::string LineProcess::diagnostics() {
  std::string out = "stderr: " + read_file(dir_->file("stderr.log"));
  if (!child_->running()) out += "\n(" + describe_wait_status(child_->wait_status().value_or(-1)) + ")";
  return out;
}

}  // namespace switchyard::test_support
