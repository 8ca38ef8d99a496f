// An admin connection: read a request step by step under deadlines and limits, answer it with
// handle_admin_request, keep alive or close. See admin_session.h.
#include "proxy/admin_session.h"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <spdlog/spdlog.h>

namespace switchyard::proxy {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

http::message_generator to_http(AdminResponse r, unsigned version, bool keep_alive) {
  http::response<http::string_body> res{static_cast<http::status>(r.status), version};
  res.set(http::field::server, "switchyard");
  res.set(http::field::content_type, r.content_type);
  res.set(http::field::cache_control, "no-store");
  if (!r.allow.empty()) res.set(http::field::allow, r.allow);
  if (!r.www_authenticate.empty()) res.set(http::field::www_authenticate, r.www_authenticate);
  res.keep_alive(keep_alive);
  res.body() = std::move(r.body);
  res.prepare_payload();
  return res;
}

// Errors that end a connection in the ordinary course of things: not worth a log line.
bool expected_error(beast::error_code ec) {
  return ec == asio::error::operation_aborted || ec == beast::error::timeout || ec == asio::error::eof ||
         ec == asio::error::connection_reset || ec == http::error::end_of_stream;
}

}  // namespace

void AdminSession::start() {
  asio::dispatch(stream_.get_executor(), beast::bind_front_handler(&AdminSession::do_read, shared_from_this()));
}

void AdminSession::close() {
  asio::post(stream_.get_executor(), [self = shared_from_this()] { self->stream_.close(); });
}

void AdminSession::do_read() {
  waiting_.store(true, std::memory_order_relaxed);
  parser_.emplace();  // a fresh parser per request, since its limits apply per message
  parser_->header_limit(AdminServer::kHeaderLimit);
  parser_->body_limit(AdminServer::kBodyLimit);
  if (first_request_ || buffer_.size() > 0) {
    // The first request's header deadline counts from the connection's start; a pipelined
    // request has begun already.
    stream_.expires_after(AdminServer::kHeaderTimeout);
    return read_header();
  }
  stream_.expires_after(AdminServer::kIdleTimeout);
  stream_.async_read_some(buffer_.prepare(1024),
                          beast::bind_front_handler(&AdminSession::on_first_bytes, shared_from_this()));
}

void AdminSession::on_first_bytes(beast::error_code ec, size_t bytes) {
  if (ec) return fail(ec, "read");
  buffer_.commit(bytes);
  stream_.expires_after(AdminServer::kHeaderTimeout);
  read_header();
}

void AdminSession::read_header() {
  first_request_ = false;
  http::async_read_header(stream_, buffer_, *parser_,
                          beast::bind_front_handler(&AdminSession::on_header, shared_from_this()));
}

void AdminSession::on_header(beast::error_code ec, size_t /*bytes*/) {
  if (ec == http::error::header_limit)
    return reject(431, "request headers too large (limit " + std::to_string(AdminServer::kHeaderLimit) + " bytes)\n",
                  &ListenerCounters::admin_header_too_large);
  if (ec == http::error::body_limit)  // Content-Length over the limit
    return reject(413, "request body too large (limit " + std::to_string(AdminServer::kBodyLimit) + " bytes)\n",
                  &ListenerCounters::admin_body_too_large);
  if (ec) return fail(ec, "read");
  if (parser_->is_done()) return handle();
  stream_.expires_after(AdminServer::kBodyTimeout);
  http::async_read(stream_, buffer_, *parser_, beast::bind_front_handler(&AdminSession::on_body, shared_from_this()));
}

void AdminSession::on_body(beast::error_code ec, size_t /*bytes*/) {
  if (ec == http::error::body_limit)  // a chunked body grew over the limit
    return reject(413, "request body too large (limit " + std::to_string(AdminServer::kBodyLimit) + " bytes)\n",
                  &ListenerCounters::admin_body_too_large);
  if (ec) return fail(ec, "read");
  handle();
}

void AdminSession::handle() {
  waiting_.store(false, std::memory_order_relaxed);
  const auto& req = parser_->get();
  AdminRequest request{std::string(req.method_string()), std::string(req.target()), std::nullopt};
  if (const auto it = req.find(http::field::authorization); it != req.end())
    request.authorization = std::string(it->value());
  AdminResponse response = handle_admin_request(request, handlers_->snapshot());
  if (response.reload && handlers_->reload) {
    // Nothing is read meanwhile: the answer comes back onto this session's strand.
    return handlers_->reload([self = shared_from_this(), version = req.version(),
                              keep_alive = req.keep_alive()](ReloadOutcome outcome) {
      asio::post(self->stream_.get_executor(), [self, version, keep_alive, outcome = std::move(outcome)] {
        self->send(to_http(reload_response(outcome), version, keep_alive));
      });
    });
  }
  if (!response.job.empty() && handlers_->start_job) {
    auto [status, body] = handlers_->start_job(response.job_kind, response.job);
    response = AdminResponse{status, "application/json", std::move(body), {}, {}, false, {}};
  }
  send(to_http(std::move(response), req.version(), req.keep_alive()));
}

void AdminSession::reject(int status, std::string body, std::atomic<uint64_t> ListenerCounters::*counter) {
  waiting_.store(false, std::memory_order_relaxed);
  handlers_->count(counter);
  send(to_http(AdminResponse{status, "text/plain; charset=utf-8", std::move(body), {}, {}, false, {}}, 11,
               /*keep_alive=*/false));
}

void AdminSession::send(http::message_generator&& msg) {
  const bool keep_alive = msg.keep_alive();
  stream_.expires_after(AdminServer::kWriteTimeout);
  beast::async_write(stream_, std::move(msg),
                     beast::bind_front_handler(&AdminSession::on_write, shared_from_this(), keep_alive));
}

void AdminSession::on_write(bool keep_alive, beast::error_code ec, size_t /*bytes*/) {
  if (ec) return fail(ec, "write");
  if (!keep_alive) return do_close();
  do_read();
}

// Send FIN, then drop what the client still sends until it closes or kLinger passes. The socket
// closes when the last handler holding this session returns.
void AdminSession::do_close() {
  waiting_.store(true, std::memory_order_relaxed);
  beast::error_code ignored;
  stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
  stream_.expires_after(AdminServer::kLinger);
  stream_.async_read_some(asio::buffer(discard_), beast::bind_front_handler(&AdminSession::on_linger, shared_from_this()));
}

void AdminSession::on_linger(beast::error_code ec, size_t /*bytes*/) {
  if (ec) return;  // the client closed, or kLinger passed
  stream_.async_read_some(asio::buffer(discard_), beast::bind_front_handler(&AdminSession::on_linger, shared_from_this()));
}

void AdminSession::fail(beast::error_code ec, const char* what) {
  if (ec == http::error::end_of_stream) return do_close();
  if (ec == beast::error::timeout) handlers_->count(&ListenerCounters::admin_timeout);
  if (!expected_error(ec)) spdlog::debug("admin connection: {}: {}", what, ec.message());
}

}  // namespace switchyard::proxy
