// Typed reading of YAML nodes with errors that name the file, line and dotted key.
// Internal to config/: only config/*.cpp include it.
#pragma once

#include <yaml-cpp/yaml.h>

#include <charconv>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>

#include "config/config.h"
#include "config/migration.h"
#include "config/tls.h"

namespace switchyard::config::detail {

// Thrown only inside config/, to unwind out of nested readers; parse_config turns it into a
// ConfigError. Nothing escapes the module.
struct Failure {
  ConfigError error;
};

class Reader {
 public:
  explicit Reader(std::string file) : file_(std::move(file)) {}

  [[noreturn]] void fail(const YAML::Node& node, const std::string& key, const std::string& message) const {
    throw Failure{ConfigError{file_, node.Mark().is_null() ? 0 : node.Mark().line + 1, key, message}};
  }

  // Calls handlers[key] for each key of the mapping `node`; an unknown key is an error.
  void mapping(const YAML::Node& node, const std::string& path,
               const std::map<std::string, std::function<void(const YAML::Node&, const std::string&)>>& handlers) {
    if (!node.IsMap()) fail(node, path, "expected a mapping");
    for (const auto& kv : node) {
      const std::string key = kv.first.as<std::string>();
      const std::string full = path.empty() ? key : path + "." + key;
      const auto it = handlers.find(key);
      if (it == handlers.end()) fail(kv.first, full, "unknown key");
      it->second(kv.second, full);
    }
  }

  std::string scalar(const YAML::Node& node, const std::string& key) const {
    if (!node.IsScalar()) fail(node, key, "expected a single value");
    return node.Scalar();
  }

  uint64_t unsigned_int(const YAML::Node& node, const std::string& key, uint64_t max) const {
    const std::string s = scalar(node, key);
    uint64_t v = 0;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || end != s.data() + s.size()) fail(node, key, "expected a non-negative integer, got '" + s + "'");
    if (v > max) fail(node, key, "must be at most " + std::to_string(max));
    return v;
  }

  double number(const YAML::Node& node, const std::string& key, double min, double max) const {
    const std::string s = scalar(node, key);
    double v = 0;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || end != s.data() + s.size()) fail(node, key, "expected a number, got '" + s + "'");
    if (v < min || v > max) fail(node, key, "must be between " + trim_number(min) + " and " + trim_number(max));
    return v;
  }

  bool boolean(const YAML::Node& node, const std::string& key) const {
    return one_of(node, key, {"true", "false"}) == "true";
  }

  HostPort host_port(const YAML::Node& node, const std::string& key) const {
    HostPort hp;
    if (!parse_host_port(scalar(node, key), hp)) fail(node, key, "expected host:port, got '" + node.Scalar() + "'");
    return hp;
  }

  std::string one_of(const YAML::Node& node, const std::string& key, const std::set<std::string>& allowed) const {
    const std::string s = scalar(node, key);
    if (!allowed.count(s)) {
      std::string list;
      for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
      fail(node, key, "'" + s + "' is not one of " + list);
    }
    return s;
  }

 private:
  static std::string trim_number(double v) {
    std::string s = std::to_string(v);
    while (s.find('.') != std::string::npos && (s.back() == '0' || s.back() == '.')) {
      const bool dot = s.back() == '.';
      s.pop_back();
      if (dot) break;
    }
    return s;
  }
  std::string file_;
};

// Reads the `migrations:` list (config/migrations_yaml.cpp).
void read_migrations(Reader& r, const YAML::Node& node, const std::string& key, std::vector<Migration>& out);
// Reads `tls:` and `upstream_tls:` (config/tls_yaml.cpp).
void read_client_tls(Reader& r, const YAML::Node& node, const std::string& key, ClientTls& out);
void read_upstream_tls(Reader& r, const YAML::Node& node, const std::string& key, UpstreamTls& out);

}  // namespace switchyard::config::detail
