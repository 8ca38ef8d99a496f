// The FATAL 53300 answer to a client refused before its session; see client_refusal.h.
#include "proxy/client_refusal.h"

#include <array>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <memory>

#include "protocol/mysql/constants.h"
#include "protocol/mysql/response.h"
#include "protocol/pg/backend.h"
#include "protocol/pg/startup.h"

namespace switchyard::proxy {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

namespace {

// Everything runs on the socket's executor (one thread): no locks. At most one read and one
// write are pending at a time; the deadline never starts a second write.
class Refusal : public std::enable_shared_from_this<Refusal> {
 public:
  Refusal(tcp::socket socket, std::string message, std::chrono::milliseconds deadline, std::function<void()> done,
          config::Protocol protocol)
      : socket_(std::move(socket)), timer_(socket_.get_executor()), message_(std::move(message)),
        deadline_(deadline), done_(std::move(done)), mysql_(protocol == config::Protocol::kMysql) {}
  ~Refusal() {
    boost::system::error_code ignored;
    socket_.close(ignored);
    if (done_) done_();
  }
  tcp::socket::executor_type executor() { return socket_.get_executor(); }

  void start() {
    if (mysql_) return answer();  // the server speaks first: the ERR goes in the greeting's place
    timer_.expires_after(deadline_);
    timer_.async_wait([self = shared_from_this()](boost::system::error_code ec) {
      if (ec || self->finished_) return;
      // No StartupMessage in time: answer anyway (after a write in flight, if any).
      if (self->writing_) self->deadline_passed_ = true;
      else self->answer();
    });
    read();
  }

 private:
  void read() {
    socket_.async_read_some(asio::buffer(chunk_), [self = shared_from_this()](boost::system::error_code ec, size_t n) {
      if (self->answered_ || self->finished_) return;  // the answer's write finishes the refusal
      if (ec) return self->finish();
      self->received_.append(self->chunk_.data(), n);
      self->on_bytes();
    });
  }

  void on_bytes() {
    const pg::StartupDecode d = pg::decode_startup(received_);
    if (d.status == pg::StartupStatus::kNeedMore && received_.size() <= pg::kMaxStartupPacket) return read();
    if (d.status != pg::StartupStatus::kComplete) return answer();  // garbage: answer and close
    received_.erase(0, d.consumed);
    switch (d.packet.kind) {
      case pg::StartupKind::kSslRequest:
      case pg::StartupKind::kGssEncRequest:
        if (++requests_ > 2) return answer();
        return write("N");
      case pg::StartupKind::kCancelRequest:
        return finish();
      case pg::StartupKind::kStartup:
        return answer();
    }
  }

  void answer() {
    if (answered_) return;
    answered_ = true;
    std::string out;
    if (mysql_) out = mysql::build_error_packet(0, 1040, "08004", "Too many connections (" + message_ + ")", mysql::cap::kProtocol41);
    else pg::encode_error_response(out, "FATAL", "53300", message_);
    write(std::move(out));
  }

  void write(std::string bytes) {
    out_ = std::move(bytes);
    writing_ = true;
    asio::async_write(socket_, asio::buffer(out_), [self = shared_from_this()](boost::system::error_code ec, size_t) {
      self->writing_ = false;
      if (ec || self->answered_) return self->finish();
      if (self->deadline_passed_) return self->answer();
      self->on_bytes();  // after 'N': a StartupMessage may be buffered already
    });
  }

  // Drops what the client sent meanwhile and shuts down sending before closing, so that the
  // close sends FIN, not the reset that unread bytes would cause.
  void finish() {
    if (finished_) return;
    finished_ = true;
    timer_.cancel();
    boost::system::error_code ec;
    socket_.non_blocking(true, ec);
    for (int i = 0; i < 16 && !ec; ++i) socket_.read_some(asio::buffer(chunk_), ec);
    socket_.shutdown(tcp::socket::shutdown_send, ec);
    socket_.close(ec);  // a pending read completes with operation_aborted
  }

  tcp::socket socket_;
  asio::steady_timer timer_;
  std::string message_;
  std::chrono::milliseconds deadline_;
  std::function<void()> done_;
  std::array<char, 1024> chunk_{};
  std::string received_;
  std::string out_;
  int requests_ = 0;
  bool writing_ = false;
  bool deadline_passed_ = false;
  bool answered_ = false;
  bool finished_ = false;
  const bool mysql_;
};

}  // namespace

void refuse_client(tcp::socket socket, std::string message, std::chrono::milliseconds deadline,
                   std::function<void()> done, config::Protocol protocol) {
  auto r = std::make_shared<Refusal>(std::move(socket), std::move(message), deadline, std::move(done), protocol);
  asio::post(r->executor(), [r] { r->start(); });
}

}  // namespace switchyard::proxy
