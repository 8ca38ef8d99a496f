// Answers a PostgreSQL client that switchyard will not serve, before any session exists for it (at
// limits.max_client_connections, or out of descriptors): FATAL 53300, as PostgreSQL's own "sorry,
// too many clients already", then close. It costs one socket, a small buffer and a timer for at
// most kRefusalDeadline, and no upstream connection.
//
// Like PostgreSQL, it first reads the client's StartupMessage, answering an SSLRequest or
// GSSENCRequest with 'N' (at most two of them): libpq since PostgreSQL 17 ignores an
// ErrorResponse sent in answer to SSLRequest ("server sent an error response during SSL
// exchange"), and a reply to a client still writing could be lost to a reset. A CancelRequest
// is closed without an answer, as PostgreSQL does. A client that sends nothing (or garbage) gets
// the ErrorResponse when the deadline passes: kRefusalDeadline, or the shorter
// kSpareRefusalDeadline when the refusal holds the listener's only spare descriptor (a client
// that waited in the backlog has sent its first message already; a silent one must not hold
// the spare from the clients queued behind it). Closing sends FIN after the client's bytes are read.
//
// A MySQL client (protocol: mysql) speaks second: it gets, in the greeting's place, the ERR
// packet a MySQL server sends there, 1040 "Too many connections" (SQLSTATE 08004, sequence id
// 0), at once.
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <chrono>
#include <functional>
#include <string>

#include "config/config.h"

namespace switchyard::proxy {

inline constexpr std::chrono::milliseconds kRefusalDeadline{500};
inline constexpr std::chrono::milliseconds kSpareRefusalDeadline{100};

// Refuses the client on `socket`, on the socket's executor (REQUIRES it has one thread, or the
// socket is used by nothing else). `done`, if set, runs on that executor once the socket closed.
void refuse_client(boost::asio::ip::tcp::socket socket, std::string message,
                   std::chrono::milliseconds deadline = kRefusalDeadline, std::function<void()> done = {},
                   config::Protocol protocol = config::Protocol::kPostgres);

}  // namespace switchyard::proxy
