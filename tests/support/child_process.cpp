// fork/exec children, dropping root in the child, and bounded stops (see child_process.h).
#include "tests/support/child_process.h"

#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "tests/support/wait.h"

namespace switchyard::test_support {
namespace {

// Tells the parent why the child could not exec (errno), and ends the child.
[[noreturn]] void fail_in_child(int report_fd) {
  const int code = errno;
  (void)!write(report_fd, &code, sizeof code);
  _exit(127);
}

// Everything below runs in the forked child: async-signal-safe calls only, then exec or _exit.
[[noreturn]] void exec_child(const ChildSpec& spec, char* const* argv, pid_t parent, int report_fd,
                             int out_fd, int err_fd) {
  const auto fail = [report_fd] { fail_in_child(report_fd); };
  const int in_fd = spec.stdin_fd >= 0 ? spec.stdin_fd : open("/dev/null", O_RDONLY);
  if (in_fd < 0 || dup2(in_fd, STDIN_FILENO) < 0) fail();
  if (dup2(out_fd, STDOUT_FILENO) < 0 || dup2(err_fd, STDERR_FILENO) < 0) fail();
  if (spec.stdin_fd < 0 && in_fd > STDERR_FILENO) close(in_fd);
  if (spec.run_as) {
    if (setgroups(0, nullptr) != 0 || setgid(spec.run_as->gid) != 0 || setuid(spec.run_as->uid) != 0) {
      fail();
    }
  }
  // After the credential change, which would clear it.
  if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0) fail();
  if (getppid() != parent) _exit(127);  // the test run died before prctl took effect
  if (!spec.working_dir.empty() && chdir(spec.working_dir.c_str()) != 0) fail();
  execv(argv[0], argv);
  fail_in_child(report_fd);
}

}  // namespace

std::optional<RunAs> drop_root_to(const std::string& user, std::string& error) {
  if (geteuid() != 0) return std::nullopt;
  const passwd* entry = getpwnam(user.c_str());
  if (entry == nullptr) {
    error = "running as root, and there is no user '" + user + "' to run as";
    return std::nullopt;
  }
  return RunAs{entry->pw_uid, entry->pw_gid};
}

std::unique_ptr<ChildProcess> ChildProcess::spawn(const ChildSpec& spec, std::string& error) {
  if (spec.argv.empty()) {
    error = "spawn: empty argv";
    return nullptr;
  }
  std::vector<char*> argv;
  for (const std::string& arg : spec.argv) argv.push_back(const_cast<char*>(arg.c_str()));
  argv.push_back(nullptr);

  const std::string output = spec.output_path.empty() ? "/dev/null" : spec.output_path;
  const int output_fd = open(output.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (output_fd < 0) {
    error = "open(" + output + "): " + std::strerror(errno);
    return nullptr;
  }
  int report[2];
  if (pipe2(report, O_CLOEXEC) != 0) {
    error = std::string("pipe2: ") + std::strerror(errno);
    close(output_fd);
    return nullptr;
  }
  const int out_fd = spec.stdout_fd >= 0 ? spec.stdout_fd : output_fd;
  const int err_fd = spec.stderr_fd >= 0 ? spec.stderr_fd : output_fd;
  const pid_t parent = getpid();
  const pid_t pid = fork();
  if (pid == 0) exec_child(spec, argv.data(), parent, report[1], out_fd, err_fd);
  const int fork_errno = errno;
  close(report[1]);
  close(output_fd);
  if (pid < 0) {
    close(report[0]);
    error = std::string("fork: ") + std::strerror(fork_errno);
    return nullptr;
  }
  int child_errno = 0;
  ssize_t got;
  do {
    got = read(report[0], &child_errno, sizeof child_errno);
  } while (got < 0 && errno == EINTR);
  close(report[0]);
  std::unique_ptr<ChildProcess> child(new ChildProcess(pid));
  if (got > 0) {
    child->stop(SIGKILL, 1s);
    error = "cannot start " + spec.argv[0] + ": " + std::strerror(child_errno);
    return nullptr;
  }
  return child;
}

ChildProcess::~ChildProcess() { stop(SIGKILL, 5s); }

bool ChildProcess::running() {
  if (status_) return false;
  int status = 0;
  const pid_t done = waitpid(pid_, &status, WNOHANG);
  if (done == pid_) status_ = status;
  if (done < 0 && errno == ECHILD) status_ = -1;  // reaped elsewhere; nothing left to wait for
  return !status_;
}

bool ChildProcess::wait_exit(std::chrono::milliseconds timeout) {
  return eventually([this] { return !running(); }, timeout, 10ms);
}

int ChildProcess::stop(int sig, std::chrono::milliseconds grace) {
  if (!running()) return *status_;
  kill(pid_, sig);
  if (!wait_exit(grace)) {
    kill(pid_, SIGKILL);
    wait_exit(10s);  // SIGKILL cannot be caught: this returns as soon as the kernel is done
  }
  return status_.value_or(-1);
}

std::string describe_wait_status(int status) {
  if (status == -1) return "unknown status (already reaped)";
  if (WIFEXITED(status)) return "exited with status " + std::to_string(WEXITSTATUS(status));
  if (WIFSIGNALED(status)) {
    return "killed by signal " + std::to_string(WTERMSIG(status)) + " (" + strsignal(WTERMSIG(status)) + ")";
  }
  return "wait status " + std::to_string(status);
}

std::string pg_program(const std::string& name) {
  const char* dir = std::getenv("SWITCHYARD_PG_BINDIR");
  return std::string(dir != nullptr && *dir != '\0' ? dir : "/usr/lib/postgresql/15/bin") + "/" + name;
}

}  // namespace switchyard::test_support
