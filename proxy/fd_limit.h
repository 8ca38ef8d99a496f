// The descriptor limit. At start switchyard raises its soft RLIMIT_NOFILE to the hard limit (the
// usual soft default of 1024 is far below what a proxy needs, and only the hard limit is a real
// decision of the operator) and logs what it has, warning when limits.max_client_connections
// clients would not fit in it.
#pragma once

#include <cstdint>

namespace switchyard::proxy {

// Descriptors kept for everything but client sessions: the listeners and their spares, the admin
// server's connections (at most 128), the log, the control and shadow connections.
inline constexpr uint64_t kReservedDescriptors = 160;

// Raises the soft limit to the hard one and logs the outcome; returns the soft limit in force.
// Each client session needs two descriptors (its socket and its upstream connection).
uint64_t raise_fd_limit(uint32_t max_client_connections);

}  // namespace switchyard::proxy
