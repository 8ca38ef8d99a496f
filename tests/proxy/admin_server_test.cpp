// The admin server over real loopback sockets: routes, keep-alive, limits, stop, bind errors.
// The server's io_context runs on a thread; the client drives its own io_context one step at a
// time, each step bounded by a deadline, so a broken server fails the test instead of hanging it.
#include "proxy/admin_server.h"

#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <future>
#include <gtest/gtest.h>
#include <memory>
#include <thread>
#include <vector>

namespace switchyard::proxy {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using Response = http::response<http::string_body>;

constexpr auto kDeadline = std::chrono::seconds(5);

// One client connection to 127.0.0.1:port.
class Client {
 public:
  explicit Client(uint16_t port) {
    stream_.expires_after(kDeadline);
    stream_.async_connect(tcp::endpoint(asio::ip::address_v4::loopback(), port),
                          [this](beast::error_code ec) { ec_ = ec; });
    connect_error = finish();
  }

  beast::error_code send(http::verb method, std::string target, std::string body = {}, bool keep_alive = true) {
    http::request<http::string_body> req{method, target, 11};
    req.set(http::field::host, "127.0.0.1");
    req.keep_alive(keep_alive);
    req.body() = std::move(body);
    if (!req.body().empty()) req.prepare_payload();
    stream_.expires_after(kDeadline);
    http::async_write(stream_, req, [this](beast::error_code ec, size_t) { ec_ = ec; });
    return finish();
  }

  // Writes `bytes` as they are.
  beast::error_code send_raw(const std::string& bytes) {
    stream_.expires_after(kDeadline);
    asio::async_write(stream_, asio::buffer(bytes), [this](beast::error_code ec, size_t) { ec_ = ec; });
    return finish();
  }

  beast::error_code receive(Response& res, std::chrono::steady_clock::duration deadline = kDeadline) {
    res = {};
    stream_.expires_after(deadline);
    http::async_read(stream_, buffer_, res, [this](beast::error_code ec, size_t) { ec_ = ec; });
    return finish();
  }

  Response get(std::string target) {
    Response res;
    EXPECT_FALSE(send(http::verb::get, std::move(target))) << "send";
    EXPECT_FALSE(receive(res)) << "receive";
    return res;
  }

  beast::error_code connect_error;

 private:
  beast::error_code finish() {
    io_.restart();
    io_.run();
    return ec_;
  }

  asio::io_context io_;
  beast::tcp_stream stream_{io_};
  beast::flat_buffer buffer_;
  beast::error_code ec_;
};

class AdminServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    view_.version = "9.9.9";
    view_.uptime_seconds = 5;
    view_.active_sessions = 2;
    view_.total_sessions = 7;
    view_.listen = "127.0.0.1:6432";
    view_.upstream = "db:5432";
    std::string error;
    ASSERT_TRUE(server_.start({"127.0.0.1", 0}, error)) << error;
    ASSERT_NE(server_.port(), 0);
    // No work guard: once stop() has closed the acceptor and the connections, run() returns.
    thread_ = std::thread([this] {
      io_.run();
      stopped_.set_value();
    });
  }

  void TearDown() override {
    server_.stop();
    EXPECT_EQ(stopped_future_.wait_for(kDeadline), std::future_status::ready) << "io_context still has work";
    thread_.join();
  }

  asio::io_context io_{1};
  AdminView view_;  // written before the thread starts, read only on it
  std::atomic<int> snapshots_{0};
  ListenerCounters counters_;
  AdminServer server_{io_,
                      [this] {
                        ++snapshots_;
                        return view_;
                      },
                      {},
                      {},
                      &counters_};
  std::promise<void> stopped_;
  std::future<void> stopped_future_ = stopped_.get_future();
  std::thread thread_;
};

