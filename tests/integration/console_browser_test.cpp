// The operator's console (GET /) in a real headless Chromium, while pgbench runs reads and writes
// through the proxy: the page asks for the admin token and its actions fail without it; with it,
// the test steps a migration from off to new_only by editing the config and pressing the page's
// Reload button, starts a backfill and a verify from the page, and after each step reads the
// page's visible text: the phase marked, the counters moving, the progress bars, a refused write
// and a refused reload. A PNG of each step is kept in build/test-artifacts/console/ (the path is
// printed) for a person to look at.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>

#include "tests/support/http_client.h"
#include "tests/support/line_process.h"
#include "tests/support/migration_proxy.h"
#include "tests/support/net.h"
#include "tests/support/pg_cluster.h"
#include "tests/support/pgbench_loop.h"
#include "tests/support/temp_dir.h"
#include "tests/support/wait.h"

namespace switchyard::test_support {
namespace {

constexpr char kTokenVariable[] = "SWITCHYARD_CONSOLE_TEST_TOKEN";
constexpr char kToken[] = "console-test-token";
constexpr char kDriver[] = SWITCHYARD_SOURCE_DIR "/tests/integration/drivers/console/console_driver.py";
constexpr char kCard[] = "[data-migration=\"users-display-name\"]";

// build/test-artifacts/console, beside the test binary.
std::string artifacts_dir() {
  const auto dir = std::filesystem::read_symlink("/proc/self/exe").parent_path() / "test-artifacts" / "console";
  std::filesystem::create_directories(dir);
  return dir.string();
}

std::string spaced(std::string css) {  // the driver's wait command takes ~ for a space
  for (char& c : css)
    if (c == ' ') c = '~';
  return css;
}

class ConsoleBrowser : public ::testing::Test {
 protected:
  void SetUp() override {
    ::setenv(kTokenVariable, kToken, 1);
    admin_ = pick_free_port();
    std::string error;
    proxy_ = MigrationProxy::start(
        "console_browser",
        "CREATE TABLE users (id int PRIMARY KEY, full_name text, email text, display_name text);"
        "INSERT INTO users (id, full_name) SELECT g, 'user ' || g FROM generate_series(1, 20000) g;",
        std::string("migrations:\n  - name: users-display-name\n    table: users\n"
                    "    rename_column: {from: full_name, to: display_name}\n    phase: off\n"
                    "    shadow: {sample_percent: 100}\n"
                    "admin: {listen: 127.0.0.1:") +
            std::to_string(admin_) + ", token_env: " + kTokenVariable + ", history_interval_seconds: 1}\n",
        error);
    ASSERT_TRUE(proxy_) << error;
    ASSERT_TRUE(dir_ = TempDir::create("console-browser", error)) << error;
    ASSERT_TRUE(write_file(dir_->file("load.sql"),
                           "\\set id random(1, 20000)\n"
                           "UPDATE users SET full_name = 'user ' || :id || ' again' WHERE id = :id;\n"
                           "SELECT full_name FROM users WHERE id = :id;\n",
                           error))
        << error;
    const Endpoint at = proxy_->process().endpoint();
    load_ = std::make_unique<PgbenchLoop>(
        "console", std::vector<std::string>{pg_program("pgbench"), "-h", at.host, "-p", std::to_string(at.port), "-U",
                                            kSuperuser, "-n", "-c", "2", "-j", "1", "-T", "4", "-R", "200", "-f",
                                            dir_->file("load.sql"), proxy_->database()},
        30s);
    browser_ = LineProcess::start({"/usr/bin/python3", kDriver, dir_->file("chromium-profile")}, error);
    ASSERT_TRUE(browser_) << error;
    ASSERT_EQ(answer(60s), "ok ready") << browser_->diagnostics();
    shots_ = artifacts_dir();
    std::printf("console screenshots: %s\n", shots_.c_str());
  }
  void TearDown() override {
    if (browser_) browser_->close_and_wait(10s);
    if (load_) load_->stop();
    if (HasFailure() && proxy_) std::fprintf(stderr, "--- switchyard log (tail) ---\n%s\n", proxy_->log_tail().c_str());
    ::unsetenv(kTokenVariable);
  }

  std::string answer(std::chrono::milliseconds timeout = 60s) {
    const auto line = browser_->read_line(timeout);
    return line ? *line : "error: no answer; " + browser_->diagnostics();
  }
  // Sends one driver command; its answer, which must start with "ok".
  std::string drive(const std::string& command, std::chrono::milliseconds timeout = 60s) {
    EXPECT_TRUE(browser_->write(command + "\n")) << browser_->diagnostics();
    std::string a = answer(timeout);
    EXPECT_EQ(a.rfind("ok", 0), 0u) << command << " -> " << a;
    return a;
  }
  // Waits until the element `css` shows `text`; returns all its text.
  std::string wait_for(const std::string& css, const std::string& text, int seconds = 30) {
    return drive("wait " + spaced(css) + " " + std::to_string(seconds) + " " + text,
                 std::chrono::seconds(seconds + 30));
  }
  void shot(const std::string& name) { drive("shot " + shots_ + "/" + name + ".png"); }
  std::string tile(const std::string& label) {
    return drive(std::string("text ") + kCard + " [data-tile=\"" + label + "\"]");
  }
  // Rewrites `phase: X` (and canary_percent) in the config and presses the page's Reload button.
  void step_to(const std::string& phase, const std::string& extra = "") {
    std::string text = read_file(proxy_->process().config_path());
    const size_t at = text.find("    phase: ");
    ASSERT_NE(at, std::string::npos) << text;
    text.replace(at, text.find('\n', at) - at, "    phase: " + phase + extra);
    std::string error;
    ASSERT_TRUE(write_file(proxy_->process().config_path(), text, error)) << error;
    drive("click #reload");
    wait_for("#message", "in force");
    wait_for(std::string(kCard) + " .phase.current", phase);
  }

