// The switchyard child process: config, start, readiness, stop (see proxy_process.h).
#include "tests/support/proxy_process.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>

#include "tests/support/net.h"
#include "tests/support/wait.h"

namespace switchyard::test_support {
namespace {

// Longer than the config's drain_timeout_ms (2000), so a proxy that drains as configured
// always finishes before we resort to SIGKILL.
constexpr auto kStopGrace = 10s;

std::string config_text(int port, const Endpoint& upstream, const std::string& extra_yaml) {
  std::string text = "listen: 127.0.0.1:" + std::to_string(port) + "\n" +
                     "upstream: " + upstream.host + ":" + std::to_string(upstream.port) + "\n" +
                     "threads: 2\n"
                     "log: {level: info, format: text}\n";
  // A test that sets its own limits writes the whole `limits:` mapping (keys may not repeat).
  if (extra_yaml.rfind("limits:", 0) != 0 && extra_yaml.find("\nlimits:") == std::string::npos)
    text += "limits: {max_message_bytes: 67108864, connect_timeout_ms: 5000, drain_timeout_ms: 2000}\n";
  text += extra_yaml;
  if (!extra_yaml.empty() && extra_yaml.back() != '\n') text += "\n";
  return text;
}

}  // namespace

std::string ProxyProcess::binary_path() {
  const char* path = std::getenv("SWITCHYARD_TEST_BINARY");
  return path != nullptr && *path != '\0' ? path : SWITCHYARD_BINARY;
}

std::unique_ptr<ProxyProcess> ProxyProcess::start(const Endpoint& upstream, const std::string& extra_yaml,
                                                  std::string& error) {
  if (access(binary_path().c_str(), X_OK) != 0) {
    error = "no switchyard binary at " + binary_path() +
            " (build the switchyard target, or set SWITCHYARD_TEST_DIRECT=1 to test against PostgreSQL alone)";
    return nullptr;
  }
  std::unique_ptr<ProxyProcess> proxy(new ProxyProcess);
  proxy->dir_ = TempDir::create("switchyard-proxy-", error);
  if (!proxy->dir_ || !proxy->launch(upstream, extra_yaml, error)) return nullptr;
  return proxy;
}

bool ProxyProcess::launch(const Endpoint& upstream, const std::string& extra_yaml, std::string& error) {
  for (int attempt = 1; attempt <= 3; ++attempt) {
    endpoint_.port = pick_free_port();
    if (!write_file(config_path(), config_text(endpoint_.port, upstream, extra_yaml), error)) return false;
    bool port_taken = false;
    if (spawn_and_wait(error, port_taken)) return true;
    if (!port_taken || attempt == 3) return false;
  }
  return false;
}

bool ProxyProcess::spawn_and_wait(std::string& error, bool& port_taken) {
  const std::size_t log_offset = log().size();
  ChildSpec spec;
  spec.argv = {binary_path(), "--config", config_path()};
  spec.working_dir = dir_->path();
  spec.output_path = log_path();
  child_ = ChildProcess::spawn(spec, error);
  if (!child_) return false;
  const bool ready = eventually([&] { return !child_->running() || accepts_tcp(endpoint_.host, endpoint_.port); },
                                15s, 50ms);
  if (ready && child_->running()) return true;
  if (!ready) {
    error = "switchyard did not accept connections on port " + std::to_string(endpoint_.port) +
            " within 15 s\n--- switchyard log ---\n" + log(log_offset);
    return false;
  }
  const std::string text = log(log_offset);
  port_taken = text.find("in use") != std::string::npos;
  error = "switchyard " + describe_wait_status(*child_->wait_status()) + "\n--- config ---\n" +
          read_file(config_path()) + "--- switchyard log ---\n" + text;
  return false;
}

int ProxyProcess::kill_hard() { return child_ ? child_->stop(SIGKILL, 0ms) : -1; }

bool ProxyProcess::restart(std::string& error) {
  if (child_ && child_->running()) {
    error = "restart: switchyard (pid " + std::to_string(child_->pid()) + ") is still running";
    return false;
  }
  bool port_taken = false;
  return spawn_and_wait(error, port_taken);
}

ProxyProcess::~ProxyProcess() { stop(); }

int ProxyProcess::stop() {
  if (!child_) return -1;
  if (!child_->running()) return *child_->wait_status();
  kill(child_->pid(), SIGTERM);
  if (!child_->wait_exit(kStopGrace)) needed_sigkill_ = true;
  return child_->stop(SIGKILL, 0ms);
}

}  // namespace switchyard::test_support
