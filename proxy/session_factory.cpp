// The session factory of each wire protocol; see session.h.
#include "proxy/mysql_session.h"
#include "proxy/pg_session.h"
#include "proxy/session.h"

namespace switchyard::proxy {

SessionFactory session_factory(config::Protocol protocol) {
  if (protocol == config::Protocol::kMysql) {
    return [](boost::asio::ip::tcp::socket client, SessionContext& ctx, uint64_t id) -> std::shared_ptr<Session> {
      return std::make_shared<MySqlSession>(std::move(client), ctx, id);
    };
  }
  return [](boost::asio::ip::tcp::socket client, SessionContext& ctx, uint64_t id) -> std::shared_ptr<Session> {
    return std::make_shared<PgSession>(std::move(client), ctx, id);
  };
}

}  // namespace switchyard::proxy