TEST_F(AdminServerTest, ServesHealthzThenStatusOnOneKeepAliveConnection) {
  Client client(server_.port());
  ASSERT_FALSE(client.connect_error) << client.connect_error.message();

  const Response health = client.get("/healthz");
  EXPECT_EQ(health.result_int(), 200);
  EXPECT_EQ(health.body(), "ok\n");
  EXPECT_EQ(health[http::field::content_type], "text/plain; charset=utf-8");
  EXPECT_TRUE(health.keep_alive());

  const Response status = client.get("/status");
  EXPECT_EQ(status.result_int(), 200);
  EXPECT_EQ(status[http::field::content_type], "application/json");
  EXPECT_EQ(status.body(),
            R"({"version":"9.9.9","uptime_seconds":5,"generation":0,"config":"","listen":"127.0.0.1:6432",)"
            R"("upstream":"db:5432","sessions":{"active":2,"total":7,"prepared_statements":0,"prepared_statements_max":0,"reprepares":0},"draining":false,)"
            R"("upstream_latency":{"count":0,"sum_seconds":0,"p50_seconds":0,"p99_seconds":0},"jobs":{},)"
            R"("statements":{"rewritten":0,"refused":0,"refused_by_reason":{"unsupported_form":0,"volatile":0,)"
            R"("server_side_code":0,"rewrite_failed":0},"passed":0},"reloads":{"ok":0,"failed":0},"migrations":[]})"
            "\n");
  EXPECT_EQ(snapshots_.load(), 2) << "one snapshot per request";
}

TEST_F(AdminServerTest, WrongMethodGets405WithAllowHeader) {
  Client client(server_.port());
  ASSERT_FALSE(client.connect_error);
  ASSERT_FALSE(client.send(http::verb::post, "/metrics", "x"));
  Response res;
  ASSERT_FALSE(client.receive(res));
  EXPECT_EQ(res.result_int(), 405);
  EXPECT_EQ(res[http::field::allow], "GET");
}

TEST_F(AdminServerTest, ConnectionCloseIsHonoured) {
  Client client(server_.port());
  ASSERT_FALSE(client.connect_error);
  ASSERT_FALSE(client.send(http::verb::get, "/healthz", "", /*keep_alive=*/false));
  Response res;
  ASSERT_FALSE(client.receive(res));
  EXPECT_EQ(res.result_int(), 200);
  EXPECT_FALSE(res.keep_alive());
  EXPECT_EQ(client.receive(res), http::error::end_of_stream);
}

TEST_F(AdminServerTest, BodyOf64KiBIsReadButOneByteMoreIsAnswered413) {
  {
    Client client(server_.port());
    ASSERT_FALSE(client.connect_error);
    ASSERT_FALSE(client.send(http::verb::post, "/status", std::string(64 * 1024, 'x')));
    Response res;
    ASSERT_FALSE(client.receive(res));
    EXPECT_EQ(res.result_int(), 405);
  }
  Client client(server_.port());
  ASSERT_FALSE(client.connect_error);
  client.send(http::verb::post, "/status", std::string(64 * 1024 + 1, 'x'));  // may fail: server hangs up
  Response res;
  ASSERT_FALSE(client.receive(res)) << "the server should answer, not just close";
  EXPECT_EQ(res.result_int(), 413);
  EXPECT_FALSE(res.keep_alive());
  EXPECT_EQ(res.body(), "request body too large (limit 65536 bytes)\n");
  EXPECT_EQ(counters_.admin_body_too_large.load(), 1u);
}

TEST_F(AdminServerTest, HeadersOver8KiBAreAnswered431) {
  Client client(server_.port());
  ASSERT_FALSE(client.connect_error);
  const std::string request =
      "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: " + std::string(9000, 'a') + "\r\n\r\n";
  client.send_raw(request);  // may fail once the server has answered and closed
  Response res;
  ASSERT_FALSE(client.receive(res)) << "the server should answer, not just close";
  EXPECT_EQ(res.result_int(), 431);
  EXPECT_FALSE(res.keep_alive());
  EXPECT_EQ(counters_.admin_header_too_large.load(), 1u);
}

