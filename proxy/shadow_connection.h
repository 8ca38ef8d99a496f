// One libpq connection of a shadow worker (proxy/shadow.h) over the `control` conninfo. Every
// wait is bounded: connecting (kConnectTimeout), each statement (the statement timeout plus a
// margin, in case the server stops answering), and shutdown: once `stopping` is set, a running
// statement gets kStopGrace, is then cancelled (PQcancel), and is abandoned (the connection
// closed) kAbandonAfter later. A failed connection attempt is retried after a backoff that
// doubles from 100 ms to 5 s.
//
// Thread: owned and used by one worker thread; `stopping` may be set from any thread.
#pragma once

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
  // Runs one statement through the extended protocol with text parameters of unspecified type,
  // results in text, and returns its rows (none for a statement that returns none).
  // `formats` and `types` (each empty or one per parameter): as ShadowRead's.
  bool query(const std::string& sql, const std::vector<ShadowValue>& params, const std::vector<int>& formats,
             const std::vector<uint32_t>& types, ShadowRows& rows, std::string& error);
  // Ends the session (if any): the server rolls back what was open.
  void reset();
  bool connected() const { return conn_ != nullptr; }

 private:
  // Waits for the results of what was sent; the first error wins. Fills `rows` if not null.
  bool collect(ShadowRows* rows, std::string& error);
  // Waits until the socket is ready for `events` (or 100 ms pass); false on poll failure.
  bool wait_socket(short events);
  bool connect(std::string& error);

  std::string conninfo_;
  uint32_t statement_timeout_ms_;
  const std::atomic<bool>& stopping_;
  PGconn* conn_ = nullptr;
  std::chrono::steady_clock::time_point next_attempt_{};
  std::chrono::milliseconds backoff_{100};
  std::string last_error_;
};

}  // namespace switchyard::proxy
