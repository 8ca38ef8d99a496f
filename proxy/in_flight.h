// What a session has in flight upstream, for the upstream latency histogram and for finding
// transaction boundaries. Every Query, Sync and FunctionCall a client sends gets exactly one
// ReadyForQuery back, in order (PostgreSQL protocol, 55.2.2-55.2.6), so a FIFO of send times
// paired with ReadyForQuery times each one. The session's first ReadyForQuery ends
// authentication and answers no request.
//
// Bounded: past kMaxTimed requests (a client pipelining without reading) further ones are
// counted but not timed, so memory stays fixed and the pairing stays right.
//
// One exception to "every Sync": a Sync that reaches the server in copy-in mode is ignored
// (protocol/pg/copy_in_syncs.h). The session takes such Syncs back (syncs_ignored) and keeps the
// session off a boundary while the client's COPY data is still to come (set_copying_in).
// Touched only on the session's thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <optional>

namespace switchyard::proxy {

class InFlight {
 public:
  using Clock = std::chrono::steady_clock;
  static constexpr size_t kMaxTimed = 256;

  // A Query, Sync or FunctionCall is on its way upstream.
  void request_sent(Clock::time_point now) {
    copying_in_ = false;  // a request the server answers: the COPY's data was ended before it
    if (untimed_ == 0 && timed_.size() < kMaxTimed) {
      timed_.push_back(now);
    } else {
      ++untimed_;  // sent after every timed one, so answered after them
    }
  }
  // An extended-protocol message (Parse, Bind, ...) went upstream: a batch is open until the
  // next Sync.
  void extended_sent() { batch_open_ = true; }
  void sync_sent(Clock::time_point now) {
    batch_open_ = false;
    request_sent(now);
  }

  // The `n` oldest requests in flight were Syncs the server ignores (copy_in_syncs.h): no
  // ReadyForQuery will answer them. Their times are let go.
  void syncs_ignored(uint64_t n) {
    for (; n > 0; --n) {
      if (!timed_.empty()) timed_.pop_front();
      else if (untimed_ > 0) --untimed_;
    }
  }
  // The server is in copy-in mode for an extended-protocol COPY whose data the client has not
  // ended: not idle, whatever is counted.
  void set_copying_in(bool on) { copying_in_ = on; }

  // A ReadyForQuery came back: the seconds since its request was sent, if that was timed.
  std::optional<double> answered(Clock::time_point now) {
    if (!authenticated_) {
      authenticated_ = true;
      return std::nullopt;
    }
    if (!timed_.empty()) {
      const auto t = timed_.front();
      timed_.pop_front();
      return std::chrono::duration<double>(now - t).count();
    }
    if (untimed_ > 0) --untimed_;
    return std::nullopt;
  }

  // Nothing the client sent is waiting for its ReadyForQuery, no extended batch is open, no COPY
  // data is still to come:
  // with the server idle too, the next message the client sends starts a new transaction.
  bool idle() const { return timed_.empty() && untimed_ == 0 && !batch_open_ && !copying_in_; }
  // The first ReadyForQuery (the end of authentication) has come.
  bool authenticated() const { return authenticated_; }

 private:
  std::deque<Clock::time_point> timed_;
  uint64_t untimed_ = 0;
  bool batch_open_ = false;
  bool copying_in_ = false;
  bool authenticated_ = false;
};

}  // namespace switchyard::proxy
