// Routing and rendering for the admin HTTP server; see admin_handler.h.
#include "proxy/admin_handler.h"

#include <cctype>

#include "util/json_writer.h"

namespace switchyard::proxy {
namespace {

constexpr std::string_view kTextPlain = "text/plain; charset=utf-8";
constexpr std::string_view kJson = "application/json";
constexpr std::string_view kPrometheusText = "text/plain; version=0.0.4; charset=utf-8";
constexpr std::string_view kHtml = "text/html; charset=utf-8";

// POST /migrations/NAME/KIND: (NAME, KIND) for a job kind the proxy runs; else empty.
std::pair<std::string, std::string> job_of(std::string_view path) {
  constexpr std::string_view kPrefix = "/migrations/";
  if (path.rfind(kPrefix, 0) != 0) return {};
  path.remove_prefix(kPrefix.size());
  const size_t slash = path.find('/');
  if (slash == 0 || slash == std::string_view::npos) return {};
  const std::string_view kind = path.substr(slash + 1);
  if (kind != "backfill" && kind != "verify" && kind != "backfill_reverse" && kind != "verify_reverse") return {};
  return {std::string(path.substr(0, slash)), std::string(kind)};
}

AdminResponse text(int status, std::string_view body) {
  return AdminResponse{status, std::string(kTextPlain), std::string(body), {}, {}, false};
}

}  // namespace

bool bearer_matches(const std::optional<std::string>& authorization, std::string_view token) {
  if (!authorization) return false;
  std::string_view value = *authorization;
  constexpr std::string_view kScheme = "bearer ";
  if (value.size() < kScheme.size()) return false;
  for (size_t i = 0; i < kScheme.size(); ++i)  // the scheme is case-insensitive (RFC 9110 11.1)
    if (std::tolower(static_cast<unsigned char>(value[i])) != kScheme[i]) return false;
  value.remove_prefix(kScheme.size());
  while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.remove_suffix(1);
  // Constant time in the token's content: every byte of `token` is looked at, whatever matches.
  unsigned diff = value.size() == token.size() ? 0u : 1u;
  for (size_t i = 0; i < token.size(); ++i) {
    const unsigned char a = i < value.size() ? static_cast<unsigned char>(value[i]) : 0;
    diff |= a ^ static_cast<unsigned char>(token[i]);
  }
  return diff == 0 && !token.empty();
}

AdminResponse handle_admin_request(const AdminRequest& request, const AdminView& view) {
  std::string_view path = request.target;
  path = path.substr(0, path.find('?'));

  const bool open = path == "/healthz" || path == "/";
  if (!open && !view.token.empty() && !bearer_matches(request.authorization, view.token)) {
    auto response = text(401, "missing or wrong bearer token\n");
    response.www_authenticate = "Bearer realm=\"switchyard\"";
    return response;
  }
  // POST /migrations/NAME/backfill (or /verify, /backfill_reverse, /verify_reverse) starts a job
  // inside the proxy (GET /status shows it).
  const auto [job, job_kind] = job_of(path);
  const bool history = path == "/status/history" && view.history_json;
  const bool known = path == "/" || path == "/healthz" || path == "/status" || history || path == "/metrics" ||
                     path == "/reload" || !job.empty();
  if (!known) return text(404, "not found\n");
  // Methods are case-sensitive (RFC 9110 9.1): "get" is not GET.
  const std::string_view allowed = path == "/reload" || !job.empty() ? "POST" : "GET";
  if (request.method != allowed) {
    auto response = text(405, "method " + request.method + " not allowed on " + std::string(path) + "; Allow: " +
                                  std::string(allowed) + "\n");
    response.allow = std::string(allowed);
    return response;
  }
  if (path == "/healthz") return view.draining ? text(503, "draining\n") : text(200, "ok\n");
  if (path == "/") return AdminResponse{200, std::string(kHtml), std::string(console_page()), {}, {}, false};
  if (path == "/status") return AdminResponse{200, std::string(kJson), status_json(view), {}, {}, false};
  if (history) return AdminResponse{200, std::string(kJson), view.history_json(), {}, {}, false};
  if (path == "/metrics") return AdminResponse{200, std::string(kPrometheusText), metrics_text(view), {}, {}, false};
  if (!job.empty()) {
    auto response = text(503, "jobs are not available\n");
    response.job = job;
    response.job_kind = job_kind;
    return response;
  }
  auto response = text(503, "reload is not available\n");
  response.reload = true;
  return response;
}

AdminResponse reload_response(const ReloadOutcome& outcome) {
  std::string body;
  util::JsonWriter w(body);
  if (!outcome.ok) {
    w.begin_object().key("error").string(outcome.error).end_object();
    return AdminResponse{outcome.draining ? 503 : 400, std::string(kJson), body + "\n", {}, {}, false};
  }
  w.begin_object().key("generation").number(outcome.generation).key("changes").string(outcome.changes);
  w.key("migrations").begin_array();
  for (const auto& [name, phase] : outcome.phases) w.begin_object().key("name").string(name).key("phase").string(phase).end_object();
  w.end_array().end_object();
  return AdminResponse{200, std::string(kJson), body + "\n", {}, {}, false};
}

}  // namespace switchyard::proxy
