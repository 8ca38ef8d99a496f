// PgSession's read routing: the session's identity for canary routing (its draw, user,
// application_name and address), handed to SessionPlans (proxy/session_plans.h), which routes
// each migration's reads and rebuilds the planner; called at start and whenever the session
// adopts a new generation, i.e. at a transaction boundary.
#include "proxy/pg_session.h"

namespace switchyard::proxy {

void PgSession::update_routing() {
  CanaryIdentity who;
  who.session_draw = SessionPlans::session_draw(id_);
  who.user = user_;
  who.application_name = application_name_;
  boost::system::error_code ec;
  const auto peer = client_.remote_endpoint(ec);
  if (!ec) who.client_address = peer.address().to_string();
  plans_.update(*gen_, std::move(who), ctx_.shared.shadow != nullptr);
}

}  // namespace switchyard::proxy
