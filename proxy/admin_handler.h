// The admin HTTP server's answers: a pure function from (request, snapshot of the process) to a
// response. No I/O, no Beast, no clock: admin_server.cpp does the sockets and takes the snapshot,
// so every route is testable with plain structs.
//
// Routes (GET only):
//   /healthz  200 "ok\n", or 503 "draining\n" once the proxy has stopped accepting
//   /status   200 JSON: version, uptime_seconds, listen, upstream, sessions{active,total}, draining
//   /metrics  200 Prometheus text format 0.0.4
// Any other path is 404; any other method on a known path is 405 with `allow` set.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace switchyard::proxy {

struct AdminRequest {
  std::string method;  // as sent, e.g. "GET"
  std::string target;  // origin-form, e.g. "/metrics?x=1"; the query is ignored
  // The Authorization header's value, if any. Not checked yet: the config has no admin
  // credential. Carried so that checking one later does not change this interface.
  std::optional<std::string> authorization;
};

struct AdminResponse {
  int status = 200;
  std::string content_type;
  std::string body;
  std::string allow;  // the Allow header for a 405; empty otherwise
};

// What the handler reports, copied at the moment of the request.
struct AdminView {
  std::string version;
  uint64_t uptime_seconds = 0;
  int64_t active_sessions = 0;
  uint64_t total_sessions = 0;
  std::string listen;    // "host:port"
  std::string upstream;  // "host:port"
  bool draining = false;
  uint64_t statements_rewritten = 0;  // writes rewritten to reach both shapes
  uint64_t statements_refused = 0;    // writes refused with SQLSTATE 0A000
};

AdminResponse handle_admin_request(const AdminRequest& request, const AdminView& view);

// `text` as a JSON string literal, quotes included. Control characters are escaped; bytes that
// are not valid UTF-8 become U+FFFD, so the output is always valid JSON.
std::string json_quote(std::string_view text);

}  // namespace switchyard::proxy
