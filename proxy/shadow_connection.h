// One libpq connection of a shadow worker (proxy/shadow.h) over the `control` conninfo. Every
// wait is bounded: connecting (kConnectTimeout), each statement (the statement timeout plus a
// margin, in case the server stops answering), and shutdown: once `stopping` is set, a running
// statement gets kStopGrace, is then cancelled (PQcancel), and is abandoned (the connection
// closed) kAbandonAfter later. A failed connection attempt is retried after a backoff that
// doubles from 100 ms to 5 s.
//
// Thread: owned and used by one worker thread; `stopping` may be set from any thread.
#pragma once

#include "proxy/reconnect_backoff.h"

#include <libpq-fe.h>

#include <atomic>
#include <chrono>
#include <string>

#include "proxy/shadow_compare.h"

namespace switchyard::proxy {

class ShadowConnection {
 public:
  static constexpr std::chrono::milliseconds kConnectTimeout{5000};
  static constexpr std::chrono::milliseconds kStopGrace{250};
  static constexpr std::chrono::milliseconds kAbandonAfter{2000};

  // `stopping` must outlive the connection. `statement_timeout_ms` 0: no client-side bound
  // either (as PostgreSQL's statement_timeout 0).
  ShadowConnection(std::string conninfo, uint32_t statement_timeout_ms, const std::atomic<bool>& stopping);
  ~ShadowConnection();
  ShadowConnection(const ShadowConnection&) = delete;
  ShadowConnection& operator=(const ShadowConnection&) = delete;

  // Connected, or connects now unless the previous attempt failed less than the backoff ago.
  // False and why in `error`.
  bool ensure(std::string& error);
  // Runs `sql` through the simple protocol (several statements allowed), ignoring any rows.
  bool command(const std::string& sql, std::string& error);
  // Runs one statement through the extended protocol (a pipeline of one) and returns its rows
  // (none for a statement that returns none). `formats` and `types`: as Command's.
  bool query(const std::string& sql, const std::vector<ShadowValue>& params, const std::vector<int>& formats,
             const std::vector<uint32_t>& types, ShadowRows& rows, std::string& error);
  // One statement of a pipeline (run_pipeline), through the extended protocol, results in text;
  // the pointed-to values outlive the call. Without `params` it has none (and formats and types
  // are ignored); `formats` and `types` (each empty or one per parameter): as ShadowRead's.
  struct Command {
    const std::string* sql = nullptr;
    const std::vector<ShadowValue>* params = nullptr;
    const std::vector<int>* formats = nullptr;
    const std::vector<uint32_t>* types = nullptr;
  };
  struct CommandResult {
    ShadowRows rows;
    double seconds = 0;  // from the previous command's result (or the send) to this one's
  };
  // Runs `commands` in one round trip (libpq's pipeline mode, one Sync after the last).
  // `results` gets one entry per command
  // that ran. False at the first that failed: its index in `failed` (the server skips the rest
  // up to the Sync), the error in `error`; a transaction it leaves open is the caller's to end.
  bool run_pipeline(const std::vector<Command>& commands, std::vector<CommandResult>& results, size_t& failed,
                    std::string& error);
  // Ends the session (if any): the server rolls back what was open.
  void reset();
  bool connected() const { return conn_ != nullptr; }

 private:
  // Waits for the results of what command() sent; the first error wins.
  bool collect(std::string& error);
  // Sends one command (no flush in pipeline mode); false and why on failure.
  bool send(const Command& c, std::string& error);
  // Until a result can be read without blocking, bounded by the statement timeout from
  // `started` and by shutdown (cancel after kStopGrace, give up kAbandonAfter later). On false
  // the connection was reset and `error` says why.
  struct Wait {
    std::chrono::steady_clock::time_point deadline;
    std::chrono::steady_clock::time_point stop_seen{};
    bool cancelled = false;
  };
  Wait start_wait() const;
  bool await_result(Wait& w, std::string& error);
  // Waits until the socket is ready for `events` (or 100 ms pass); false on poll failure.
  bool wait_socket(short events);
  bool connect(std::string& error);

  std::string conninfo_;
  uint32_t statement_timeout_ms_;
  const std::atomic<bool>& stopping_;
  PGconn* conn_ = nullptr;
  ReconnectBackoff backoff_;
};

}  // namespace switchyard::proxy
