// What a listener does when accept() fails (EMFILE, ENFILE, ENOBUFS, ENOMEM, ...): without care it
// re-arms at once, the connection stays in the backlog, the socket stays readable and the loop
// spins at 100% of a core, logging every turn. Here instead:
//   - AcceptBackoff: a pause before the next accept, 10 ms doubling to 1 s for failures in a row
//     and back to 10 ms after a success; a log line at most once per second, naming how many
//     failures it did not log; every failure counted.
//   - SpareDescriptor: one descriptor (/dev/null) held in reserve, so that when the process is out
//     of descriptors the listener can still take one waiting connection (release the spare,
//     accept, answer, close, take the spare back) instead of leaving it to time out.
//
// Threading: neither is thread-safe; each listener owns its own and uses it on its own thread.
#pragma once

#include <atomic>
#include <boost/system/error_code.hpp>
#include <chrono>
#include <cstdint>
#include <string>

namespace switchyard::proxy {

// Whether `ec` says the process or the system is out of descriptors.
bool out_of_descriptors(const boost::system::error_code& ec);

// At most one log line per interval: allow() says whether to log now, and how many calls since the
// previous line it said no to.
class LogLimiter {
 public:
  using Clock = std::chrono::steady_clock;
  explicit LogLimiter(std::chrono::milliseconds interval) : interval_(interval) {}
  bool allow(Clock::time_point now, uint64_t& not_logged);

 private:
  std::chrono::milliseconds interval_;
  bool logged_once_ = false;
  Clock::time_point last_{};
  uint64_t not_logged_ = 0;
};

class AcceptBackoff {
 public:
  using Clock = std::chrono::steady_clock;
  static constexpr std::chrono::milliseconds kFirstPause{10};
  static constexpr std::chrono::milliseconds kMaxPause{1000};
  static constexpr std::chrono::milliseconds kLogInterval{1000};

  // `listener` names it in log lines ("client", "admin"); `failures` (may be null) is the counter
  // to add each failure to; it must outlive this object.
  AcceptBackoff(std::string listener, std::atomic<uint64_t>* failures);

  // What to do after one failed accept.
  struct Decision {
    std::chrono::milliseconds pause;  // before the next accept; zero: re-arm at once
    bool log = false;                 // log this failure now
    uint64_t not_logged = 0;          // failures since the previous line that were not logged
  };
  // The pure part: counts, decides the pause and whether to log. `answered` is true when the
  // caller still took a waiting connection (through a SpareDescriptor): the backlog shrank, so
  // there is no pause, and the next one is kFirstPause again (the spare is back as soon as
  // that connection is answered; a long pause would serve one waiting client per kMaxPause).
  Decision decide(bool answered, Clock::time_point now);
  // decide(), then the log line (spdlog warn) if due. Returns the pause.
  std::chrono::milliseconds failed(const boost::system::error_code& ec, bool answered);
  // After a successful accept: the next failure pauses kFirstPause again.
  void succeeded() { next_pause_ = kFirstPause; }

 private:
  std::string listener_;
  std::atomic<uint64_t>* failures_;
  std::chrono::milliseconds next_pause_ = kFirstPause;
  LogLimiter log_{kLogInterval};
};

class SpareDescriptor {
 public:
  SpareDescriptor() { refill(); }
  ~SpareDescriptor();
  SpareDescriptor(const SpareDescriptor&) = delete;
  SpareDescriptor& operator=(const SpareDescriptor&) = delete;

  // Holds a spare again if it does not (it cannot while the process is out of descriptors).
  // True if it holds one now.
  bool refill();
  // Releases the spare and accepts one waiting connection on `listen_fd`: its descriptor
  // (non-blocking, close-on-exec), owned by the caller, or -1 (no spare held, nothing waiting,
  // or accept failed again). The spare is not taken back: call refill() once the accepted
  // descriptor is closed.
  int accept_with_spare(int listen_fd);

 private:
  int fd_ = -1;
};

}  // namespace switchyard::proxy
