// protocol: postgres | mysql, and what a MySQL config may not say yet.
#include <gtest/gtest.h>

#include "config/config.h"

namespace switchyard::config {
namespace {

TEST(ProtocolConfig, DefaultsToPostgresAndReadsMysql) {
  const auto pg = parse_config("listen: 127.0.0.1:7000\n", "t.yaml");
  ASSERT_TRUE(pg) << pg.error.to_string();
  EXPECT_EQ(pg.config->protocol, Protocol::kPostgres);
  const auto my = parse_config("protocol: mysql\nupstream: 127.0.0.1:3306\ncontrol: host=x\n", "t.yaml");
  ASSERT_TRUE(my) << my.error.to_string();
  EXPECT_EQ(my.config->protocol, Protocol::kMysql);
  EXPECT_STREQ(to_string(my.config->protocol), "mysql");
}

TEST(ProtocolConfig, MysqlRefusesWhatItCannotHonour) {
  const std::string column = "protocol: mysql\ncontrol: host=x\nmigrations:\n  - name: m\n    table: users\n    rename_column: {from: a, to: b}\n";
  struct Case {
    std::string yaml, key, message;
  } cases[] = {
      {column + "    phase: dual_write\n", "", ""},
      {column + "    phase: canary\n    canary: {percent: 10, key: user}\n", "", ""},
      {"protocol: mysql\ncontrol: host=x\nmigrations:\n  - name: t\n    rename_table: {from: a, to: b}\n", "", ""},
      // Shadow reads run on a libmariadb backend (proxy/mysql_shadow_connection.h).
      {column + "    phase: shadow\n    shadow: {sample_percent: 5}\n", "", ""},
      {column + "    phase: read_new\n    shadow: {sample_percent: 100, in_read_new: true, float_tolerance: 0.01}\n", "", ""},
      {column + "    phase: canary\n    canary: {percent: 10, key: application_name}\n", "migrations[0].canary.key",
       "migration m: MySQL sessions have no application_name; use session, user or client_address"},
      {"protocol: mysql\nddl_lint: block\n", "", ""},
      {"protocol: mysql\nddl_lint: off\n", "", ""},
      {"protocol: mysql\nauth: {mode: scram}\n", "auth", "is PostgreSQL's SCRAM on both legs; MySQL sessions relay the server's authentication"},
      {"protocol: mysql\ntls: {mode: disable}\nupstream_tls: {mode: disable}\n", "", ""},
      {"protocol: mssql\n", "protocol", ""},
  };
  for (const auto& c : cases) {
    const auto r = parse_config(c.yaml, "f.yaml");
    if (c.key.empty()) {
      EXPECT_TRUE(r) << r.error.to_string();
      continue;
    }
    ASSERT_FALSE(r) << c.yaml;
    EXPECT_EQ(r.error.key, c.key) << r.error.to_string();
    if (!c.message.empty()) {
      EXPECT_EQ(r.error.message, c.message);
    }
  }
  // The migration's line is named: FILE:LINE: KEY: ...
  const auto r = parse_config(column + "    phase: canary\n    canary: {percent: 10, key: application_name}\n", "f.yaml");
  EXPECT_EQ(r.error.line, 4) << r.error.to_string();
  // The DDL lint reads MySQL's DDL under mysql (rewrite/mysql/ddl_lint.h): warn by default, as
  // under postgresql, and block when asked.
  const auto ok = parse_config(column, "f.yaml");
  ASSERT_TRUE(ok) << ok.error.to_string();
  EXPECT_EQ(ok.config->ddl_lint, DdlLint::kWarn);
  const auto blocking = parse_config("protocol: mysql\nddl_lint: block\n", "f.yaml");
  ASSERT_TRUE(blocking) << blocking.error.to_string();
  EXPECT_EQ(blocking.config->ddl_lint, DdlLint::kBlock);
}

}  // namespace
}  // namespace switchyard::config
