// Starts a child program by fork/exec (never through a shell) and stops it by its own pid, with
// bounded waits. The pid held is the program's own pid: dropping root happens in the child.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace switchyard::test_support {

struct RunAs {
  uid_t uid;
  gid_t gid;
};

// Who a program refusing root (PostgreSQL) should run as: `user`'s ids when we are root,
// nullopt when we are not (it then runs as us). Says why in `error` if `user` is unknown.
std::optional<RunAs> drop_root_to(const std::string& user, std::string& error);

struct ChildSpec {
  std::vector<std::string> argv;  // argv[0] is the program's absolute path
  std::optional<RunAs> run_as;    // set: setgid/setuid in the child before exec
  std::string working_dir;        // empty: inherit ours
  std::string output_path;        // stdout and stderr append here; empty: /dev/null
  int stdout_fd = -1;             // when >= 0, used instead of output_path for stdout
  int stderr_fd = -1;             // when >= 0, used instead of output_path for stderr
  int stdin_fd = -1;              // when >= 0, the child's stdin (a pipe's read end); else /dev/null
};

class ChildProcess {
 public:
  // Starts the child with stdin on /dev/null unless `stdin_fd` says otherwise. Returns null and says why in `error` if fork or
  // exec failed (exec failures are reported back through a close-on-exec pipe). The child gets
  // SIGKILL should the calling thread end (PR_SET_PDEATHSIG), so nothing outlives a crashed
  // test run: spawn from the main thread.
  static std::unique_ptr<ChildProcess> spawn(const ChildSpec& spec, std::string& error);

  ~ChildProcess();  // a child still running gets SIGKILL and is reaped
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  pid_t pid() const { return pid_; }
  // Reaps the child if it has exited; true while it is still running.
  bool running();
  // Waits up to `timeout` for the child to exit by itself; true if it has.
  bool wait_exit(std::chrono::milliseconds timeout);
  // Sends `sig`, waits up to `grace`, then SIGKILLs and reaps. Returns the wait status.
  // Idempotent: a child already reaped just reports its status.
  int stop(int sig, std::chrono::milliseconds grace);
  // The waitpid status once the child has been reaped.
  std::optional<int> wait_status() const { return status_; }

 private:
  explicit ChildProcess(pid_t pid) : pid_(pid) {}
  pid_t pid_;
  std::optional<int> status_;
};

// "exited with status 0", "killed by signal 9 (Killed)".
std::string describe_wait_status(int status);
// Absolute path of a PostgreSQL program: $SWITCHYARD_PG_BINDIR/name, by default from
// /usr/lib/postgresql/15/bin (Debian's /usr/bin/psql is a wrapper script, not psql itself).
std::string pg_program(const std::string& name);

}  // namespace switchyard::test_support
