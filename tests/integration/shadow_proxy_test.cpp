// Shadow reads through switchyard: in phase shadow with every read sampled, a row made to
// diverge on purpose is reported as a confirmed mismatch (in /metrics and as one JSON line in
// shadow.log naming the migration and the differing values), the client still gets the old
// shape's value, and reads of rows that agree are counted as matches; in both protocols.
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "tests/support/http_client.h"
#include "tests/support/migration_proxy.h"
#include "tests/support/net.h"
#include "tests/support/temp_dir.h"
#include "tests/support/wait.h"

namespace switchyard::test_support {
namespace {

// The value of one Prometheus sample line `name{labels} value`, or -1.
long sample(const std::string& metrics, const std::string& series) {
  const auto at = metrics.find(series + " ");
  if (at == std::string::npos) return -1;
  return std::stol(metrics.substr(at + series.size() + 1));
}

TEST(ShadowProxy, ADivergentRowIsAConfirmedMismatchAndTheClientSeesTheOldShape) {
  std::string error;
  auto dir = TempDir::create("shadow-proxy", error);
  ASSERT_TRUE(dir) << error;
  const std::string log = dir->file("shadow.jsonl");
  const int admin = pick_free_port();
  auto proxy = MigrationProxy::start(
      "shadow_proxy",
      "CREATE TABLE users (id int PRIMARY KEY, full_name text, display_name text);"
      "INSERT INTO users SELECT g, 'user ' || g, 'user ' || g FROM generate_series(1, 100) g;"
      "UPDATE users SET display_name = 'diverged' WHERE id = 42;",
      std::string(R"(migrations:
  - name: users-display-name
    table: users
    rename_column: {from: full_name, to: display_name}
    phase: shadow
    shadow: {sample_percent: 100}
shadow: {log: )") + log + "}\nadmin: {listen: 127.0.0.1:" + std::to_string(admin) + "}\n",
      error);
  ASSERT_TRUE(proxy) << error;
  PgConn c = proxy->connect_proxied();
  ASSERT_EQ(PQstatus(c.get()), CONNECTION_OK);

  EXPECT_EQ(query_value(c.get(), "SELECT full_name FROM users WHERE id = 42"), "user 42") << "served from the old shape";
  const char* params[] = {"7"};
  PgResult r(PQexecParams(c.get(), "SELECT full_name FROM users WHERE id = $1", 1, nullptr, params, nullptr, nullptr, 0));
  ASSERT_EQ(PQresultStatus(r.get()), PGRES_TUPLES_OK);
  EXPECT_STREQ(PQgetvalue(r.get(), 0, 0), "user 7");
  EXPECT_EQ(query_value(c.get(), "SELECT count(*) FROM users WHERE full_name LIKE 'user%'"), "100");

  const std::string mismatch = "switchyard_shadow_reads_total{migration=\"users-display-name\",result=\"mismatch\"}";
  const std::string match = "switchyard_shadow_reads_total{migration=\"users-display-name\",result=\"match\"}";
  std::string m;
  ASSERT_TRUE(eventually(
      [&] {
        m = http_request(admin, "GET", "/metrics").body;
        return sample(m, mismatch) == 2 && sample(m, match) == 1;
      },
      10s))
      << m;
  // A whole-table count differs too (99 rows match 'user%' in the new shape), so two mismatches.
  const std::string lines = read_file(log);
  EXPECT_NE(lines.find("\"migration\":\"users-display-name\""), std::string::npos) << lines;
  EXPECT_NE(lines.find("diverged"), std::string::npos) << lines;
  EXPECT_NE(lines.find("user 42"), std::string::npos) << lines;
  size_t n = 0;
  for (char ch : lines) n += ch == '\n';
  EXPECT_EQ(n, 2u) << lines;
}

}  // namespace
}  // namespace switchyard::test_support
