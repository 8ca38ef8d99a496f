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
  struct Case {
    std::string yaml, key, message;
  } cases[] = {
      {"protocol: mysql\ncontrol: host=x\nmigrations:\n  - name: m\n", "migrations", "MySQL migrations are not supported yet"},
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
  // The migrations line is named: FILE:LINE: migrations: ...
  const auto r = parse_config("protocol: mysql\ncontrol: host=x\nmigrations:\n  - name: m\n", "f.yaml");
  EXPECT_EQ(r.error.line, 4);
  EXPECT_EQ(r.error.to_string(), "f.yaml:4: migrations: MySQL migrations are not supported yet");
}

}  // namespace
}  // namespace switchyard::config
