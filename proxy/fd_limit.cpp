// Raising and reporting RLIMIT_NOFILE at start-up; see fd_limit.h.
#include "proxy/fd_limit.h"

#include <sys/resource.h>

#include <cerrno>
#include <cstring>
#include <spdlog/spdlog.h>

namespace switchyard::proxy {

uint64_t raise_fd_limit(uint32_t max_client_connections) {
  rlimit lim{};
  if (::getrlimit(RLIMIT_NOFILE, &lim) != 0) {
    spdlog::warn("file descriptors: getrlimit(RLIMIT_NOFILE) failed: {}", std::strerror(errno));
    return 0;
  }
  const rlim_t before = lim.rlim_cur;
  if (lim.rlim_cur < lim.rlim_max) {
    rlimit raised = lim;
    raised.rlim_cur = lim.rlim_max;
    if (::setrlimit(RLIMIT_NOFILE, &raised) == 0) {
      lim = raised;
    } else {
      spdlog::warn("file descriptors: cannot raise the soft limit from {} to the hard limit {}: {}", before,
                   lim.rlim_max, std::strerror(errno));
    }
  }
  const auto soft = static_cast<uint64_t>(lim.rlim_cur);
  if (soft != before)
    spdlog::info("file descriptors: soft limit raised from {} to {} (the hard limit)", before, soft);
  else
    spdlog::info("file descriptors: limit {} (hard limit {})", soft, static_cast<uint64_t>(lim.rlim_max));
  const uint64_t needed = 2ull * max_client_connections + kReservedDescriptors;
  if (lim.rlim_cur != RLIM_INFINITY && needed > soft) {
    spdlog::warn("file descriptors: limits.max_client_connections is {}, which needs about {} descriptors (2 per "
                 "client and {} for the rest), more than the limit of {}; beyond about {} clients new ones get "
                 "FATAL 53300 (out of file descriptors). Raise the hard limit (ulimit -Hn, LimitNOFILE=) or lower "
                 "limits.max_client_connections",
                 max_client_connections, needed, kReservedDescriptors, soft,
                 soft > kReservedDescriptors ? (soft - kReservedDescriptors) / 2 : 0);
  }
  return soft;
}

}  // namespace switchyard::proxy
