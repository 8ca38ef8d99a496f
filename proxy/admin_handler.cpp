// Routing and rendering for the admin HTTP server; see admin_handler.h.
#include "proxy/admin_handler.h"

#include <array>
#include <cstdio>

namespace switchyard::proxy {
namespace {

constexpr std::string_view kTextPlain = "text/plain; charset=utf-8";
constexpr std::string_view kJson = "application/json";
constexpr std::string_view kPrometheusText = "text/plain; version=0.0.4; charset=utf-8";

// Length of the well-formed UTF-8 sequence starting at s[i] (Unicode Table 3-7), or 0.
size_t utf8_sequence_length(std::string_view s, size_t i) {
  const auto byte = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char lead = byte(i);
  if (lead < 0x80) return 1;
  size_t n = 0;
  unsigned char lo = 0x80, hi = 0xBF;  // bounds of the second byte
  if (lead >= 0xC2 && lead <= 0xDF) {
    n = 2;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    n = 3;
    if (lead == 0xE0) lo = 0xA0;  // overlong
    if (lead == 0xED) hi = 0x9F;  // surrogates
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    n = 4;
    if (lead == 0xF0) lo = 0x90;  // overlong
    if (lead == 0xF4) hi = 0x8F;  // above U+10FFFF
  } else {
    return 0;
  }
  if (i + n > s.size() || byte(i + 1) < lo || byte(i + 1) > hi) return 0;
  for (size_t k = 2; k < n; ++k)
    if (byte(i + k) < 0x80 || byte(i + k) > 0xBF) return 0;
  return n;
}

AdminResponse text(int status, std::string_view body) {
  return AdminResponse{status, std::string(kTextPlain), std::string(body), {}};
}

std::string status_json(const AdminView& v) {
  std::string out = "{\"version\":" + json_quote(v.version);
  out += ",\"uptime_seconds\":" + std::to_string(v.uptime_seconds);
  out += ",\"listen\":" + json_quote(v.listen);
  out += ",\"upstream\":" + json_quote(v.upstream);
  out += ",\"sessions\":{\"active\":" + std::to_string(v.active_sessions);
  out += ",\"total\":" + std::to_string(v.total_sessions) + "}";
  out += ",\"draining\":";
  out += v.draining ? "true" : "false";
  out += "}\n";
  return out;
}

void metric(std::string& out, std::string_view name, std::string_view type, std::string_view help,
            const std::string& value) {
  out.append("# HELP ").append(name).append(" ").append(help).append("\n");
  out.append("# TYPE ").append(name).append(" ").append(type).append("\n");
  out.append(name).append(" ").append(value).append("\n");
}

std::string metrics_text(const AdminView& v) {
  std::string out;
  metric(out, "switchyard_up", "gauge", "1 while the proxy process is running.", "1");
  metric(out, "switchyard_sessions_active", "gauge", "Client sessions open now.",
         std::to_string(v.active_sessions));
  metric(out, "switchyard_sessions_total", "counter", "Client sessions accepted since start.",
         std::to_string(v.total_sessions));
  metric(out, "switchyard_statements_rewritten_total", "counter",
         "Statements rewritten so that writes reach both shapes of a migration.", std::to_string(v.statements_rewritten));
  metric(out, "switchyard_statements_refused_total", "counter",
         "Writes to migrated tables refused (SQLSTATE 0A000) because they cannot be mirrored exactly.",
         std::to_string(v.statements_refused));
  return out;
}

}  // namespace

std::string json_quote(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 2);
  out += '"';
  for (size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) {
          std::array<char, 8> buf{};
          std::snprintf(buf.data(), buf.size(), "\\u%04x", static_cast<unsigned>(c));
          out += buf.data();
        } else if (const size_t n = utf8_sequence_length(s, i); n == 0) {
          out += "\\ufffd";
        } else {
          out.append(s.substr(i, n));
          i += n;
          continue;
        }
    }
    ++i;
  }
  out += '"';
  return out;
}

AdminResponse handle_admin_request(const AdminRequest& request, const AdminView& view) {
  std::string_view path = request.target;
  path = path.substr(0, path.find('?'));

  if (path != "/healthz" && path != "/status" && path != "/metrics")
    return text(404, "not found\n");
  // Methods are case-sensitive (RFC 9110 9.1): "get" is not GET.
  if (request.method != "GET") {
    auto response = text(405, "method " + request.method + " not allowed on " + std::string(path) + "; Allow: GET\n");
    response.allow = "GET";
    return response;
  }
  if (path == "/healthz") return view.draining ? text(503, "draining\n") : text(200, "ok\n");
  if (path == "/status") return AdminResponse{200, std::string(kJson), status_json(view), {}};
  return AdminResponse{200, std::string(kPrometheusText), metrics_text(view), {}};
}

}  // namespace switchyard::proxy
