// The admin HTTP/1.1 server: the console, /healthz, /status, /metrics, /reload and jobs (see admin_handler.h) over
// Beast.
//
// Shape as in Beast's example/http/server/async: a listener accepts each connection onto its own
// strand, and a session (admin_session.h) reads one request at a time, answers it with
// handle_admin_request, and keeps the connection open when the request asks for keep-alive.
//
// Limits, so that whoever can reach the port cannot starve GET /healthz (which needs no token):
//   - a request's headers must arrive within kHeaderTimeout (from the connection's start for its
//     first request, from its first byte for a later one); a kept-alive connection may wait
//     kIdleTimeout for its next request; a body kBodyTimeout; a response write kWriteTimeout.
//   - headers over kHeaderLimit are answered 431, a body over kBodyLimit 413, then the
//     connection closes.
//   - at most kMaxConnections are open. At the cap a new connection is still served: it closes
//     the oldest connection that is waiting for a request or still reading one (idle, slow or
//     silent), which loses no answer. Only when every connection is busy answering (for an
//     unauthenticated client, an answer takes microseconds) is the new one closed unserved.
//   - a failed accept pauses the listener (proxy/accept_backoff.h); out of descriptors, the
//     listener still takes one waiting connection through a spare descriptor and serves it.
// Each is counted in ListenerCounters (proxy/metrics.h) when the server is given them.
//
// Threading: runs on the io_context given at construction (the Server's main io_context), which
// must have one thread. `snapshot` is called once per request on that io_context; so is `reload`,
// for an authorized POST /reload: it must call its `done` exactly once, from any thread, possibly
// later (the connection waits for it, reading nothing else meanwhile). start() must be called
// before the io_context runs or on a thread running it; stop() and the destructor may be called
// anywhere. The listeners and sessions keep themselves alive through their pending handlers, so
// the AdminServer may be destroyed while the io_context still runs, but not after the io_context.
#pragma once

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "config/config.h"
#include "proxy/admin_handler.h"
#include "proxy/metrics.h"

namespace switchyard::proxy {

class AdminListener;
class AdminConnections;
struct AdminHandlers;

class AdminServer {
 public:
  using Snapshot = std::function<AdminView()>;
  using ReloadDone = std::function<void(ReloadOutcome)>;
  using Reload = std::function<void(ReloadDone done)>;
  // Starts a job of `kind` ("backfill" or "verify") of the named migration and returns the HTTP
  // status and JSON body. Must not block: it starts the job on a thread of its own.
  using StartJob = std::function<std::pair<int, std::string>(const std::string& kind, const std::string& migration)>;

  static constexpr std::chrono::seconds kHeaderTimeout{5};
  static constexpr std::chrono::seconds kIdleTimeout{15};
  static constexpr std::chrono::seconds kBodyTimeout{10};
  static constexpr std::chrono::seconds kWriteTimeout{10};
  static constexpr std::chrono::seconds kLinger{1};
  static constexpr uint32_t kHeaderLimit = 8 * 1024;
  static constexpr uint64_t kBodyLimit = 64 * 1024;
  static constexpr size_t kMaxConnections = 128;

  // Without `reload`, POST /reload answers 503; without `start_job`, so does a job.
  // `counters` (may be null) must outlive the io_context's handlers.
  AdminServer(boost::asio::io_context& io, Snapshot snapshot, Reload reload = {}, StartJob start_job = {},
              ListenerCounters* counters = nullptr);
  ~AdminServer();  // stop()
  AdminServer(const AdminServer&) = delete;
  AdminServer& operator=(const AdminServer&) = delete;

  // Binds `where` and starts accepting. The host is an IP address or a name, which is resolved
  // (blocking) and every address it resolves to is bound, as PostgreSQL does with
  // listen_addresses: "localhost" may be 127.0.0.1 and ::1. An address that cannot be bound is
  // skipped with a warning if another was bound. Port 0: any free port (the same one for all).
  // With `loopback_only`, a name resolving to any non-loopback address is refused. On failure
  // returns false and sets `error` to a sentence naming the address and the reason.
  bool start(const config::HostPort& where, std::string& error, bool loopback_only = false);

  // Stops accepting and closes every open connection, dropping any response in flight.
  // Idempotent. On the io_context's own thread this happens before stop() returns; from another
  // thread it happens as soon as the io_context runs it.
  void stop();

  // The bound port (the real one when started on port 0); 0 before a successful start().
  uint16_t port() const { return port_; }

 private:
  boost::asio::io_context& io_;
  std::shared_ptr<const AdminHandlers> handlers_;
  std::shared_ptr<AdminConnections> connections_;
  std::vector<std::shared_ptr<AdminListener>> listeners_;
  uint16_t port_ = 0;
};

}  // namespace switchyard::proxy
