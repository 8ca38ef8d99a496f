// Opening and using a MariaDB Connector/C connection; see mysql_connection.h.
#include "catalog/mysql_connection.h"

namespace switchyard::catalog {

MysqlConn connect_mysql(const MysqlControl& ctl, unsigned io_timeout_seconds, std::string& error) {
  static constexpr unsigned kConnectTimeoutSeconds = 10;
  MysqlConn c(mysql_init(nullptr));
  if (!c) {
    error = "out of memory";
    return nullptr;
  }
  mysql_options(c.get(), MYSQL_OPT_CONNECT_TIMEOUT, &kConnectTimeoutSeconds);
  mysql_options(c.get(), MYSQL_OPT_READ_TIMEOUT, &io_timeout_seconds);
  mysql_options(c.get(), MYSQL_OPT_WRITE_TIMEOUT, &io_timeout_seconds);
  mysql_options(c.get(), MYSQL_SET_CHARSET_NAME, "utf8mb4");
  const auto or_null = [](const std::string& s) { return s.empty() ? nullptr : s.c_str(); };
  if (mysql_real_connect(c.get(), or_null(ctl.host), or_null(ctl.user), ctl.password.c_str(), or_null(ctl.dbname), ctl.port,
                         nullptr, 0) == nullptr) {
    error = mysql_error(c.get());
    return nullptr;
  }
  return c;
}

MysqlResult mysql_exec(MYSQL* c, const std::string& sql) {
  MysqlResult out;
  auto failed = [&] {
    out.code = mysql_errno(c);
    out.error = mysql_error(c);
    return out;
  };
  if (mysql_real_query(c, sql.data(), sql.size()) != 0) return failed();
  MYSQL_RES* res = mysql_store_result(c);
  if (res == nullptr) {
    if (mysql_field_count(c) != 0) return failed();
    out.affected = mysql_affected_rows(c);
    out.ok = true;
    return out;
  }
  const unsigned n = mysql_num_fields(res);
  while (MYSQL_ROW row = mysql_fetch_row(res)) {
    const unsigned long* lengths = mysql_fetch_lengths(res);
    MysqlRow r;
    for (unsigned i = 0; i < n; ++i)
      r.push_back(row[i] ? std::optional<std::string>(std::string(row[i], lengths[i])) : std::nullopt);
    out.rows.push_back(std::move(r));
  }
  mysql_free_result(res);
  out.ok = true;
  return out;
}

std::string mysql_literal(MYSQL* c, const std::string& s) {
  std::string out(s.size() * 2 + 1, '\0');
  out.resize(mysql_real_escape_string(c, out.data(), s.data(), static_cast<unsigned long>(s.size())));
  return "'" + out + "'";
}

}  // namespace switchyard::catalog
