// What the Server knows of a client session, whatever its wire protocol: start it, close it,
// name it. PgSession (proxy/pg_session.h) and MySqlSession (proxy/mysql_session.h) implement it;
// Server::accept makes sessions through the factory that `protocol:` selects, and the worker's
// sessions map (proxy/session_context.h) and close_all_sessions see only this interface.
//
// Threading: a session lives on one worker's io_context and every call happens there.
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <cstdint>
#include <functional>
#include <memory>
#include <string_view>

#include "config/config.h"

namespace switchyard::proxy {

struct SessionContext;

class Session {
 public:
  virtual ~Session() = default;
  // Begins the session; it keeps itself alive through its pending handlers from then on.
  virtual void start() = 0;
  // Ends the session, closing both legs; idempotent. `reason` goes to the log.
  virtual void close(std::string_view reason) = 0;
  virtual uint64_t id() const = 0;
};

// Makes the session of an accepted client socket, on the socket's worker thread.
using SessionFactory =
    std::function<std::shared_ptr<Session>(boost::asio::ip::tcp::socket client, SessionContext& ctx, uint64_t id)>;

SessionFactory session_factory(config::Protocol protocol);

}  // namespace switchyard::proxy
