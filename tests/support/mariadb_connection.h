// Small RAII helpers over MariaDB Connector/C (libmariadb) for tests: bounded connects over TCP
// or the unix socket, and statements whose failures carry the server's error number and text.
#pragma once

#include <mysql.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace switchyard::test_support {

struct MariaDbConnDeleter {
  void operator()(MYSQL* conn) const { mysql_close(conn); }
};
using MariaDbConn = std::unique_ptr<MYSQL, MariaDbConnDeleter>;

struct MariaDbLogin {
  std::string host;  // 127.0.0.1 for TCP; empty to use `socket`
  int port = 0;
  std::string socket;
  std::string user;
  std::string password;
  std::string database;  // empty: none
  bool multi_statements = false;
};

// Over TCP to `server`-like host and port, or over a unix socket.
template <typename Server>
MariaDbLogin tcp_login(const Server& server, const std::string& user, const std::string& password) {
  MariaDbLogin login;
  login.host = server.host();
  login.port = server.port();
  login.user = user;
  login.password = password;
  return login;
}
inline MariaDbLogin socket_login(const std::string& socket, const std::string& user) {
  MariaDbLogin login;
  login.socket = socket;
  login.user = user;
  return login;
}

// Connects (10 s connect, read and write timeouts). Null, with the reason in `error`, on failure.
MariaDbConn connect_mariadb(const MariaDbLogin& login, std::string& error);

// Runs `sql` (several statements when the connection allows them) and reads every result.
// Returns the rows of the last result set as text (NULL as "NULL"), or nullopt with
// "ERROR <errno> (<sqlstate>): <message>" in `error`.
std::optional<std::vector<std::vector<std::string>>> mariadb_query(MYSQL* conn, const std::string& sql,
                                                                   std::string& error);

}  // namespace switchyard::test_support
