// Memory stays bounded by configuration whatever clients send (issue: hostile input): only the
// authentication exchange before authentication, a deadline for a message begun and stalled, a
// process-wide budget for messages being assembled, and idle sessions that hold no buffers.
#include <gtest/gtest.h>

#include <fstream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "protocol/pg/backend.h"
#include "protocol/pg/coding.h"
#include "protocol/pg/startup.h"
#include "tests/support/admin_probe.h"
#include "tests/support/http_client.h"
#include "tests/support/integration_environment.h"
#include "tests/support/net.h"
#include "tests/support/pg_connection.h"
#include "tests/support/proxy_process.h"
#include "tests/support/raw_client.h"
#include "tests/support/wait.h"

namespace switchyard::test_support {
namespace {

std::string app_startup() {
  return pg::encode_startup(pg::kProtocol3, {{"user", kSuperuser}, {"database", kAppDatabase}});
}

// The header of a Query announcing `length` body bytes, and `sent` of them.
std::string partial_query(uint32_t length, size_t sent) {
  std::string out = "Q";
  pg::put_u32(out, length + 4);
  out.append(std::string(sent, 'x'));
  return out;
}

long rss_kib(pid_t pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(status, line))
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  return -1;
}

std::unique_ptr<ProxyProcess> start_proxy(const std::string& limits) {
  std::string error;
  auto p = ProxyProcess::start(integration_env().direct(), limits, error);
  EXPECT_TRUE(p) << error;
  return p;
}

// The SQLSTATE of the ErrorResponse among `received` bytes, or "".
std::string error_code(RawClient& raw) {
  for (;;) {
    const auto m = raw.read_message(5s);
    if (!m) return "";
    if (m->type == 'E') return std::string(pg::error_field(m->body, 'C')) + ": " + std::string(pg::error_field(m->body, 'M'));
  }
}

TEST(MemoryBounds, OnlyTheAuthenticationExchangeBeforeAuthentication) {
  auto proxy = start_proxy("");
  ASSERT_TRUE(proxy);
  RawClient raw(proxy->endpoint());
  ASSERT_TRUE(raw.connected()) << raw.error();
  // A Query pipelined behind the StartupMessage, before the server said AuthenticationOk.
  ASSERT_TRUE(raw.send(app_startup() + partial_query(1u << 20, 1000)));
  const std::string error = error_code(raw);
  EXPECT_NE(error.find("08P01: switchyard: only the authentication exchange is accepted"), std::string::npos) << error;
  EXPECT_TRUE(raw.wait_closed(5s));
  // Everyone else is served.
  PgConn c = connect(proxy->endpoint().conninfo(kAppDatabase, kSuperuser));
  ASSERT_EQ(PQstatus(c.get()), CONNECTION_OK) << PQerrorMessage(c.get());
  EXPECT_EQ(query_value(c.get(), "SELECT 'ok'"), "ok");
}

TEST(MemoryBounds, AStalledMessageEndsItsSessionAtTheDeadline) {
  auto proxy = start_proxy("limits: {message_timeout_ms: 500}\n");
  ASSERT_TRUE(proxy);
  RawClient raw(proxy->endpoint());
  ASSERT_TRUE(raw.connected()) << raw.error();
  ASSERT_TRUE(raw.send(app_startup()));
  ASSERT_TRUE(raw.read_until('Z')) << printable(raw.received());
  const auto start = std::chrono::steady_clock::now();
  ASSERT_TRUE(raw.send(partial_query(16u << 20, 64 * 1024)));
  const std::string error = error_code(raw);
  const auto waited = std::chrono::steady_clock::now() - start;
  EXPECT_NE(error.find("08P01: switchyard: a message from the client was not completed within limits.message_timeout_ms"),
            std::string::npos)
      << error;
  EXPECT_GE(waited, 400ms);
  EXPECT_LT(waited, 3s);
  EXPECT_TRUE(raw.wait_closed(5s));
}

TEST(MemoryBounds, TheAssemblyBudgetRefusesASessionNotTheProcess) {
  // 1 MiB messages, 2.5 MiB for all of them: two stalled 900 KiB halves fit, a third does not.
  const int admin_port = pick_free_port();
  auto proxy = start_proxy("limits: {max_message_bytes: 1048576, max_assembly_bytes: 2621440}\n"
                           "admin: {listen: 127.0.0.1:" + std::to_string(admin_port) + "}\n");
  ASSERT_TRUE(proxy);
  const auto held = [&] {
    return metric_sum(http_request(admin_port, "GET", "/metrics").body, "switchyard_assembly_bytes").value_or(-1);
  };
  std::vector<std::unique_ptr<RawClient>> stalled;
  for (int i = 0; i < 3; ++i) {
    auto raw = std::make_unique<RawClient>(proxy->endpoint());
    ASSERT_TRUE(raw->connected()) << raw->error();
    ASSERT_TRUE(raw->send(app_startup()));
    ASSERT_TRUE(raw->read_until('Z')) << printable(raw->received());
    stalled.push_back(std::move(raw));
  }
  ASSERT_TRUE(stalled[0]->send(partial_query(1000000, 900000)));
  ASSERT_TRUE(stalled[1]->send(partial_query(1000000, 900000)));
  ASSERT_TRUE(eventually([&] { return held() >= 1800000; }, 5s, 20ms)) << held();  // both halves held
  ASSERT_TRUE(stalled[2]->send(partial_query(1000000, 900000)));
  const std::string error = error_code(*stalled[2]);
  EXPECT_NE(error.find("53200: switchyard: no memory left for messages being assembled"), std::string::npos) << error;
  EXPECT_TRUE(eventually([&] { return metric_sum(http_request(admin_port, "GET", "/metrics").body,
                                                 "switchyard_sessions_ended_total{reason=\"assembly_budget\"}")
                                          .value_or(0) == 1; }, 5s, 20ms));
  // The first two finish their messages (not SQL: the server says so) and are answered.
  for (int i = 0; i < 2; ++i) {
    ASSERT_TRUE(stalled[i]->send(std::string(100000 - 1, ' ') + std::string(1, '\0')));
    EXPECT_TRUE(stalled[i]->read_until('Z')) << printable(stalled[i]->received().substr(0, 200));
  }
  EXPECT_TRUE(eventually([&] { return held() == 0; }, 5s, 20ms)) << held();  // all given back
}

TEST(MemoryBounds, IdleSessionsHoldNoBuffers) {
  auto proxy = start_proxy("");
  ASSERT_TRUE(proxy);
  std::vector<PgConn> warm;
  warm.push_back(connect(proxy->endpoint().conninfo(kAppDatabase, kSuperuser)));
  ASSERT_EQ(query_value(warm[0].get(), "SELECT 1"), "1");
  const long before = rss_kib(proxy->pid());
  constexpr int kSessions = 100;  // the shared cluster's max_connections (200) bounds this
  std::vector<PgConn> idle;
  for (int i = 0; i < kSessions; ++i) {
    idle.push_back(connect(proxy->endpoint().conninfo(kAppDatabase, kSuperuser)));
    ASSERT_EQ(PQstatus(idle.back().get()), CONNECTION_OK) << PQerrorMessage(idle.back().get());
    ASSERT_EQ(query_value(idle.back().get(), "SELECT repeat('x', 100000)").size(), 100000u);
  }
  const long after = rss_kib(proxy->pid());
  const double per_session = static_cast<double>(after - before) / kSessions;
  std::printf("idle sessions: RSS %ld KiB -> %ld KiB, %.1f KiB per session\n", before, after, per_session);
  EXPECT_LT(per_session, 32.0) << "each idle session should cost well under 32 KiB";
}

}  // namespace
}  // namespace switchyard::test_support
