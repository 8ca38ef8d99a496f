// Parsing the MySQL control connection string; see mysql_schema_loader.h. Pure.
#include <cctype>
#include <charconv>

#include "catalog/mysql_schema_loader.h"

namespace switchyard::catalog {
namespace {

bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

bool set_field(MysqlControl& out, const std::string& key, const std::string& value, std::string& error) {
  if (key == "host") {
    out.host = value;
  } else if (key == "user") {
    out.user = value;
  } else if (key == "password") {
    out.password = value;
  } else if (key == "dbname") {
    out.dbname = value;
  } else if (key == "port") {
    unsigned port = 0;
    const char* end = value.data() + value.size();
    auto [ptr, ec] = std::from_chars(value.data(), end, port);
    if (value.empty() || ec != std::errc() || ptr != end || port > 65535) {
      error = "control: port: '" + value + "' is not a port number";
      return false;
    }
    out.port = port;
  } else {
    error = "control: unknown key " + key;
    return false;
  }
  return true;
}

std::optional<MysqlControl> parse_pairs(const std::string& s, std::string& error) {
  MysqlControl out;
  size_t i = 0;
  while (true) {
    while (i < s.size() && is_blank(s[i])) ++i;
    if (i == s.size()) return out;
    std::string key;
    while (i < s.size() && !is_blank(s[i]) && s[i] != '=') key += s[i++];
    while (i < s.size() && is_blank(s[i])) ++i;
    if (i == s.size() || s[i] != '=') {
      error = "control: expected key=value, found '" + key + "'";
      return std::nullopt;
    }
    ++i;
    while (i < s.size() && is_blank(s[i])) ++i;
    std::string value;
    if (i < s.size() && s[i] == '\'') {
      for (++i;; ++i) {
        if (i == s.size()) {
          error = "control: " + key + ": unterminated quoted value";
          return std::nullopt;
        }
        if (s[i] == '\'') break;
        if (s[i] == '\\' && i + 1 < s.size()) ++i;
        value += s[i];
      }
      ++i;
    } else {
      for (; i < s.size() && !is_blank(s[i]); ++i) {
        if (s[i] == '\\' && i + 1 < s.size()) ++i;
        value += s[i];
      }
    }
    if (!set_field(out, key, value, error)) return std::nullopt;
  }
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::optional<std::string> percent_decode(const std::string& s, std::string& error) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '%') {
      out += s[i];
      continue;
    }
    const int hi = i + 2 < s.size() ? hex_digit(s[i + 1]) : -1;
    const int lo = hi >= 0 ? hex_digit(s[i + 2]) : -1;
    if (lo < 0) {
      error = "control: bad %-escape in '" + s + "'";
      return std::nullopt;
    }
    out += static_cast<char>(hi * 16 + lo);
    i += 2;
  }
  return out;
}

// mysql://[user[:password]@][host][:port][/dbname], `rest` being what follows "//".
std::optional<MysqlControl> parse_uri(const std::string& rest, std::string& error) {
  MysqlControl out;
  std::string authority = rest;
  std::string path;
  if (const auto slash = rest.find('/'); slash != std::string::npos) {
    authority = rest.substr(0, slash);
    path = rest.substr(slash + 1);
  }
  if (path.find_first_of("/?#") != std::string::npos) {
    error = "control: the URI's path is one database name, without parameters: '" + path + "'";
    return std::nullopt;
  }
  std::string hostport = authority;
  if (const auto at = authority.rfind('@'); at != std::string::npos) {
    const std::string userinfo = authority.substr(0, at);
    hostport = authority.substr(at + 1);
    const auto colon = userinfo.find(':');
    auto user = percent_decode(userinfo.substr(0, colon), error);
    if (!user) return std::nullopt;
    out.user = *user;
    if (colon != std::string::npos) {
      auto password = percent_decode(userinfo.substr(colon + 1), error);
      if (!password) return std::nullopt;
      out.password = *password;
    }
  }
  std::string port;
  if (!hostport.empty() && hostport.front() == '[') {  // [::1]:3306
    const auto close = hostport.find(']');
    if (close == std::string::npos || (close + 1 < hostport.size() && hostport[close + 1] != ':')) {
      error = "control: bad host in '" + hostport + "'";
      return std::nullopt;
    }
    out.host = hostport.substr(1, close - 1);
    if (close + 1 < hostport.size()) port = hostport.substr(close + 2);
  } else if (const auto colon = hostport.rfind(':'); colon != std::string::npos) {
    out.host = hostport.substr(0, colon);
    port = hostport.substr(colon + 1);
  } else {
    out.host = hostport;
  }
  auto host = percent_decode(out.host, error);
  auto db = percent_decode(path, error);
  if (!host || !db) return std::nullopt;
  out.host = *host;
  out.dbname = *db;
  if (!port.empty() && !set_field(out, "port", port, error)) return std::nullopt;
  return out;
}

}  // namespace

std::optional<MysqlControl> parse_mysql_control(const std::string& control, std::string& error) {
  for (const char* scheme : {"mysql://", "mariadb://"}) {
    const std::string prefix = scheme;
    if (control.compare(0, prefix.size(), prefix) == 0) return parse_uri(control.substr(prefix.size()), error);
  }
  if (control.find("://") != std::string::npos) {
    error = "control: a URI must start mysql:// or mariadb://";
    return std::nullopt;
  }
  return parse_pairs(control, error);
}

}  // namespace switchyard::catalog
