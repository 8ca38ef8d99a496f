// switchyard's configuration: plain structs, loaded and validated from YAML.
// This folder is the only code that includes yaml-cpp. Every error names the file, the line and
// the key, and unknown keys are errors, so a typo never silently falls back to a default.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "config/migration.h"

namespace switchyard::config {

struct HostPort {
  std::string host;
  uint16_t port = 0;
  std::string to_string() const;
};

enum class LogFormat { kText, kJson };

struct LogConfig {
  std::string level = "info";  // trace | debug | info | warn | error
  LogFormat format = LogFormat::kText;
};

struct AdminConfig {
  std::optional<HostPort> listen;  // no admin server when absent
};

struct Limits {
  uint32_t max_message_bytes = 64u << 20;
  uint32_t connect_timeout_ms = 5000;
  uint32_t drain_timeout_ms = 30000;
};

struct Config {
  HostPort listen{"127.0.0.1", 6432};
  HostPort upstream{"127.0.0.1", 5432};
  unsigned threads = 0;  // 0: one per core
  LogConfig log;
  AdminConfig admin;
  Limits limits;
  // libpq connection string for the proxy's own connection (schema checks, later backfill and
  // verification). Required when there are migrations.
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

// "host:port", "[v6]:port"; false if malformed.
bool parse_host_port(const std::string& text, HostPort& out);

}  // namespace switchyard::config
