// The listener's answer to failed accepts: the pause grows and resets, the log is bounded, every
// failure is counted, and the spare descriptor takes one waiting connection.
#include "proxy/accept_backoff.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>
#include <vector>

namespace switchyard::proxy {
namespace {

using namespace std::chrono_literals;
using Clock = AcceptBackoff::Clock;

TEST(AcceptBackoff, PauseDoublesFrom10msTo1sAndASuccessResetsIt) {
  std::atomic<uint64_t> failures{0};
  AcceptBackoff b("client", &failures);
  const auto t = Clock::now();
  std::vector<long> pauses;
  for (int i = 0; i < 9; ++i) pauses.push_back(static_cast<long>(b.decide(false, t).pause.count()));
  EXPECT_EQ(pauses, (std::vector<long>{10, 20, 40, 80, 160, 320, 640, 1000, 1000}));
  b.succeeded();
  EXPECT_EQ(b.decide(false, t).pause, 10ms);
  EXPECT_EQ(failures.load(), 10u) << "every failure is counted";
}

TEST(AcceptBackoff, AFailureThatStillTookAConnectionDoesNotPauseAndResetsThePause) {
  AcceptBackoff b("admin", nullptr);
  const auto t = Clock::now();
  for (int i = 0; i < 8; ++i) b.decide(false, t);
  EXPECT_EQ(b.decide(false, t).pause, 1000ms);
  EXPECT_EQ(b.decide(true, t).pause, 0ms);
  EXPECT_EQ(b.decide(false, t).pause, 10ms) << "a waiting client was served: the next pause starts small";
  EXPECT_EQ(b.decide(false, t).pause, 20ms);
}

TEST(AcceptBackoff, LogsAtMostOneLinePerSecondAndSaysHowManyItSkipped) {
  AcceptBackoff b("client", nullptr);
  const auto t = Clock::now();
  EXPECT_TRUE(b.decide(false, t).log) << "the first failure is logged";
  int logged = 0;
  for (int i = 1; i <= 1000; ++i) logged += b.decide(false, t + std::chrono::microseconds(i * 900)).log;
  EXPECT_EQ(logged, 0) << "1000 failures within 0.9 s after the first: none logged";
  const auto d = b.decide(false, t + 1s);
  EXPECT_TRUE(d.log);
  EXPECT_EQ(d.not_logged, 1000u);
  const auto next = b.decide(false, t + 2500ms);
  EXPECT_TRUE(next.log);
  EXPECT_EQ(next.not_logged, 0u);
}

TEST(LogLimiter, AllowsOncePerInterval) {
  LogLimiter limiter(100ms);
  const auto t = Clock::now();
  uint64_t skipped = 99;
  EXPECT_TRUE(limiter.allow(t, skipped));
  EXPECT_EQ(skipped, 0u);
  EXPECT_FALSE(limiter.allow(t + 50ms, skipped));
  EXPECT_FALSE(limiter.allow(t + 99ms, skipped));
  EXPECT_TRUE(limiter.allow(t + 100ms, skipped));
  EXPECT_EQ(skipped, 2u);
}

// A loopback listening socket on a free port.
int listen_loopback(sockaddr_in& addr) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  addr = {};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(fd, 8) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0)
    return -1;
  return fd;
}

TEST(SpareDescriptor, TakesOneWaitingConnectionAndNeverBlocksWhenNoneWaits) {
  sockaddr_in addr{};
  const int listener = listen_loopback(addr);
  ASSERT_GE(listener, 0);
  SpareDescriptor spare;
  EXPECT_EQ(spare.accept_with_spare(listener), -1) << "nothing waiting: returns at once";
  EXPECT_TRUE(spare.refill());

  const int client = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  ASSERT_EQ(::connect(client, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  const int accepted = spare.accept_with_spare(listener);
  EXPECT_GE(accepted, 0);
  if (accepted >= 0) ::close(accepted);
  EXPECT_TRUE(spare.refill()) << "the spare is taken back once a descriptor is free";
  ::close(client);
  ::close(listener);
}

}  // namespace
}  // namespace switchyard::proxy
