// Asking the proxies whether contract is safe; see proxy_check.h.
#include "jobs/proxy_check.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <cstdlib>

namespace switchyard::jobs {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

// GET `target` from host:port with an optional bearer token: the body, or "" and `error`.
std::string get(const config::HostPort& at, const std::string& target, const std::string& token, std::string& error) {
  try {
    asio::io_context io;
    asio::ip::tcp::resolver resolver(io);
    beast::tcp_stream stream(io);
    stream.expires_after(std::chrono::seconds(5));
    stream.connect(resolver.resolve(at.host, std::to_string(at.port)));
    http::request<http::empty_body> req{http::verb::get, target, 11};
    req.set(http::field::host, at.host);
    if (!token.empty()) req.set(http::field::authorization, "Bearer " + token);
    http::write(stream, req);
    beast::flat_buffer buffer;
    http::response<http::string_body> res;
    http::read(stream, buffer, res);
    beast::error_code ignored;
    stream.socket().shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
    if (res.result() != http::status::ok) {
      error = "GET " + target + " answered " + std::to_string(res.result_int());
      return "";
    }
    return res.body();
  } catch (const std::exception& e) {
    error = e.what();
    return "";
  }
}

// The value after `"key":` in `json` at or after `from` (a number or a string, unquoted).
bool field(const std::string& json, size_t from, size_t to, const std::string& key, std::string& out) {
  const std::string k = "\"" + key + "\":";
  const size_t at = json.find(k, from);
  if (at == std::string::npos || at >= to) return false;
  size_t b = at + k.size();
  if (b < json.size() && json[b] == '"') {
    const size_t e = json.find('"', b + 1);
    if (e == std::string::npos) return false;
    out = json.substr(b + 1, e - b - 1);
    return true;
  }
  size_t e = b;
  while (e < json.size() && (json[e] == '-' || (json[e] >= '0' && json[e] <= '9'))) ++e;
  out = json.substr(b, e - b);
  return e > b;
}

// The migration's fields from /status (written by proxy/admin_status.cpp: each migration an
// object that opens with its "name").
void read_status(const std::string& json, const std::string& migration, ProxyState& s) {
  std::string quoted;
  for (char c : migration) {
    if (c == '"' || c == '\\') quoted += '\\';
    quoted += c;
  }
  const size_t at = json.find("{\"name\":\"" + quoted + "\"");
  if (at == std::string::npos) {
    s.error = "the proxy's running config has no migration " + migration;
    return;
  }
  size_t end = json.find("{\"name\":", at + 1);
  if (end == std::string::npos) end = json.size();
  std::string behind, old_shape;
  if (!field(json, at, end, "phase", s.phase) || !field(json, at, end, "sessions_behind", behind) ||
      !field(json, at, end, "statements_old_shape", old_shape)) {
    s.error = "the proxy's /status does not report sessions_behind (an older switchyard?)";
    return;
  }
  s.sessions_behind = std::atoll(behind.c_str());
  s.statements_old_shape = std::atoll(old_shape.c_str());
}

}  // namespace

ProxyCheck check_proxies(const config::Config& config, const std::string& migration) {
  ProxyCheck check;
  if (!config.admin.listen) return check;
  check.checked = true;
  std::string token;
  if (!config.admin.token_env.empty())
    if (const char* t = std::getenv(config.admin.token_env.c_str())) token = t;
  ProxyState s;
  s.proxy = config.admin.listen->to_string();
  std::string error;
  const std::string body = get(*config.admin.listen, "/status", token, error);
  if (!error.empty()) {
    s.error = "cannot ask the proxy's admin API at " + s.proxy + ": " + error;
  } else {
    s.reached = true;
    read_status(body, migration, s);
  }
  if (!s.error.empty()) {
    check.blocking += s.error + "\n";
  } else if (s.phase != "new_only") {
    check.blocking += "the proxy at " + s.proxy + " runs " + migration + " in phase " + s.phase +
                      ", not new_only: reload it with the new config first\n";
  } else if (s.sessions_behind > 0) {
    check.blocking += "the proxy at " + s.proxy + " has " + std::to_string(s.sessions_behind) +
                      " session(s) still under an older phase of " + migration +
                      " (each moves at its next transaction boundary: a long transaction holds it back)\n";
  }
  check.proxies.push_back(std::move(s));
  return check;
}

}  // namespace switchyard::jobs
