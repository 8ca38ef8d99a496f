// YAML loading and validation for switchyard's configuration; see config.h.
#include "config/config.h"

#include <arpa/inet.h>
#include <yaml-cpp/yaml.h>

#include "config/yaml_reader.h"

#include <charconv>
#include <fstream>
#include <functional>
#include <map>
#include <set>
#include <sstream>

namespace switchyard::config {

std::string HostPort::to_string() const {
  return host.find(':') != std::string::npos ? "[" + host + "]:" + std::to_string(port)
                                             : host + ":" + std::to_string(port);
}

std::string ConfigError::to_string() const {
  std::string s = file;
  if (line > 0) s += ":" + std::to_string(line);
  s += ": ";
  if (!key.empty()) s += key + ": ";
  return s + message;
}

bool parse_host_port(const std::string& text, HostPort& out) {
  std::string host, port;
  if (!text.empty() && text.front() == '[') {
    const auto close = text.find(']');
    if (close == std::string::npos || close + 1 >= text.size() || text[close + 1] != ':') return false;
    host = text.substr(1, close - 1);
    port = text.substr(close + 2);
  } else {
    const auto colon = text.rfind(':');
    if (colon == std::string::npos) return false;
    host = text.substr(0, colon);
    port = text.substr(colon + 1);
  }
  unsigned value = 0;
  const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
  if (host.empty() || ec != std::errc() || end != port.data() + port.size() || value > 65535) return false;
  out.host = host;
  out.port = static_cast<uint16_t>(value);
  return true;
}

bool is_ip_address(const std::string& host) {
  unsigned char buf[sizeof(in6_addr)];
  return inet_pton(AF_INET, host.c_str(), buf) == 1 || inet_pton(AF_INET6, host.c_str(), buf) == 1;
}

bool is_loopback(const std::string& host) {
  if (host == "localhost") return true;
  in_addr v4{};
  if (inet_pton(AF_INET, host.c_str(), &v4) == 1) return (ntohl(v4.s_addr) >> 24) == 127;
  in6_addr v6{};
  return inet_pton(AF_INET6, host.c_str(), &v6) == 1 && IN6_IS_ADDR_LOOPBACK(&v6);
}

namespace {
using detail::Failure;
using detail::Reader;

// What protocol: mysql does not support (yet), refused at load rather than half-honoured.
void check_mysql(const YAML::Node& root, Reader& r, const Config& c) {
  if (root["auth"])
    r.fail(root["auth"], "auth", "is PostgreSQL's SCRAM on both legs; MySQL sessions relay the server's authentication");
  // The client's TLS and the server's must match (caching_sha2_password sends the password in
  // clear over a TLS client leg, which must not continue in plaintext).
  if (c.tls.enabled() && !c.upstream_tls.enabled())
    r.fail(root["tls"], "tls", "under protocol: mysql a TLS client gets a TLS upstream: set upstream_tls.mode too");
  const YAML::Node list = root["migrations"];
  for (size_t i = 0; i < c.migrations.size(); ++i) {
    const Migration& m = c.migrations[i];
    const YAML::Node node = list && list.IsSequence() && i < list.size() ? list[i] : list;
    const std::string key = "migrations[" + std::to_string(i) + "]";
    if (m.canary_key == CanaryKey::kApplicationName)
      r.fail(node, key + ".canary.key", "migration " + m.name + ": MySQL sessions have no application_name; use session, user or client_address");
  }
}

Config read_config(const YAML::Node& root, Reader& r) {
  Config c;
  if (!root.IsDefined() || root.IsNull()) r.fail(root, "", "the file is empty");
  r.mapping(root, "", {
    {"protocol", [&](auto& n, auto& k) {
       c.protocol = r.one_of(n, k, {"postgres", "mysql"}) == "mysql" ? Protocol::kMysql : Protocol::kPostgres;
     }},
    {"listen", [&](auto& n, auto& k) {
       c.listen = r.host_port(n, k);
       // The client listener binds one address (a reload may rebind it): a name is refused here,
       // so that --check-config and start-up agree.
       if (!is_ip_address(c.listen.host)) r.fail(n, k, "'" + c.listen.host + "' is not an IP address");
     }},
    {"upstream", [&](auto& n, auto& k) { c.upstream = r.host_port(n, k); }},
    {"tls", [&](auto& n, auto& k) { detail::read_client_tls(r, n, k, c.tls); }},
    {"upstream_tls", [&](auto& n, auto& k) { detail::read_upstream_tls(r, n, k, c.upstream_tls); }},
    {"auth", [&](auto& n, auto& k) {
       r.mapping(n, k, {
         {"mode", [&](auto& m, auto& mk) {
            const std::string v = r.one_of(m, mk, {"auto", "passthrough", "scram"});
            c.auth.mode = v == "auto" ? AuthMode::kAuto : v == "scram" ? AuthMode::kScram : AuthMode::kPassthrough;
          }},
         {"query", [&](auto& m, auto& mk) {
            c.auth.query = r.scalar(m, mk);
            if (c.auth.query.find("$1") == std::string::npos)
              r.fail(m, mk, "must take the role name as $1 and return (name, verifier), as " + std::string(kDefaultAuthQuery));
          }},
         {"cache_ms", [&](auto& m, auto& mk) { c.auth.cache_ms = static_cast<uint32_t>(r.unsigned_int(m, mk, 3'600'000)); }},
       });
     }},
    {"threads", [&](auto& n, auto& k) { c.threads = static_cast<unsigned>(r.unsigned_int(n, k, 1024)); }},
    {"log", [&](auto& n, auto& k) {
       r.mapping(n, k, {
         {"level", [&](auto& m, auto& mk) { c.log.level = r.one_of(m, mk, {"trace", "debug", "info", "warn", "error"}); }},
         {"format", [&](auto& m, auto& mk) {
            c.log.format = r.one_of(m, mk, {"text", "json"}) == "json" ? LogFormat::kJson : LogFormat::kText;
          }},
       });
     }},
    {"admin", [&](auto& n, auto& k) {
       r.mapping(n, k, {{"listen", [&](auto& m, auto& mk) { c.admin.listen = r.host_port(m, mk); }},
                        {"token_env", [&](auto& m, auto& mk) {
                           c.admin.token_env = r.scalar(m, mk);
                           if (c.admin.token_env.empty()) r.fail(m, mk, "is empty");
                         }},
                        {"history_interval_seconds", [&](auto& m, auto& mk) {
                           c.admin.history_interval_seconds = static_cast<uint32_t>(r.unsigned_int(m, mk, 60));
                           if (c.admin.history_interval_seconds == 0) r.fail(m, mk, "must be 1 to 60");
                         }}});
       // Without a token the admin API (which can reload config) never leaves this host.
       if (c.admin.listen && c.admin.token_env.empty() && !is_loopback(c.admin.listen->host)) {
         const std::string port = std::to_string(c.admin.listen->port);
         r.fail(n["listen"], k + ".listen",
                "'" + c.admin.listen->host + "' is not a loopback address, so the admin API needs admin.token_env "
                "(a bearer token); or listen on a loopback address: 127.0.0.1:" + port + ", [::1]:" + port +
                    " or localhost:" + port);
       }
     }},
    {"ddl_lint", [&](auto& n, auto& k) {
       const std::string v = r.one_of(n, k, {"off", "warn", "block"});
       c.ddl_lint = v == "off" ? DdlLint::kOff : v == "block" ? DdlLint::kBlock : DdlLint::kWarn;
     }},
    {"shadow", [&](auto& n, auto& k) {
       r.mapping(n, k, {
         {"log", [&](auto& m, auto& mk) { c.shadow.log = r.scalar(m, mk); }},
         {"max_log_lines_per_second", [&](auto& m, auto& mk) {
            c.shadow.max_log_lines_per_second = static_cast<uint32_t>(r.unsigned_int(m, mk, 100000));
          }},
         {"workers", [&](auto& m, auto& mk) {
            const auto v = r.unsigned_int(m, mk, 64);
            if (v == 0) r.fail(m, mk, "must be at least 1");
            c.shadow.workers = static_cast<uint32_t>(v);
          }},
         {"queue", [&](auto& m, auto& mk) { c.shadow.queue = static_cast<uint32_t>(r.unsigned_int(m, mk, 1000000)); }},
         {"timeout_ms", [&](auto& m, auto& mk) {
            c.shadow.timeout_ms = static_cast<uint32_t>(r.unsigned_int(m, mk, 3'600'000));
          }},
       });
     }},
    {"limits", [&](auto& n, auto& k) {
       r.mapping(n, k, {
         {"max_message_bytes", [&](auto& m, auto& mk) {
            const auto v = r.unsigned_int(m, mk, 1u << 30);
            if (v < 1024) r.fail(m, mk, "must be at least 1024");
            c.limits.max_message_bytes = static_cast<uint32_t>(v);
          }},
         {"connect_timeout_ms", [&](auto& m, auto& mk) {
            c.limits.connect_timeout_ms = static_cast<uint32_t>(r.unsigned_int(m, mk, 3'600'000));
          }},
         {"drain_timeout_ms", [&](auto& m, auto& mk) {
            c.limits.drain_timeout_ms = static_cast<uint32_t>(r.unsigned_int(m, mk, 86'400'000));
          }},
         {"max_assembly_bytes", [&](auto& m, auto& mk) {
            c.limits.max_assembly_bytes = r.unsigned_int(m, mk, 1ull << 40);
          }},
         {"message_timeout_ms", [&](auto& m, auto& mk) {
            const auto v = r.unsigned_int(m, mk, 3'600'000);
            if (v < 100) r.fail(m, mk, "must be at least 100");
            c.limits.message_timeout_ms = static_cast<uint32_t>(v);
          }},
         {"max_prepared_statements", [&](auto& m, auto& mk) {
            const auto v = r.unsigned_int(m, mk, 1'000'000);
            if (v < 1) r.fail(m, mk, "must be at least 1");
            c.limits.max_prepared_statements = static_cast<uint32_t>(v);
          }},
         {"max_client_connections", [&](auto& m, auto& mk) {
            const auto v = r.unsigned_int(m, mk, 1'000'000);
            if (v == 0) r.fail(m, mk, "must be at least 1");
            c.limits.max_client_connections = static_cast<uint32_t>(v);
          }},
       });
       if (c.limits.max_assembly_bytes < c.limits.max_message_bytes)
         r.fail(n["max_assembly_bytes"] ? n["max_assembly_bytes"] : n, k + ".max_assembly_bytes",
                "must be at least limits.max_message_bytes (" + std::to_string(c.limits.max_message_bytes) +
                    "), or no message of the largest size could be read");
     }},
    {"control", [&](auto& n, auto& k) { c.control = r.scalar(n, k); }},
    {"migrations", [&](auto& n, auto& k) { detail::read_migrations(r, n, k, c.migrations); }},
  });
  if (c.protocol == Protocol::kMysql) check_mysql(root, r, c);
  if (c.migrations.size() > 64) r.fail(root["migrations"], "migrations", "at most 64 migrations are supported");
  if (!c.auth.effective_query().empty() && c.control.empty())
    r.fail(root["auth"], "auth", "SCRAM on both legs reads each role's verifier over a control: connection string, "
                                 "which is not set");
  if (!c.migrations.empty() && c.control.empty())
    r.fail(root, "control", "migrations need a control: connection string (the proxy checks them against the live schema)");
  return c;
}

}  // namespace

const char* to_string(Protocol p) { return p == Protocol::kMysql ? "mysql" : "postgres"; }

const char* to_string(AuthMode m) {
  switch (m) {
    case AuthMode::kAuto: return "auto";
    case AuthMode::kPassthrough: return "passthrough";
    case AuthMode::kScram: return "scram";
  }
  return "?";
}

LoadResult parse_config(const std::string& yaml_text, const std::string& name) {
  LoadResult result;
  Reader reader(name);
  try {
    const YAML::Node root = YAML::Load(yaml_text);
    result.config = read_config(root, reader);
  } catch (const Failure& f) {
    result.error = f.error;
  } catch (const YAML::Exception& e) {
    result.error = ConfigError{name, e.mark.is_null() ? 0 : e.mark.line + 1, "", "YAML error: " + e.msg};
  }
  return result;
}

LoadResult load_config_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) {
    LoadResult r;
    r.error = ConfigError{path, 0, "", "cannot read the file"};
    return r;
  }
  std::stringstream ss;
  ss << in.rdbuf();
  return parse_config(ss.str(), path);
}

}  // namespace switchyard::config
