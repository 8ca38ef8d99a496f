// The admin HTTP server's answers: a pure function from (request, snapshot of the process) to a
// response. No I/O, no Beast, no clock: admin_server.cpp does the sockets and takes the snapshot,
// so every route is testable with plain structs.
//
// Routes:
//   GET  /         200 the operator's console, one HTML page with its script and style inline
//                  (proxy/console/index.html, compiled in). Open without a token: the page holds
//                  no data; its script asks for the token and sends it with every call it makes.
//   GET  /healthz  200 "ok\n", or 503 "draining\n" once the proxy has stopped accepting. Open
//                  without a token, so load balancers can probe it; it tells nothing else.
//   GET  /status   200 JSON: version, uptime, generation, config, sessions, per migration its
//                  phase, canary and shadow settings and counters (admin_status.cpp)
//   GET  /status/history  200 JSON: samples of the counters over the last 15 minutes
//                  (status_history.h); 404 when the server keeps none
//   GET  /metrics  200 Prometheus text format 0.0.4 (admin_metrics.cpp)
//   POST /reload   re-reads the config file: the handler only marks the response `reload`; the
//                  server runs the reload and answers with reload_response()
//   POST /migrations/NAME/backfill, POST /migrations/NAME/verify  start that job inside the
//                  proxy: the handler only marks the response `job`; the server starts it
// Any other path is 404; any other method on a known path is 405 with `allow` set. With a token
// configured, every request but /healthz and / needs `Authorization: Bearer TOKEN`, else 401
// with `WWW-Authenticate: Bearer` (checked before the path, so routes are not revealed).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "proxy/admin_view.h"

namespace switchyard::proxy {

struct AdminRequest {
  std::string method;  // as sent, e.g. "GET"
  std::string target;  // origin-form, e.g. "/metrics?x=1"; the query is ignored
  std::optional<std::string> authorization;  // the Authorization header's value, if any
};

struct AdminResponse {
  int status = 200;
  std::string content_type;
  std::string body;
  std::string allow;             // the Allow header for a 405; empty otherwise
  std::string www_authenticate;  // the WWW-Authenticate header for a 401; empty otherwise
  // An authorized POST /reload: the server must run a reload and answer reload_response(...)
  // instead. This response (503, "reload is not available") stands if it cannot.
  bool reload = false;
  // An authorized POST /migrations/NAME/{backfill,verify}: the server must start that job of
  // migration `job` and answer with what its job runner says. This response (503) stands if it
  // cannot.
  std::string job = {};
  std::string job_kind = {};  // "backfill" or "verify"
};

AdminResponse handle_admin_request(const AdminRequest& request, const AdminView& view);

// The answer to POST /reload: 200 {"generation":N,"changes":"...","migrations":[{name,phase}]},
// 400 {"error":"..."} naming the problem, or 503 {"error":...} while draining.
AdminResponse reload_response(const ReloadOutcome& outcome);

// Whether `authorization` is "Bearer TOKEN" (scheme in any case) with exactly `token`; the
// comparison takes the same time wherever the first difference is.
bool bearer_matches(const std::optional<std::string>& authorization, std::string_view token);

// The console's page (console_page.cpp, from proxy/console/index.html).
std::string_view console_page();

// Renderers of the two bodies (admin_status.cpp, admin_metrics.cpp).
std::string status_json(const AdminView& view);
std::string metrics_text(const AdminView& view);

}  // namespace switchyard::proxy
