// Config loading: defaults, every key, and errors that name the key and its line.
#include "config/config.h"

#include <gtest/gtest.h>

#include <fstream>

namespace switchyard::config {
namespace {

TEST(Config, AMinimalFileGetsDefaults) {
  const auto r = parse_config("listen: 127.0.0.1:7000\n", "t.yaml");
  ASSERT_TRUE(r) << r.error.to_string();
  EXPECT_EQ(r.config->listen.port, 7000);
  EXPECT_EQ(r.config->upstream.to_string(), "127.0.0.1:5432");
  EXPECT_EQ(r.config->threads, 0u);
  EXPECT_EQ(r.config->log.level, "info");
  EXPECT_FALSE(r.config->admin.listen);
}

TEST(Config, EveryKeyIsRead) {
  const auto r = parse_config(R"(
listen: 0.0.0.0:6000
upstream: "[::1]:5433"
threads: 3
log: {level: debug, format: json}
admin: {listen: 127.0.0.1:9100}
limits: {max_message_bytes: 2048, connect_timeout_ms: 10, drain_timeout_ms: 20, max_client_connections: 7}
)", "t.yaml");
  ASSERT_TRUE(r) << r.error.to_string();
  const Config& c = *r.config;
  EXPECT_EQ(c.listen.to_string(), "0.0.0.0:6000");
  EXPECT_EQ(c.upstream.host, "::1");
  EXPECT_EQ(c.upstream.to_string(), "[::1]:5433");
  EXPECT_EQ(c.threads, 3u);
  EXPECT_EQ(c.log.level, "debug");
  EXPECT_EQ(c.log.format, LogFormat::kJson);
  EXPECT_EQ(c.admin.listen->port, 9100);
  EXPECT_EQ(c.limits.max_message_bytes, 2048u);
  EXPECT_EQ(c.limits.connect_timeout_ms, 10u);
  EXPECT_EQ(c.limits.drain_timeout_ms, 20u);
  EXPECT_EQ(c.limits.max_client_connections, 7u);
  EXPECT_EQ(parse_config("listen: 127.0.0.1:1\n", "t.yaml").config->limits.max_client_connections, 10000u);
}

struct ErrorCase {
  const char* yaml;
  int line;
  const char* key;
  const char* message_part;
};

TEST(Config, ErrorsNameTheKeyAndLine) {
  const ErrorCase cases[] = {
      {"listen: 127.0.0.1:1\nlisten_port: 5\n", 2, "listen_port", "unknown key"},
      {"log:\n  level: info\n  colour: red\n", 3, "log.colour", "unknown key"},
      {"log:\n  level: loud\n", 2, "log.level", "not one of"},
      {"threads: -1\n", 1, "threads", "non-negative integer"},
      {"threads: many\n", 1, "threads", "non-negative integer"},
      {"upstream: localhost\n", 1, "upstream", "host:port"},
      {"upstream: h:99999\n", 1, "upstream", "host:port"},
      {"limits:\n  max_message_bytes: 10\n", 2, "limits.max_message_bytes", "at least 1024"},
      {"log: [1, 2]\n", 1, "log", "expected a mapping"},
      {"listen: [a]\n", 1, "listen", "single value"},
      {"listen: 1.2.3.4:5\n  bad indent: [\n", 2, "", "YAML error"},
      {"", 0, "", "empty"},
      {"admin:\n  listen: 0.0.0.0:9000\n", 2, "admin.listen", "loopback"},
      {"admin:\n  token_env: \"\"\n", 2, "admin.token_env", "empty"},
      {"ddl_lint: yes\n", 1, "ddl_lint", "not one of"},
      {"limits:\n  max_client_connections: 0\n", 2, "limits.max_client_connections", "at least 1"},
      {"limits:\n  max_client_connections: 1000001\n", 2, "limits.max_client_connections", "at most 1000000"},
      {"listen: localhost:6432\n", 1, "listen", "'localhost' is not an IP address"},
      {"admin:\n  listen: 127.evil.example:9000\n", 2, "admin.listen", "not a loopback address"},
      {"shadow:\n  workers: 0\n", 2, "shadow.workers", "at least 1"},
      {"shadow:\n  sample: 5\n", 2, "shadow.sample", "unknown key"},
  };
  for (const auto& c : cases) {
    const auto r = parse_config(c.yaml, "f.yaml");
    ASSERT_FALSE(r) << c.yaml;
    EXPECT_EQ(r.error.line, c.line) << c.yaml;
    EXPECT_EQ(r.error.key, c.key) << c.yaml;
    EXPECT_NE(r.error.message.find(c.message_part), std::string::npos) << r.error.to_string();
    EXPECT_EQ(r.error.to_string().rfind("f.yaml", 0), 0u) << "the message starts with the file name";
  }
}

// Issue 11, part 7: the refusal names the address and offers loopback addresses in host:port form.
TEST(Config, ANonLoopbackAdminAddressWithoutATokenIsRefusedWithUsableSuggestions) {
  const auto r = parse_config("admin:\n  listen: 10.1.2.3:9100\n", "f.yaml");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error.message,
            "'10.1.2.3' is not a loopback address, so the admin API needs admin.token_env (a bearer token); or "
            "listen on a loopback address: 127.0.0.1:9100, [::1]:9100 or localhost:9100");
}

TEST(Config, LocalhostAndLoopbackAddressesNeedNoAdminToken) {
  for (const char* listen : {"localhost:9100", "127.0.0.1:9100", "127.8.9.10:9100", "\"[::1]:9100\""}) {
    const auto r = parse_config(std::string("admin:\n  listen: ") + listen + "\n", "f.yaml");
    EXPECT_TRUE(r) << listen << ": " << r.error.to_string();
  }
  EXPECT_TRUE(is_loopback("::1"));
  EXPECT_FALSE(is_loopback("127.example.com")) << "a name is not an address";
  EXPECT_FALSE(is_loopback("::ffff:10.0.0.1"));
  EXPECT_FALSE(is_loopback("0.0.0.0"));
}

TEST(Config, AdminTokenAllowsANonLoopbackListener) {
  const auto r = parse_config("admin:\n  listen: 0.0.0.0:9000\n  token_env: SWITCHYARD_ADMIN_TOKEN\n", "f.yaml");
  ASSERT_TRUE(r) << r.error.to_string();
  EXPECT_EQ(r.config->admin.token_env, "SWITCHYARD_ADMIN_TOKEN");
}

TEST(Config, DdlLintAndShadowSettings) {
  const auto r = parse_config("ddl_lint: block\nshadow:\n  log: /tmp/x.jsonl\n  workers: 3\n  queue: 7\n"
                              "  timeout_ms: 100\n  max_log_lines_per_second: 2\n", "f.yaml");
  ASSERT_TRUE(r) << r.error.to_string();
  EXPECT_EQ(r.config->ddl_lint, DdlLint::kBlock);
  EXPECT_EQ(r.config->shadow.log, "/tmp/x.jsonl");
  EXPECT_EQ(r.config->shadow.workers, 3u);
  EXPECT_EQ(r.config->shadow.queue, 7u);
  EXPECT_EQ(r.config->shadow.timeout_ms, 100u);
  EXPECT_EQ(r.config->shadow.max_log_lines_per_second, 2u);
  EXPECT_EQ(parse_config("listen: 127.0.0.1:1\n", "f.yaml").config->ddl_lint, DdlLint::kWarn);
}

TEST(Config, TheExampleConfigIsValid) {
  const auto r = load_config_file(SWITCHYARD_SOURCE_DIR "/switchyard.example.yaml");
  ASSERT_TRUE(r) << r.error.to_string();
}

TEST(Config, AMissingFileIsAnError) {
  const auto r = load_config_file("/nonexistent/switchyard.yaml");
  ASSERT_FALSE(r);
  EXPECT_NE(r.error.to_string().find("cannot read"), std::string::npos);
}

TEST(Config, HostPortParsing) {
  HostPort hp;
  EXPECT_TRUE(parse_host_port("db.internal:5432", hp));
  EXPECT_EQ(hp.host, "db.internal");
  EXPECT_TRUE(parse_host_port("[fe80::1]:1", hp));
  EXPECT_EQ(hp.host, "fe80::1");
  for (const char* bad : {"", ":5432", "host:", "host:x", "[::1]5432", "[::1]", "h:-1"})
    EXPECT_FALSE(parse_host_port(bad, hp)) << bad;
}

}  // namespace
}  // namespace switchyard::config
