// libmariadb helpers for tests (see mariadb_connection.h).
#include "tests/support/mariadb_connection.h"

namespace switchyard::test_support {
namespace {

std::string describe_error(MYSQL* conn) {
  return "ERROR " + std::to_string(mysql_errno(conn)) + " (" + mysql_sqlstate(conn) + "): " + mysql_error(conn);
}

}  // namespace

MariaDbConn connect_mariadb(const MariaDbLogin& login, std::string& error) {
  MariaDbConn conn(mysql_init(nullptr));
  if (!conn) {
    error = "mysql_init failed";
    return nullptr;
  }
  const unsigned int timeout = 10;
  mysql_optionsv(conn.get(), MYSQL_OPT_CONNECT_TIMEOUT, &timeout);
  mysql_optionsv(conn.get(), MYSQL_OPT_READ_TIMEOUT, &timeout);
  mysql_optionsv(conn.get(), MYSQL_OPT_WRITE_TIMEOUT, &timeout);
  const unsigned int protocol = login.host.empty() ? MYSQL_PROTOCOL_SOCKET : MYSQL_PROTOCOL_TCP;
  mysql_optionsv(conn.get(), MYSQL_OPT_PROTOCOL, &protocol);
  const unsigned long flags = login.multi_statements ? CLIENT_MULTI_STATEMENTS : 0;
  if (mysql_real_connect(conn.get(), login.host.empty() ? nullptr : login.host.c_str(), login.user.c_str(),
                         login.password.c_str(), login.database.empty() ? nullptr : login.database.c_str(),
                         static_cast<unsigned int>(login.port), login.socket.empty() ? nullptr : login.socket.c_str(),
                         flags) == nullptr) {
    error = describe_error(conn.get());
    return nullptr;
  }
  return conn;
}

std::optional<std::vector<std::vector<std::string>>> mariadb_query(MYSQL* conn, const std::string& sql,
                                                                   std::string& error) {
  if (mysql_real_query(conn, sql.data(), sql.size()) != 0) {
    error = describe_error(conn);
    return std::nullopt;
  }
  std::vector<std::vector<std::string>> rows;
  for (;;) {
    if (MYSQL_RES* result = mysql_store_result(conn)) {
      rows.clear();
      const unsigned int columns = mysql_num_fields(result);
      while (MYSQL_ROW row = mysql_fetch_row(result)) {
        const unsigned long* lengths = mysql_fetch_lengths(result);
        std::vector<std::string>& out = rows.emplace_back();
        for (unsigned int i = 0; i < columns; ++i) out.push_back(row[i] ? std::string(row[i], lengths[i]) : "NULL");
      }
      mysql_free_result(result);
    } else if (mysql_field_count(conn) != 0) {
      error = describe_error(conn);
      return std::nullopt;
    }
    const int next = mysql_next_result(conn);
    if (next > 0) {
      error = describe_error(conn);
      return std::nullopt;
    }
    if (next < 0) return rows;
  }
}

}  // namespace switchyard::test_support
