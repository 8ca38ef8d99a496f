// The FATAL 53300 answer to a client refused before its session; see client_refusal.h.
#include "proxy/client_refusal.h"

#include <sys/socket.h>

#include <string>

#include "protocol/pg/backend.h"

namespace switchyard::proxy {

void refuse_client(int fd, std::string_view message) {
  std::string out;
  pg::encode_error_response(out, "FATAL", "53300", message);
  (void)::send(fd, out.data(), out.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
  char discard[512];
  for (int i = 0; i < 16 && ::recv(fd, discard, sizeof discard, MSG_DONTWAIT) > 0; ++i) {
  }
  ::shutdown(fd, SHUT_WR);
}

}  // namespace switchyard::proxy
