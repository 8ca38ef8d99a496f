// Runs the switchyard binary as a child process in front of one upstream, with a config file it
// writes to its own temp directory, on a free loopback port.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "tests/support/child_process.h"
#include "tests/support/endpoint.h"
#include "tests/support/temp_dir.h"

namespace switchyard::test_support {

class ProxyProcess {
 public:
  // $SWITCHYARD_TEST_BINARY if set, else the build's switchyard (SWITCHYARD_BINARY).
  static std::string binary_path();

  // Writes the config (listen, upstream, threads: 2, log, limits unless `extra_yaml` has its own
  // top-level `limits:`, then `extra_yaml` verbatim),
  // starts `switchyard --config FILE` and waits (bounded) until its port accepts connections.
  // Returns null and says why, with the proxy's log, in `error`.
  static std::unique_ptr<ProxyProcess> start(const Endpoint& upstream, const std::string& extra_yaml,
                                             std::string& error);

  ~ProxyProcess();  // stop(), then removes the directory
  ProxyProcess(const ProxyProcess&) = delete;
  ProxyProcess& operator=(const ProxyProcess&) = delete;

  const Endpoint& endpoint() const { return endpoint_; }
  pid_t pid() const { return child_->pid(); }
  bool running() { return child_->running(); }
  // The waitpid status once it has exited.
  std::optional<int> wait_status() const { return child_->wait_status(); }
  // SIGTERM, a bounded wait for the drain, then SIGKILL. Returns the wait status; idempotent.
  int stop();
  // SIGKILL at once, no drain: a crash, as an OOM killer or an operator's kill -9 would cause.
  // Returns the wait status.
  int kill_hard();
  // Starts switchyard again after it has exited, with the config file as it is now and on the
  // same port, and waits (bounded) until it accepts connections. False and why, with the log
  // of this start, in `error`.
  bool restart(std::string& error);
  // Whether stop() ended it by SIGKILL, i.e. it ignored SIGTERM for too long.
  bool needed_sigkill() const { return needed_sigkill_; }
  // Everything the proxy wrote to stdout and stderr, from byte `offset` on.
  std::string log(std::size_t offset = 0) const { return read_file(log_path(), offset); }
  std::string log_path() const { return dir_->file("switchyard.log"); }
  std::string config_path() const { return dir_->file("switchyard.yaml"); }

 private:
  ProxyProcess() = default;
  bool launch(const Endpoint& upstream, const std::string& extra_yaml, std::string& error);
  // Starts the binary on the config file as written and waits until endpoint_ accepts or the
  // process exits. `port_taken` says whether it exited because the port was in use.
  bool spawn_and_wait(std::string& error, bool& port_taken);

  std::unique_ptr<TempDir> dir_;
  Endpoint endpoint_{"127.0.0.1", 0};
  std::unique_ptr<ChildProcess> child_;
  bool needed_sigkill_ = false;
};

}  // namespace switchyard::test_support
