// Reads that know what they left in the socket (proxy/reactor_hint.h), on real loopback TCP
// sockets: TCP_INQ's report of bytes and of the peer's FIN behind a recv, and ReactorRead, whose
// read that empties the socket makes the next one wait for the next readiness edge. The case
// that once hung a client: the peer's last bytes and its FIN queued before the read, announced
// by one edge.
#include "proxy/reactor_hint.h"

#include <sys/socket.h>

#include <gtest/gtest.h>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <array>
#include <chrono>
#include <memory>
#include <functional>
#include <string>
#include <thread>
#include <vector>

namespace switchyard::proxy {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using namespace std::chrono_literals;

// A connected loopback pair on `io`: `reader` is the accepted end (from a listener with the
// reports on, as the proxy's is), `writer` the connecting one.
struct Pair {
  explicit Pair(asio::io_context& io) : reader(io), writer(io) {
    tcp::acceptor listener(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
    reports = enable_rest_reports(listener.native_handle());
    writer.connect(listener.local_endpoint());
    listener.accept(reader);
    reader.non_blocking(true);
  }
  void send(const std::string& bytes) { asio::write(writer, asio::buffer(bytes)); }
  // Waits until `reader` has `n` bytes queued, so they are there before a read starts.
  void settle(size_t n) {
    for (int i = 0; i < 200; ++i) {
      if (reader.available() >= n) return;
      std::this_thread::sleep_for(1ms);
    }
  }

  tcp::socket reader;
  tcp::socket writer;
  bool reports = false;
};

struct Completion {
  boost::system::error_code ec;
  std::string bytes;
  Rest rest = Rest::kUnknown;
};

// Starts a ReactorRead on `p.reader` whose completions are recorded in `done` (each then calls
// `then`, if set). A read still waiting at the end (a failed test) is aborted and completed
// before the operation it runs in goes away.
struct Reader {
  Reader(asio::io_context& context, Pair& pair) : io(context), p(pair) {}
  ~Reader() {
    then = nullptr;
    boost::system::error_code ignored;
    p.reader.close(ignored);
    io.restart();
    io.poll();
  }
  void start() {
    read.start(p.reader, buffer.data(), buffer.size(), owner, this,
               [](const std::shared_ptr<void>&, void* ctx, const boost::system::error_code& ec, size_t n, Rest rest) {
                 auto& self = *static_cast<Reader*>(ctx);
                 self.done.push_back({ec, std::string(self.buffer.data(), n), rest});
                 if (self.then) self.then();
               });
  }
  asio::io_context& io;
  Pair& p;
  ReactorRead read;
  std::array<char, 64> buffer{};
  std::shared_ptr<void> owner = std::make_shared<int>(0);
  std::vector<Completion> done;
  std::function<void()> then;
};

bool run_until(asio::io_context& io, const std::function<bool()>& cond, std::chrono::milliseconds limit = 5s) {
  const auto end = std::chrono::steady_clock::now() + limit;
  while (!cond() && std::chrono::steady_clock::now() < end) {
    io.run_for(10ms);
    io.restart();
  }
  return cond();
}

TEST(RecvReportingRest, SaysWhetherBytesOrTheFinAreBehindWhatItRead) {
  asio::io_context io;
  Pair p(io);
  if (!p.reports) GTEST_SKIP() << "TCP_INQ is not available here";
  char buf[8];
  p.send("hello");
  p.settle(5);
  Received r = recv_reporting_rest(p.reader.native_handle(), buf, sizeof buf);
  EXPECT_EQ(r.n, 5);
  EXPECT_EQ(r.rest, Rest::kEmpty) << "nothing was behind the five bytes";
  r = recv_reporting_rest(p.reader.native_handle(), buf, sizeof buf);
  EXPECT_EQ(r.n, -1);
  EXPECT_EQ(r.error, EAGAIN);

  p.send("0123456789");
  p.settle(10);
  r = recv_reporting_rest(p.reader.native_handle(), buf, sizeof buf);
  EXPECT_EQ(r.n, 8);
  EXPECT_EQ(r.rest, Rest::kMore) << "two bytes were left";

  p.writer.shutdown(tcp::socket::shutdown_send);
  std::this_thread::sleep_for(20ms);
  r = recv_reporting_rest(p.reader.native_handle(), buf, sizeof buf);
  EXPECT_EQ(r.n, 2);
  EXPECT_EQ(r.rest, Rest::kMore) << "the FIN was behind the last two bytes: a short read that is not the end";
  r = recv_reporting_rest(p.reader.native_handle(), buf, sizeof buf);
  EXPECT_EQ(r.n, 0) << "the end of stream";
}

// The bytes and the FIN both arrive while a read waits, before the reactor looks: one readiness
// edge announces them, and the reactor performs the waiting read on it. That read must say the
// FIN is behind its bytes, and the next read must see the end at once: no edge will come again.
TEST(ReactorRead, TheFinThatCameWithTheLastBytesIsSeen) {
  asio::io_context io;
  Pair p(io);
  Reader r(io, p);
  r.then = [&] {
    if (r.done.size() == 1) r.start();
  };
  r.start();
  io.poll();  // nothing there yet: the read waits in the reactor
  io.restart();
  ASSERT_TRUE(r.done.empty());
  p.send("last words");
  p.writer.shutdown(tcp::socket::shutdown_send);
  p.settle(10);
  std::this_thread::sleep_for(20ms);  // the FIN too
  ASSERT_TRUE(run_until(io, [&] { return r.done.size() == 2; })) << "the end of stream was never read";
  EXPECT_FALSE(r.done[0].ec);
  EXPECT_EQ(r.done[0].bytes, "last words");
  if (p.reports) {
    EXPECT_EQ(r.done[0].rest, Rest::kMore);
  }
  EXPECT_EQ(r.done[1].ec, asio::error::eof);
}

// A read that emptied the socket tells the reactor, which then queues the next read without a
// recv: bytes sent afterwards (while it waits, or before it even starts) must still complete it.
TEST(ReactorRead, AfterAReadThatEmptiedTheSocketTheNextBytesStillArrive) {
  asio::io_context io;
  Pair p(io);
  Reader r(io, p);
  r.then = [&] {
    if (r.done.size() == 1) {
      p.send("second");  // queued before the next read starts
      r.start();
    } else if (r.done.size() == 2) {
      r.start();  // waits: the third comes from another thread
    }
  };
  p.send("first");
  p.settle(5);
  r.start();
  ASSERT_TRUE(run_until(io, [&] { return r.done.size() == 2; }));
  std::thread later([&] {
    std::this_thread::sleep_for(50ms);
    p.send("third");
  });
  const bool third = run_until(io, [&] { return r.done.size() == 3; });
  later.join();
  ASSERT_TRUE(third) << "bytes that came after a dry read were never read";
  EXPECT_EQ(r.done[0].bytes, "first");
  if (p.reports) {
    EXPECT_EQ(r.done[0].rest, Rest::kEmpty);
  }
  EXPECT_EQ(r.done[1].bytes, "second");
  EXPECT_EQ(r.done[2].bytes, "third");
  for (const auto& c : r.done) EXPECT_FALSE(c.ec) << c.ec.message();
}

TEST(ReactorRead, ClosingTheSocketCompletesAnOutstandingReadAsAborted) {
  asio::io_context io;
  Pair p(io);
  Reader r(io, p);
  r.start();
  io.poll();
  io.restart();
  ASSERT_TRUE(r.done.empty()) << "nothing was sent: the read waits";
  p.reader.close();
  ASSERT_TRUE(run_until(io, [&] { return r.done.size() == 1; }));
  EXPECT_EQ(r.done[0].ec, asio::error::operation_aborted);
}

// The io_context goes away with the read outstanding: the owner is released, `done` never runs.
TEST(ReactorRead, AReadOutstandingWhenTheIoContextIsDestroyedReleasesItsOwner) {
  std::weak_ptr<void> owner;
  bool called = false;
  auto read = std::make_unique<ReactorRead>();
  {
    asio::io_context io;
    Pair p(io);
    char buf[8];
    auto keep = std::make_shared<int>(0);
    owner = keep;
    read->start(p.reader, buf, sizeof buf, std::move(keep), &called,
                [](const std::shared_ptr<void>&, void* ctx, const boost::system::error_code&, size_t, Rest) {
                  *static_cast<bool*>(ctx) = true;
                });
    io.poll();
    EXPECT_FALSE(owner.expired()) << "the read holds its owner while it waits";
    // The sockets are destroyed first (their read is aborted and left queued), then the context.
  }
  EXPECT_TRUE(owner.expired());
  EXPECT_FALSE(called);
}

}  // namespace
}  // namespace switchyard::proxy
