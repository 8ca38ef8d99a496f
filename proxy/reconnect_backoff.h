// When a shadow connection (proxy/shadow_connection.h for libpq, proxy/mysql_shadow_connection.h
// for libmariadb) may try to connect again: at once the first time, then after 100 ms doubling
// to 5 s while attempts fail, so an unreachable `control` costs a failed read, not a connect
// storm. Plain state; the owning worker thread only.
#pragma once

#include <algorithm>
#include <chrono>
#include <string>

namespace switchyard::proxy {

class ReconnectBackoff {
 public:
  using Clock = std::chrono::steady_clock;
  static constexpr std::chrono::milliseconds kFirst{100};
  static constexpr std::chrono::milliseconds kMax{5000};

  // True if an attempt may be made now; else `error` says the connection waits, and why it failed.
  bool may_try(std::string& error) const {
    if (Clock::now() >= next_attempt_) return true;
    error = "control connection unavailable (retrying): " + last_error_;
    return false;
  }
  void succeeded() { backoff_ = kFirst; }
  void failed(const std::string& error) {
    last_error_ = error;
    next_attempt_ = Clock::now() + backoff_;
    backoff_ = std::min(backoff_ * 2, kMax);
  }

 private:
  Clock::time_point next_attempt_{};
  std::chrono::milliseconds backoff_{kFirst};
  std::string last_error_;
};

}  // namespace switchyard::proxy
