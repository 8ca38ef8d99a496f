// The admin HTTP/1.1 server: /healthz, /status, /metrics and /reload (see admin_handler.h) over
// Beast.
//
// Shape as in Beast's example/http/server/async: a listener accepts each connection onto its own
// strand, and a session reads one request at a time (do_read / on_read), answers it with
// handle_admin_request, and keeps the connection open when the request asks for keep-alive.
// Limits: 10 s per request read or response write, a 64 KiB request body, 8 KiB of headers
// (Beast's default), 64 open connections; a request over a limit closes its connection.
//
// Threading: runs on the io_context given at construction (the Server's main io_context).
// `snapshot` is called once per request on that io_context; so is `reload`, for an authorized
// POST /reload: it must call its `done` exactly once, from any thread, possibly later (the
// connection waits for it, reading nothing else meanwhile). start() must be called before the
// io_context runs or on a thread running it; stop() and the destructor may be called anywhere.
// The listener and sessions keep themselves alive through their pending handlers, so the
// AdminServer may be destroyed while the io_context still runs, but not after the io_context.
#pragma once

#include <boost/asio/io_context.hpp>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "config/config.h"
#include "proxy/admin_handler.h"

namespace switchyard::proxy {

class AdminListener;
struct AdminHandlers;

class AdminServer {
 public:
  using Snapshot = std::function<AdminView()>;
  using ReloadDone = std::function<void(ReloadOutcome)>;
  using Reload = std::function<void(ReloadDone done)>;
  // Starts a job (a backfill of the named migration) and returns the HTTP status and JSON body.
  // Must not block: it starts the job on a thread of its own.
  using StartJob = std::function<std::pair<int, std::string>(const std::string& migration)>;

  // Without `reload`, POST /reload answers 503; without `start_backfill`, so does a backfill.
  AdminServer(boost::asio::io_context& io, Snapshot snapshot, Reload reload = {}, StartJob start_backfill = {});
  ~AdminServer();  // stop()
  AdminServer(const AdminServer&) = delete;
  AdminServer& operator=(const AdminServer&) = delete;

  // Binds `where` (an IP address, port 0 for any free port) and starts accepting. On failure
  // returns false and sets `error` to a sentence naming the address and the reason.
  bool start(const config::HostPort& where, std::string& error);

  // Stops accepting and closes every open connection, dropping any response in flight.
  // Idempotent. On the io_context's own thread this happens before stop() returns; from another
  // thread it happens as soon as the io_context runs it.
  void stop();

  // The bound port (the real one when started on port 0); 0 before a successful start().
  uint16_t port() const { return port_; }

 private:
  boost::asio::io_context& io_;
  std::shared_ptr<const AdminHandlers> handlers_;
  std::shared_ptr<AdminListener> listener_;
  uint16_t port_ = 0;
};

}  // namespace switchyard::proxy
