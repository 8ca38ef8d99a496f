// Accept failures: pause, bounded log, count; the spare descriptor. See accept_backoff.h.
#include "proxy/accept_backoff.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <spdlog/spdlog.h>

namespace switchyard::proxy {

bool out_of_descriptors(const boost::system::error_code& ec) {
  return ec.category() == boost::system::system_category() && (ec.value() == EMFILE || ec.value() == ENFILE);
}

bool LogLimiter::allow(Clock::time_point now, uint64_t& not_logged) {
  if (logged_once_ && now - last_ < interval_) {
    ++not_logged_;
    return false;
  }
  not_logged = not_logged_;
  logged_once_ = true;
  last_ = now;
  not_logged_ = 0;
  return true;
}

AcceptBackoff::AcceptBackoff(std::string listener, std::atomic<uint64_t>* failures)
    : listener_(std::move(listener)), failures_(failures) {}

AcceptBackoff::Decision AcceptBackoff::decide(bool answered, Clock::time_point now) {
  if (failures_ != nullptr) failures_->fetch_add(1, std::memory_order_relaxed);
  Decision d{std::chrono::milliseconds(0)};
  if (answered) {
    next_pause_ = kFirstPause;  // progress: the spare is back soon, so do not wait long for it
  } else {
    d.pause = next_pause_;
    next_pause_ = std::min(next_pause_ * 2, kMaxPause);
  }
  d.log = log_.allow(now, d.not_logged);
  return d;
}

std::chrono::milliseconds AcceptBackoff::failed(const boost::system::error_code& ec, bool answered) {
  const Decision d = decide(answered, Clock::now());
  if (d.log) {
    spdlog::warn("{} listener: accept failed: {}{}; next accept in {} ms{}", listener_, ec.message(),
                 answered ? " (a waiting connection was taken with the spare descriptor)" : "", d.pause.count(),
                 d.not_logged > 0 ? fmt::format(" ({} more failures in the last second not logged)", d.not_logged)
                                  : std::string());
  }
  return d.pause;
}

SpareDescriptor::~SpareDescriptor() {
  if (fd_ >= 0) ::close(fd_);
}

bool SpareDescriptor::refill() {
  if (fd_ < 0) fd_ = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  return fd_ >= 0;
}

int SpareDescriptor::accept_with_spare(int listen_fd) {
  if (fd_ < 0) return -1;
  // Never block the listener's thread, whether or not the listening socket is non-blocking.
  pollfd p{listen_fd, POLLIN, 0};
  if (::poll(&p, 1, 0) != 1 || (p.revents & POLLIN) == 0) return -1;
  ::close(fd_);
  fd_ = -1;
  return ::accept4(listen_fd, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
}

}  // namespace switchyard::proxy
