// The bookkeeping every client session shares (proxy/session_core.h).
#include "proxy/session_core.h"

#include <openssl/ssl.h>
#include <spdlog/spdlog.h>

#include <string>

#include "proxy/tls_context.h"

namespace switchyard::proxy {

using tcp = boost::asio::ip::tcp;

SessionCore::SessionCore(tcp::socket client, SessionContext& ctx, uint64_t id)
    : client_(std::move(client)),
      upstream_(client_.get_executor()),
      timer_(client_.get_executor()),
      ctx_(ctx),
      id_(id),
      gen_(ctx.shared.generation()),
      tls_(gen_->tls),
      started_(std::chrono::steady_clock::now()) {
  ctx_.shared.active_sessions.fetch_add(1, std::memory_order_relaxed);
  ctx_.shared.total_sessions.fetch_add(1, std::memory_order_relaxed);
}

SessionCore::~SessionCore() { ctx_.shared.active_sessions.fetch_sub(1, std::memory_order_relaxed); }

void SessionCore::note_accepted() {
  boost::system::error_code ec;
  client_.set_option(tcp::no_delay(true), ec);
  const auto peer = client_.remote_endpoint(ec);
  spdlog::debug("session={} accepted from {}", id_, ec ? "?" : peer.address().to_string() + ":" + std::to_string(peer.port()));
}

bool SessionCore::client_handshake_done(const boost::system::error_code& ec) {
  if (ec) {
    ctx_.shared.metrics.tls_client_handshake_failures.fetch_add(1, std::memory_order_relaxed);
    close("client TLS handshake: " + handshake_failure(client_leg_.ssl(), ec));
    return false;
  }
  spdlog::debug("session={} client TLS: {} {}", id_, SSL_get_version(client_leg_.ssl()), SSL_get_cipher_name(client_leg_.ssl()));
  return true;
}

}  // namespace switchyard::proxy