  int admin_ = 0;
  std::unique_ptr<MigrationProxy> proxy_;
  std::unique_ptr<TempDir> dir_;
  std::unique_ptr<PgbenchLoop> load_;
  std::unique_ptr<LineProcess> browser_;
  std::string shots_;
};

TEST_F(ConsoleBrowser, StepsAMigrationThroughItsPhasesUnderLoad) {
  const std::string url = "http://127.0.0.1:" + std::to_string(admin_) + "/";
  drive("open " + url);
  // Without the token the page shows nothing and its actions are refused.
  wait_for("#statusline", "answered 401");
  wait_for("#tokenbox", "asks for a bearer token");
  drive("click #reload");
  wait_for("#message", "Reload refused: 401");
  shot("00-without-token");
  EXPECT_EQ(http_request(admin_, "GET", "/status", kToken).body.find("\"ok\":1"), std::string::npos)
      << "the refused reload did not run";

  drive("token wrong-token");
  wait_for("#statusline", "answered 401");
  drive("token " + std::string(kToken));
  wait_for(std::string(kCard) + " .phase.current", "1. off");
  wait_for("#process", "Client sessions");
  shot("01-off");

  step_to("dual_write");
  wait_for(std::string(kCard) + " [data-tile=\"Writes rewritten\"]", "/s");
  EXPECT_TRUE(eventually([&] { return tile("Writes rewritten").find("0 in all") == std::string::npos; }, 20s))
      << tile("Writes rewritten");
  // A write the proxy cannot mirror (a MERGE inserting a volatile value) is refused and shown by
  // its fingerprint.
  PgConn client = proxy_->connect_proxied();
  ASSERT_EQ(PQstatus(client.get()), CONNECTION_OK) << PQerrorMessage(client.get());
  PgResult refused = exec(client.get(), "MERGE INTO users u USING (SELECT 7 AS id) s ON u.id = s.id "
                                        "WHEN NOT MATCHED THEN INSERT (id, full_name) VALUES (s.id, random()::text)");
  EXPECT_EQ(PQresultStatus(refused.get()), PGRES_FATAL_ERROR);
  wait_for(kCard, "MERGE INTO users u USING (SELECT $1 AS id) s");
  // The backfill started from the page fills the new column for every row.
  drive(std::string("click ") + kCard + " [data-action=\"backfill:users-display-name\"]");
  wait_for("#message", "Started the backfill of users-display-name");
  const std::string done = wait_for(std::string(kCard) + " [data-jobtext=\"backfill\"]", "done", 90);
  EXPECT_NE(done.find("100.0%"), std::string::npos) << done;
  shot("02-dual_write-backfilled");

  step_to("shadow");
  EXPECT_TRUE(eventually([&] { return drive(std::string("text ") + kCard + " [data-shadow]").find("match: 0 ") ==
                                      std::string::npos; },
                         20s));
  wait_for(std::string(kCard) + " [data-shadow]", "mismatch (confirmed): 0");
  shot("03-shadow");

  step_to("canary", "\n    canary: {percent: 50}");
  wait_for(std::string(kCard) + " [data-tile=\"Canary\"]", "50%");
  EXPECT_TRUE(eventually([&] { return tile("Reads served new").find(" 0 in all") == std::string::npos; }, 20s))
      << tile("Reads served new");
  shot("04-canary");

  step_to("read_new");
  drive(std::string("click ") + kCard + " [data-action=\"verify:users-display-name\"]");
  const std::string verified = wait_for(std::string(kCard) + " [data-jobtext=\"verify\"]", "done", 90);
  EXPECT_NE(verified.find("both shapes agree on every row"), std::string::npos) << verified;
  shot("05-read_new-verified");
  // The oracle, by hand: each statement writes both columns at once, so any snapshot agrees.
  PgConn direct = proxy_->connect_direct();
  EXPECT_EQ(query_value(direct.get(), "SELECT count(*) FROM users WHERE display_name IS DISTINCT FROM full_name"), "0");

  // A config the proxy refuses: the page says why, and the phase in force stays.
  std::string error;
  const std::string good = read_file(proxy_->process().config_path());
  std::string bad = good;
  bad.replace(bad.find("phase: read_new"), 15, "phase: sideways");
  ASSERT_TRUE(write_file(proxy_->process().config_path(), bad, error)) << error;
  drive("click #reload");
  wait_for("#message", "Reload refused (400)");
  wait_for("[data-reload-error]", "sideways");
  wait_for(std::string(kCard) + " .phase.current", "read_new");
  ASSERT_TRUE(write_file(proxy_->process().config_path(), good, error)) << error;

  step_to("new_only");
  wait_for("#process", "refused");  // the reload count shows the refusal
  const std::string generation = drive("text [data-generation]");
  shot("06-new_only");
  EXPECT_EQ(generation, "ok 6") << "1 at start, then five reloads that took effect";

  load_->stop();
  ASSERT_FALSE(load_->segments().empty());
  for (const auto& s : load_->segments()) EXPECT_TRUE(s.clean()) << s.result.describe();
  // In new_only the old column is no longer written; the new one holds every row's value.
  EXPECT_EQ(query_value(direct.get(), "SELECT count(*) FROM users WHERE display_name IS NULL"), "0");
}

}  // namespace
}  // namespace switchyard::test_support
