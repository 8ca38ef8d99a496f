// Answers a PostgreSQL client that switchyard will not serve, before any session exists for it (at
// limits.max_client_connections, or out of descriptors): one ErrorResponse FATAL 53300, as
// PostgreSQL's own "sorry, too many clients already", written straight to the fresh socket. It
// costs no buffers, no upstream connection and no timer.
//
// libpq reads the ErrorResponse whether it sent a StartupMessage or an SSLRequest first (it
// treats 'E' in answer to SSLRequest as a server error to report).
#pragma once

#include <string_view>

namespace switchyard::proxy {

// Writes the ErrorResponse to `fd` without blocking (a new socket's send buffer is empty, so the
// short message fits), reads and drops whatever the client has sent so far, and shuts down the
// sending side, so that the caller's close() sends FIN rather than the RST that unread data
// would cause (a reset can make the client drop the error unread). Does not close `fd`.
void refuse_client(int fd, std::string_view message);

}  // namespace switchyard::proxy
