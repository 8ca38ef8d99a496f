// Opening a session's upstream connection, whatever the wire protocol: `upstream`'s host as a
// literal address is connected at once, a name is resolved first (for each new session, so a
// changed DNS record applies). The caller bounds the whole by closing the socket when its
// timer fires (limits.connect_timeout_ms): the pending step then fails with operation_aborted.
#pragma once

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <memory>
#include <string>

#include "config/config.h"

namespace switchyard::proxy {

// Calls `done(error_code)` on the socket's executor once connected or failed. The socket must
// outlive the operation (the session's handlers keep it alive).
template <typename Handler>
void connect_upstream_socket(boost::asio::ip::tcp::socket& socket, const config::HostPort& upstream, Handler done) {
  namespace asio = boost::asio;
  using tcp = asio::ip::tcp;
  boost::system::error_code ec;
  const auto address = asio::ip::make_address(upstream.host, ec);
  if (!ec) return socket.async_connect(tcp::endpoint(address, upstream.port), std::move(done));
  auto resolver = std::make_shared<tcp::resolver>(socket.get_executor());
  resolver->async_resolve(upstream.host, std::to_string(upstream.port),
                          [&socket, resolver, done = std::move(done)](boost::system::error_code rec,
                                                                      tcp::resolver::results_type results) mutable {
                            if (rec) return done(rec);
                            asio::async_connect(socket, results,
                                                [done = std::move(done)](boost::system::error_code cec, const tcp::endpoint&) mutable {
                                                  done(cec);
                                                });
                          });
}

}  // namespace switchyard::proxy
