// The state of a SCRAM exchange the proxy runs on both legs (pg_scram.cpp), while it runs.
// Private to pg_session.cpp (which destroys it) and pg_scram.cpp.
#pragma once

#include <optional>
#include <string>

#include "auth/scram.h"
#include "proxy/pg_session.h"

namespace switchyard::proxy {

struct PgSession::Scram {
  // From the verifier look-up to the client exchange's end, then towards the server.
  auth::Verifier verifier;
  bool offered_plus = false;
  std::string mechanism;
  auth::ClientFirst client_first;
  std::string server_first;
  std::string final_for_client;  // "v=...", sent once the server accepted the proxy
  auth::Key client_key{};
  std::optional<auth::ScramClient> upstream;
  std::string client_in, upstream_in;  // bytes read from each leg, not yet a whole message
  bool upstream_first_sent = false;
};

}  // namespace switchyard::proxy