// The lock-out of issue 11: idle connections at the cap must not keep /healthz out.
TEST_F(AdminServerTest, HealthzAnswersWithin1sWhile300IdleConnectionsAreOpen) {
  std::vector<std::unique_ptr<Client>> idle;
  for (int i = 0; i < 300; ++i) {
    idle.push_back(std::make_unique<Client>(server_.port()));
    ASSERT_FALSE(idle.back()->connect_error) << i;
  }
  const auto start = std::chrono::steady_clock::now();
  Client probe(server_.port());
  ASSERT_FALSE(probe.connect_error);
  const Response health = probe.get("/healthz");
  const auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(health.result_int(), 200);
  EXPECT_LT(elapsed, std::chrono::seconds(1));
  // Every connection past the cap closed the oldest idle one.
  EXPECT_GE(counters_.admin_evicted.load(), 300u + 1 - AdminServer::kMaxConnections);
  EXPECT_EQ(counters_.admin_refused.load(), 0u);
}

TEST_F(AdminServerTest, ASilentConnectionIsClosedAfterTheHeaderDeadline) {
  Client silent(server_.port());
  ASSERT_FALSE(silent.connect_error);
  const auto start = std::chrono::steady_clock::now();
  Response res;
  const beast::error_code ec = silent.receive(res, AdminServer::kHeaderTimeout + std::chrono::seconds(3));
  const auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_TRUE(ec == http::error::end_of_stream || ec == asio::error::connection_reset) << ec.message();
  EXPECT_GE(elapsed, AdminServer::kHeaderTimeout - std::chrono::milliseconds(100));
  EXPECT_LT(elapsed, AdminServer::kHeaderTimeout + std::chrono::seconds(2));
  // The stream closes the socket before its handler counts the timeout.
  for (int i = 0; i < 100 && counters_.admin_timeout.load() == 0; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  EXPECT_EQ(counters_.admin_timeout.load(), 1u);
}

TEST_F(AdminServerTest, StopClosesAnIdleKeepAliveConnection) {
  Client client(server_.port());
  ASSERT_FALSE(client.connect_error);
  EXPECT_EQ(client.get("/metrics").result_int(), 200);
  server_.stop();  // from this thread: the closing runs on the server's thread
  Response res;
  const beast::error_code ec = client.receive(res);
  EXPECT_TRUE(ec == http::error::end_of_stream || ec == asio::error::connection_reset) << ec.message();
  EXPECT_EQ(server_.port(), 0);
}

TEST(AdminServerStart, ReportsABadAddressAndABusyPort) {
  asio::io_context io;
  AdminServer first(io, [] { return AdminView{}; });
  std::string error;
  EXPECT_FALSE(first.start({"not-a-host.invalid", 0}, error));
  EXPECT_EQ(error.rfind("admin.listen: cannot resolve 'not-a-host.invalid': ", 0), 0u) << error;

  ASSERT_TRUE(first.start({"127.0.0.1", 0}, error)) << error;
  AdminServer second(io, [] { return AdminView{}; });
  const config::HostPort busy{"127.0.0.1", first.port()};
  EXPECT_FALSE(second.start(busy, error));
  EXPECT_EQ(error.rfind("cannot listen on " + busy.to_string() + " for admin: ", 0), 0u) << error;
  EXPECT_EQ(second.port(), 0);
}

}  // namespace
}  // namespace switchyard::proxy

namespace switchyard::proxy {
namespace {

// Issue 11, part 7: a host name (here localhost) is resolved and served, as --check-config
// accepts it.
TEST(AdminServerStart, ResolvesLocalhostAndServesOnIt) {
  asio::io_context io{1};
  AdminServer server(io, [] { return AdminView{}; });
  std::string error;
  ASSERT_TRUE(server.start({"localhost", 0}, error, /*loopback_only=*/true)) << error;
  ASSERT_NE(server.port(), 0);
  std::thread thread([&io] { io.run(); });
  {
    Client client(server.port());  // 127.0.0.1: what localhost is here
    ASSERT_FALSE(client.connect_error) << client.connect_error.message();
    EXPECT_EQ(client.get("/healthz").result_int(), 200);
  }
  server.stop();
  thread.join();
}

}  // namespace
}  // namespace switchyard::proxy
