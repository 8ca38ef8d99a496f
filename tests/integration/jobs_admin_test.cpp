// A backfill run inside the proxy through the admin API: POST /migrations/NAME/backfill starts
// it (202), a second POST while it runs is refused (409) or, once it is done, starts another
// that finds nothing to change; GET /status shows its progress and end state; afterwards every
// row's new column holds `up` of the old one.
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "tests/support/http_client.h"
#include "tests/support/migration_proxy.h"
#include "tests/support/net.h"
#include "tests/support/wait.h"

namespace switchyard::test_support {
namespace {

TEST(JobsAdmin, PostBackfillRunsItInsideTheProxy) {
  const int admin = pick_free_port();
  std::string error;
  auto proxy = MigrationProxy::start("jobs_admin",
                                     "CREATE TABLE users (id int PRIMARY KEY, full_name text, display_name text);"
                                     "INSERT INTO users SELECT g, 'user ' || g FROM generate_series(1, 20000) g;",
                                     std::string(R"(migrations:
  - name: users-display-name
    table: users
    rename_column: {from: full_name, to: display_name}
    phase: dual_write
admin: {listen: 127.0.0.1:)") + std::to_string(admin) + "}\n",
                                     error);
  ASSERT_TRUE(proxy) << error;
  EXPECT_EQ(http_request(admin, "POST", "/migrations/nope/backfill").status, 404);
  const HttpResponse started = http_request(admin, "POST", "/migrations/users-display-name/backfill");
  ASSERT_EQ(started.status, 202) << started.describe();
  EXPECT_NE(started.body.find("\"state\":\"running\""), std::string::npos) << started.body;

  std::string status;
  ASSERT_TRUE(eventually(
      [&] {
        status = http_request(admin, "GET", "/status").body;
        return status.find("\"state\":\"done\"") != std::string::npos ||
               status.find("\"state\":\"failed\"") != std::string::npos;
      },
      60s))
      << status;
  EXPECT_NE(status.find("\"state\":\"done\""), std::string::npos) << status << proxy->log_tail();
  EXPECT_NE(status.find("\"rows_changed\":20000"), std::string::npos) << status;
  PgConn direct = proxy->connect_direct();
  EXPECT_EQ(query_value(direct.get(), "SELECT count(*) FROM users WHERE display_name IS DISTINCT FROM full_name"), "0");

  // Again: nothing left to change.
  ASSERT_EQ(http_request(admin, "POST", "/migrations/users-display-name/backfill").status, 202);
  ASSERT_TRUE(eventually(
      [&] {
        status = http_request(admin, "GET", "/status").body;
        return status.find("\"state\":\"done\"") != std::string::npos;
      },
      60s))
      << status;
  EXPECT_NE(status.find("\"rows_changed\":0"), std::string::npos) << status;

  // The reverse jobs, as `--reverse` runs them: the old column against down(new), which a stale
  // row breaks and backfill_reverse mends.
  exec(direct.get(), "UPDATE users SET full_name = NULL WHERE id <= 10");
  const auto run = [&](const char* kind) {
    const HttpResponse r = http_request(admin, "POST", std::string("/migrations/users-display-name/") + kind);
    EXPECT_EQ(r.status, 202) << r.describe();
    const std::string job = std::string("\"job\":\"") + kind + " users-display-name\"";
    std::string body;
    EXPECT_TRUE(eventually(
        [&] {
          body = http_request(admin, "GET", "/status").body;
          const auto at = body.find(job);
          return at != std::string::npos && body.find("\"state\":\"running\"", at) != at + job.size() + 1;
        },
        60s))
        << body;
    return body.substr(body.find(job));
  };
  std::string reverse = run("verify_reverse");
  EXPECT_NE(reverse.find("\"state\":\"done\""), std::string::npos) << reverse;
  EXPECT_NE(reverse.find("\"clean\":false"), std::string::npos) << reverse;
  EXPECT_NE(reverse.find("\"missing\":10"), std::string::npos) << reverse;
  EXPECT_NE(run("backfill_reverse").find("\"rows_changed\":10"), std::string::npos);
  reverse = run("verify_reverse");
  EXPECT_NE(reverse.find("\"clean\":true"), std::string::npos) << reverse;
  EXPECT_EQ(http_request(admin, "POST", "/migrations/users-display-name/sideways").status, 404);
}

}  // namespace
}  // namespace switchyard::test_support
