// A real Prometheus (Debian's prometheus) scraping switchyard's /metrics with the admin bearer
// token, started on a free loopback port in a temp dir and stopped by its pid: its HTTP API says
// the target is up and the main series are there with their labels, and it has loaded the
// example alerting rules (deploy/prometheus/alerts.yml), which promtool also checks.
#include <signal.h>

#include <gtest/gtest.h>

#include <cstdlib>
#include <memory>
#include <string>

#include "tests/support/child_process.h"
#include "tests/support/http_client.h"
#include "tests/support/migration_proxy.h"
#include "tests/support/net.h"
#include "tests/support/run_command.h"
#include "tests/support/temp_dir.h"
#include "tests/support/wait.h"

namespace switchyard::test_support {
namespace {

constexpr char kAlerts[] = SWITCHYARD_SOURCE_DIR "/deploy/prometheus/alerts.yml";
constexpr char kTokenVariable[] = "SWITCHYARD_CONSOLE_PROMETHEUS_TOKEN";
constexpr char kToken[] = "prometheus-scrape-token";

TEST(ConsolePrometheus, ExampleAlertRulesPassPromtool) {
  const CommandResult r = run_command({"/usr/bin/promtool", "check", "rules", kAlerts}, 60s);
  EXPECT_TRUE(r.succeeded()) << r.describe();
  EXPECT_NE(r.out.find("SUCCESS: 6 rules found"), std::string::npos) << r.describe();
}

TEST(ConsolePrometheus, ScrapesMetricsWithTheTokenAndLoadsTheAlerts) {
  ::setenv(kTokenVariable, kToken, 1);
  const int admin = pick_free_port();
  std::string error;
  auto proxy = MigrationProxy::start(
      "console_prometheus",
      "CREATE TABLE users (id int PRIMARY KEY, full_name text, display_name text);"
      "INSERT INTO users VALUES (1, 'Ada', 'Ada');",
      std::string("migrations:\n  - name: users-display-name\n    table: users\n"
                  "    rename_column: {from: full_name, to: display_name}\n    phase: dual_write\n"
                  "admin: {listen: 127.0.0.1:") +
          std::to_string(admin) + ", token_env: " + kTokenVariable + "}\n",
      error);
  ::unsetenv(kTokenVariable);
  ASSERT_TRUE(proxy) << error;
  PgConn client = proxy->connect_proxied();
  ASSERT_EQ(PQstatus(client.get()), CONNECTION_OK) << PQerrorMessage(client.get());
  exec(client.get(), "UPDATE users SET full_name = 'Ada King' WHERE id = 1");

  auto dir = TempDir::create("console-prometheus", error);
  ASSERT_TRUE(dir) << error;
  const int web = pick_free_port();
  const std::string config = "global: {scrape_interval: 1s, evaluation_interval: 1s}\n"
                             "rule_files: ['" + std::string(kAlerts) + "']\n"
                             "scrape_configs:\n"
                             "  - job_name: switchyard\n"
                             "    authorization: {credentials: " + kToken + "}\n"
                             "    static_configs: [{targets: ['127.0.0.1:" + std::to_string(admin) + "']}]\n";
  ASSERT_TRUE(write_file(dir->file("prometheus.yml"), config, error)) << error;
  const CommandResult checked = run_command({"/usr/bin/promtool", "check", "config", dir->file("prometheus.yml")}, 60s);
  ASSERT_TRUE(checked.succeeded()) << checked.describe();

  auto prometheus = ChildProcess::spawn(
      {{"/usr/bin/prometheus", "--config.file=" + dir->file("prometheus.yml"), "--storage.tsdb.path=" + dir->file("data"),
        "--web.listen-address=127.0.0.1:" + std::to_string(web), "--log.level=warn"},
       std::nullopt, dir->path(), dir->file("prometheus.log")},
      error);
  ASSERT_TRUE(prometheus) << error;
  const auto log = [&] { return read_file(dir->file("prometheus.log")); };

  std::string targets;
  EXPECT_TRUE(eventually(
      [&] {
        targets = http_request(web, "GET", "/api/v1/targets?state=active").body;
        return targets.find("\"health\":\"up\"") != std::string::npos;
      },
      60s))
      << targets << log();
  EXPECT_NE(targets.find("\"job\":\"switchyard\""), std::string::npos) << targets;

  const auto query = [&](const std::string& expr) { return http_request(web, "GET", "/api/v1/query?query=" + expr).body; };
  std::string statements;
  EXPECT_TRUE(eventually(
      [&] {
        statements = query("switchyard_statements_total");
        return statements.find("\"route\":\"rewritten\"") != std::string::npos;
      },
      30s))
      << statements;
  EXPECT_NE(statements.find("\"migration\":\"users-display-name\""), std::string::npos) << statements;
  EXPECT_NE(statements.find("\"kind\":\"write\""), std::string::npos) << statements;
  EXPECT_NE(statements.find("\"route\":\"refused\""), std::string::npos) << statements;
  // The main families, each with its labels.
  struct Series {
    const char* query;
    const char* label;
  };
  for (const Series& s : {Series{"switchyard_shadow_reads_total", "\"result\":\"mismatch\""},
                          Series{"switchyard_reloads_total", "\"result\":\"failed\""},
                          Series{"switchyard_sessions_behind", "\"migration\":\"users-display-name\""},
                          Series{"switchyard_upstream_seconds_count", "\"job\":\"switchyard\""},
                          Series{"switchyard_sessions_active", "\"instance\":\"127.0.0.1:"},
                          Series{"switchyard_config_generation", "\"job\":\"switchyard\""}}) {
    const std::string body = query(s.query);
    EXPECT_NE(body.find(s.label), std::string::npos) << s.query << ": " << body;
  }
  const std::string rules = http_request(web, "GET", "/api/v1/rules").body;
  for (const char* alert : {"SwitchyardShadowMismatch", "SwitchyardWritesRefused", "SwitchyardReloadFailed",
                            "SwitchyardSessionsBehind", "SwitchyardUpstreamSlow"})
    EXPECT_NE(rules.find(alert), std::string::npos) << alert << ": " << rules;
  EXPECT_EQ(rules.find("\"health\":\"err\""), std::string::npos) << rules;

  const int status = prometheus->stop(SIGTERM, 10s);
  EXPECT_TRUE(WIFEXITED(status)) << describe_wait_status(status) << log();
}

}  // namespace
}  // namespace switchyard::test_support
