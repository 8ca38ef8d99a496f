// switchyard's configuration: plain structs, loaded and validated from YAML.
// This folder is the only code that includes yaml-cpp. Every error names the file, the line and
// the key, and unknown keys are errors, so a typo never silently falls back to a default.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "config/migration.h"
#include "config/auth.h"
#include "config/tls.h"

namespace switchyard::config {

struct HostPort {
  std::string host;
  uint16_t port = 0;
  std::string to_string() const;
};

enum class LogFormat { kText, kJson };

// The wire protocol of clients and upstream: one switchyard process fronts one kind of server.
enum class Protocol { kPostgres, kMysql };
const char* to_string(Protocol p);

struct LogConfig {
  std::string level = "info";  // trace | debug | info | warn | error
  LogFormat format = LogFormat::kText;
};

struct AdminConfig {
  std::optional<HostPort> listen;  // no admin server when absent
  // Name of an environment variable holding a bearer token that every admin request must carry
  // (Authorization: Bearer TOKEN). Empty: no token, and then `listen` must be a loopback address.
  std::string token_env;
  // How often the console's history (GET /status/history) takes a sample; it keeps 15 minutes.
  uint32_t history_interval_seconds = 5;
};

// What the proxy does with risky DDL that clients send through it (docs/config.md).
enum class DdlLint { kOff, kWarn, kBlock };

// Process-wide settings of shadow reads; per-migration sampling is in Migration::shadow.
struct ShadowConfig {
  std::string log;                 // JSON-lines file for confirmed mismatches; empty: the main log
  uint32_t max_log_lines_per_second = 10;
  uint32_t workers = 2;            // threads, each with its own connection over `control`
  uint32_t queue = 1000;           // pending shadow reads beyond this are skipped and counted
  uint32_t timeout_ms = 5000;      // statement_timeout of each shadow query
};

struct Limits {
  uint32_t max_message_bytes = 64u << 20;
  uint32_t connect_timeout_ms = 5000;
  uint32_t drain_timeout_ms = 30000;
  // Statements one client session may hold prepared (each is remembered, to be prepared again
  // after a phase flip); a Parse or PREPARE beyond it ends the session with FATAL 54000.
  uint32_t max_prepared_statements = 10000;
  // All sessions together: bytes of captured messages (Query, Parse, ...) assembled across
  // reads. A session whose message would pass it ends with FATAL 53200. At least
  // max_message_bytes.
  uint64_t max_assembly_bytes = 256ull << 20;
  // How long a client message may take to arrive once its header has (while it is assembled).
  uint32_t message_timeout_ms = 30000;
  // Client connections open at once; the next one is answered FATAL 53300 and closed (as
  // PgBouncer's max_client_conn). Each needs two descriptors: see proxy/fd_limit.h.
  uint32_t max_client_connections = 10000;
};

struct Config {
  Protocol protocol = Protocol::kPostgres;
  HostPort listen{"127.0.0.1", 6432};
  HostPort upstream{"127.0.0.1", 5432};
  unsigned threads = 0;  // 0: one per core
  ClientTls tls;             // towards clients (config/tls.h)
  UpstreamTls upstream_tls;  // towards `upstream`; the control connection uses its own sslmode
  AuthConfig auth;           // relay the server's authentication, or run SCRAM on both legs (config/auth.h)
  LogConfig log;
  AdminConfig admin;
  Limits limits;
  DdlLint ddl_lint = DdlLint::kWarn;
  ShadowConfig shadow;
  // libpq connection string for the proxy's own connection (schema checks, later backfill and
  // verification). Required when there are migrations. Not used under protocol: mysql.
  std::string control;
  std::vector<Migration> migrations;
};

struct ConfigError {
  std::string file;
  int line = 0;  // 1-based; 0 when the error concerns the whole file
  std::string key;  // dotted path, e.g. "limits.max_message_bytes"
  std::string message;
  std::string to_string() const;  // "FILE:LINE: KEY: MESSAGE"
};

// Either a Config or the first error found.
struct LoadResult {
  std::optional<Config> config;
  ConfigError error;
  explicit operator bool() const { return config.has_value(); }
};

// `name` is used in error messages only.
LoadResult parse_config(const std::string& yaml_text, const std::string& name);
LoadResult load_config_file(const std::string& path);

// Whether `host` is a literal IPv4 or IPv6 address.
bool is_ip_address(const std::string& host);
// Whether `host` is "localhost" or a literal loopback address (127.0.0.0/8, ::1).
bool is_loopback(const std::string& host);

// "host:port", "[v6]:port"; false if malformed.
bool parse_host_port(const std::string& text, HostPort& out);

}  // namespace switchyard::config
