// Exhaustion of connections and descriptors (issue 11, parts 1, 3 and 7), against the switchyard
// binary: the client beyond limits.max_client_connections gets FATAL 53300; out of descriptors
// the proxy neither spins nor floods its log, answers new clients cleanly, keeps /healthz
// answering and serves again once descriptors are free; idle or slow admin connections cannot
// lock /healthz out; admin.listen may name localhost.
#include <sys/resource.h>
#include <unistd.h>

#include <dirent.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <memory>
#include <sstream>
#include <vector>

#include "protocol/pg/backend.h"
#include "protocol/pg/startup.h"
#include "tests/support/http_client.h"
#include "tests/support/integration_environment.h"
#include "tests/support/net.h"
#include "tests/support/pg_connection.h"
#include "tests/support/proxy_process.h"
#include "tests/support/raw_client.h"
#include "tests/support/run_command.h"
#include "tests/support/wait.h"

namespace switchyard::test_support {
namespace {

std::string startup() {
  return pg::encode_startup(pg::kProtocol3, {{"user", kSuperuser}, {"database", kAppDatabase}});
}

std::string admin_yaml(int port) { return "admin: {listen: 127.0.0.1:" + std::to_string(port) + "}\n"; }

// The value of the metric line starting with `series ` in a /metrics body, or -1.
long long metric(const std::string& body, const std::string& series) {
  const auto at = body.find("\n" + series + " ");
  if (at == std::string::npos) return -1;
  return std::stoll(body.substr(at + series.size() + 2));
}

// utime + stime of `pid`, in clock ticks (/proc/PID/stat fields 14 and 15).
long long cpu_ticks(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::istringstream rest(stat.substr(stat.rfind(')') + 2));  // after "(comm) "
  std::string field;
  long long utime = 0, stime = 0;
  for (int i = 3; i <= 15 && rest >> field; ++i) {
    if (i == 14) utime = std::stoll(field);
    if (i == 15) stime = std::stoll(field);
  }
  return utime + stime;
}

int open_descriptors(pid_t pid) {
  DIR* dir = opendir(("/proc/" + std::to_string(pid) + "/fd").c_str());
  if (dir == nullptr) return -1;
  int n = 0;
  while (const dirent* e = readdir(dir)) n += e->d_name[0] != '.';
  closedir(dir);
  return n;
}

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

size_t lines(const std::string& text) { return static_cast<size_t>(std::count(text.begin(), text.end(), '\n')); }

// Whether `client` got a clean answer: served (ReadyForQuery) or refused (an ErrorResponse).
bool answered_cleanly(RawClient& client) {
  for (int i = 0; i < 64; ++i) {
    const auto m = client.read_message(3s);
    if (!m) return false;
    if (m->type == 'E' || m->type == 'Z') return true;
  }
  return false;
}

// Whether `client` was answered ErrorResponse FATAL 53300.
bool refused_53300(RawClient& client) {
  const auto m = client.read_message(3s);
  return m && m->type == 'E' && pg::error_field(m->body, 'C') == "53300";
}

TEST(Limits, TheClientBeyondMaxClientConnectionsGetsFatal53300) {
  const int admin_port = pick_free_port();
  std::string error;
  auto proxy = ProxyProcess::start(
      integration_env().direct(),
      "limits: {max_message_bytes: 67108864, connect_timeout_ms: 5000, drain_timeout_ms: 2000, "
      "max_client_connections: 3}\n" + admin_yaml(admin_port),
      error);
  ASSERT_TRUE(proxy) << error;
  const std::string conninfo = proxy->endpoint().conninfo(kAppDatabase, kSuperuser);
  std::vector<PgConn> open;
  for (int i = 0; i < 3; ++i) {
    open.push_back(connect(conninfo));
    ASSERT_EQ(PQstatus(open.back().get()), CONNECTION_OK) << PQerrorMessage(open.back().get());
    EXPECT_EQ(query_value(open.back().get(), "SELECT 1"), "1");
  }

  PgConn fourth = connect(conninfo);

  ASSERT_NE(PQstatus(fourth.get()), CONNECTION_OK);
  const std::string message = PQerrorMessage(fourth.get());
  EXPECT_NE(message.find("FATAL:  53300: sorry, too many clients already"), std::string::npos) << message;
  EXPECT_NE(message.find("limits.max_client_connections is 3"), std::string::npos) << message;
  EXPECT_EQ(metric(http_request(admin_port, "GET", "/metrics").body,
                   R"(switchyard_clients_refused_total{reason="max_client_connections"})"),
            1);
  // A place frees up once a client leaves.
  open.pop_back();
  EXPECT_TRUE(eventually(
      [&] {
        PgConn again = connect(conninfo);
        return PQstatus(again.get()) == CONNECTION_OK && query_value(again.get(), "SELECT 'again'") == "again";
      },
      10s, 100ms));
}

TEST(Limits, OutOfDescriptorsTheProxyStaysQuietAnswersCleanlyAndRecovers) {
  const int admin_port = pick_free_port();
  std::string error;
  auto proxy = ProxyProcess::start(integration_env().direct(), admin_yaml(admin_port), error);
  ASSERT_TRUE(proxy) << error;
  EXPECT_NE(proxy->log().find("file descriptors: "), std::string::npos) << proxy->log();
  const pid_t pid = proxy->pid();
  const auto t0 = std::chrono::steady_clock::now();
  // Room for about 16 more descriptors: the sessions of the first clients take them.
  const int in_use = open_descriptors(pid);
  ASSERT_GT(in_use, 0);
  const rlimit low{static_cast<rlim_t>(in_use + 16), static_cast<rlim_t>(in_use + 16)};
  ASSERT_EQ(prlimit(pid, RLIMIT_NOFILE, &low, nullptr), 0) << std::strerror(errno);

  // Silent clients, one at a time, until accept fails.
  const auto accept_failed = [&] { return proxy->log().find("client listener: accept failed") != std::string::npos; };
  std::vector<std::unique_ptr<RawClient>> held;
  for (int i = 0; i < 60 && !accept_failed(); ++i) {
    held.push_back(std::make_unique<RawClient>(proxy->endpoint()));
    ASSERT_TRUE(held.back()->connected()) << held.back()->error();
    eventually(accept_failed, 50ms, 10ms);
  }
  ASSERT_TRUE(eventually(accept_failed, 5s, 20ms)) << proxy->log();
  std::printf("[ limits  ] accept failed after %zu clients, at %.1f s\n", held.size(), seconds_since(t0));
  {
    RawClient late(proxy->endpoint());
    ASSERT_TRUE(late.connected()) << late.error();
    ASSERT_TRUE(late.send(pg::encode_request_code(pg::kSslRequestCode)));
    EXPECT_EQ(late.read_byte(3s), 'N') << "an SSLRequest is declined first, as PostgreSQL does";
    ASSERT_TRUE(late.send(startup()));
    EXPECT_TRUE(refused_53300(late)) << "received: " << printable(late.received());
  }

  std::printf("[ limits  ] late client checked at %.1f s\n", seconds_since(t0));
  // Under exhaustion, with a new client knocking every 20 ms for 2 s: CPU and log stay small.
  const std::size_t log_before = proxy->log().size();
  const long long cpu_before = cpu_ticks(pid);
  std::vector<std::unique_ptr<RawClient>> knocking;
  const auto until = std::chrono::steady_clock::now() + 2s;
  while (std::chrono::steady_clock::now() < until) {
    knocking.push_back(std::make_unique<RawClient>(proxy->endpoint()));
    knocking.back()->send(startup());  // as libpq does at once
    usleep(20'000);
  }
  const long long cpu_used = cpu_ticks(pid) - cpu_before;
  const std::string log_during = proxy->log(log_before);
  const double cpu_seconds = static_cast<double>(cpu_used) / static_cast<double>(sysconf(_SC_CLK_TCK));
  std::printf("[ limits  ] out of descriptors: %.2f s of CPU in 2 s, %zu log lines, %zu clients knocked\n",
              cpu_seconds, lines(log_during), knocking.size());
  EXPECT_LT(cpu_seconds, 0.4) << "the listener spins";
  EXPECT_LE(lines(log_during), 8u) << log_during.substr(0, 2000);
  int answered = 0;
  std::string unanswered;
  for (size_t i = 0; i < knocking.size(); ++i) {
    if (answered_cleanly(*knocking[i])) ++answered;
    else unanswered += " #" + std::to_string(i) + " (" + printable(knocking[i]->received()) + ")";
  }
  // Each gets FATAL 53300, or is served when a descriptor was free, or gets the session's own
  // error when its upstream connection finds none; none is left hanging.
  EXPECT_EQ(answered, static_cast<int>(knocking.size())) << "unanswered:" << unanswered;

  std::printf("[ limits  ] knockers checked at %.1f s\n", seconds_since(t0));
  // libpq reports the refusal as an error, not as a timeout: FATAL 53300, or (should a
  // descriptor have been free for its socket but not for its upstream connection) 08006.
  const std::string conninfo = proxy->endpoint().conninfo(kAppDatabase, kSuperuser);
  {
    PgConn refused = connect(conninfo, 5s);
    ASSERT_NE(PQstatus(refused.get()), CONNECTION_OK);
    const std::string message = PQerrorMessage(refused.get());
    EXPECT_TRUE(message.find("FATAL:  53300: sorry, too many clients already: switchyard is out of file descriptors") !=
                    std::string::npos ||
                message.find("FATAL:  08006: switchyard: cannot connect to upstream") != std::string::npos)
        << message;
  }
  // /healthz still answers, through the admin listener's spare descriptor.
  const HttpResponse health = http_request(admin_port, "GET", "/healthz", {}, 3s);
  EXPECT_EQ(health.status, 200) << health.describe();

  std::printf("[ limits  ] healthz checked at %.1f s\n", seconds_since(t0));
  // Once descriptors are free, clients are served again.
  held.clear();
  knocking.clear();
  EXPECT_TRUE(eventually(
      [&] {
        PgConn again = connect(conninfo, 5s);
        return PQstatus(again.get()) == CONNECTION_OK && query_value(again.get(), "SELECT 'back'") == "back";
      },
      15s, 200ms))
      << proxy->log(log_before).substr(0, 2000);
  const std::string metrics = http_request(admin_port, "GET", "/metrics").body;
  EXPECT_GT(metric(metrics, R"(switchyard_accept_errors_total{listener="client"})"), 0) << metrics;
  EXPECT_GT(metric(metrics, R"(switchyard_clients_refused_total{reason="out_of_descriptors"})"), 0) << metrics;
  EXPECT_TRUE(proxy->running());
  std::printf("[ limits  ] recovered at %.1f s\n", seconds_since(t0));
}

TEST(AdminLimits, HealthzAnswersWithin1sWhile200IdleAnd100SlowConnectionsAreOpen) {
  const int admin_port = pick_free_port();
  std::string error;
  auto proxy = ProxyProcess::start(integration_env().direct(), admin_yaml(admin_port), error);
  ASSERT_TRUE(proxy) << error;
  ASSERT_TRUE(eventually([&] { return accepts_tcp("127.0.0.1", admin_port); }, 5s, 20ms));
  std::vector<int> sockets;
  for (int i = 0; i < 300; ++i) {
    const int fd = connect_tcp("127.0.0.1", admin_port, 2s, error);
    ASSERT_GE(fd, 0) << error;
    if (i >= 200) {  // slow: a request begun and never finished
      const std::string partial = "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ";
      ASSERT_EQ(::write(fd, partial.data(), partial.size()), static_cast<ssize_t>(partial.size()));
    }
    sockets.push_back(fd);
  }
  for (int probe = 0; probe < 3; ++probe) {
    const auto start = std::chrono::steady_clock::now();
    const HttpResponse health = http_request(admin_port, "GET", "/healthz", {}, 3s);
    const auto elapsed = std::chrono::steady_clock::now() - start;
    EXPECT_EQ(health.status, 200) << health.describe();
    EXPECT_LT(elapsed, 1s) << "probe " << probe;
  }
  for (const int fd : sockets) ::close(fd);
  const std::string metrics = http_request(admin_port, "GET", "/metrics").body;
  EXPECT_GT(metric(metrics, R"(switchyard_admin_connections_closed_total{reason="evicted"})"), 0) << metrics;
}

TEST(AdminLimits, LocalhostPassesCheckConfigAndServes) {
  const int admin_port = pick_free_port();
  std::string error;
  auto proxy = ProxyProcess::start(integration_env().direct(),
                                   "admin: {listen: localhost:" + std::to_string(admin_port) + "}\n", error);
  ASSERT_TRUE(proxy) << error;
  const CommandResult check = run_command({ProxyProcess::binary_path(), "--check-config", proxy->config_path()}, 30s);
  EXPECT_TRUE(check.succeeded()) << check.describe();
  EXPECT_TRUE(eventually([&] { return http_request(admin_port, "GET", "/healthz", {}, 2s).status == 200; }, 5s, 50ms))
      << proxy->log();
  EXPECT_NE(proxy->log().find("admin server listening on localhost:" + std::to_string(admin_port)),
            std::string::npos)
      << proxy->log();
}

}  // namespace
}  // namespace switchyard::test_support
