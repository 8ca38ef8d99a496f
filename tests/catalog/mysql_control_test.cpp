// catalog::parse_mysql_control: the MySQL control connection string, as key=value pairs or a URI.
#include <gtest/gtest.h>

#include "catalog/mysql_schema_loader.h"

namespace switchyard::catalog {
namespace {

TEST(MysqlControl, ReadsKeyValuePairsAndUris) {
  struct Case {
    std::string text, host;
    unsigned port;
    std::string user, password, dbname;
  } cases[] = {
      {"", "", 0, "", "", ""},
      {"host=127.0.0.1 port=3307 user=root password=secret dbname=app", "127.0.0.1", 3307, "root", "secret", "app"},
      {"  host = db.local\tdbname=shop  ", "db.local", 0, "", "", "shop"},
      {"password='a b\\'c\\\\d' user=u", "", 0, "u", "a b'c\\d", ""},
      {"password=a\\ b", "", 0, "", "a b", ""},
      {"password=''", "", 0, "", "", ""},
      {"mysql://root:secret@127.0.0.1:3307/app", "127.0.0.1", 3307, "root", "secret", "app"},
      {"mariadb://u@db", "db", 0, "u", "", ""},
      {"mysql://db.local/shop", "db.local", 0, "", "", "shop"},
      {"mysql://u:p%40ss@[::1]:3306/d%20b", "::1", 3306, "u", "p@ss", "d b"},
      {"mysql://u:a:b@h", "h", 0, "u", "a:b", ""},
      {"mysql://", "", 0, "", "", ""},
  };
  for (const auto& c : cases) {
    std::string error;
    const auto got = parse_mysql_control(c.text, error);
    ASSERT_TRUE(got) << c.text << ": " << error;
    EXPECT_EQ(got->host, c.host) << c.text;
    EXPECT_EQ(got->port, c.port) << c.text;
    EXPECT_EQ(got->user, c.user) << c.text;
    EXPECT_EQ(got->dbname, c.dbname) << c.text;
    EXPECT_EQ(got->password, c.password) << c.text;
  }
}

TEST(MysqlControl, RefusesWhatItCannotRead) {
  struct Case {
    std::string text, error;
  } cases[] = {
      {"host=x sslmode=require", "control: unknown key sslmode"},
      {"hostaddr=1.2.3.4", "control: unknown key hostaddr"},
      {"host", "control: expected key=value, found 'host'"},
      {"host=x port", "control: expected key=value, found 'port'"},
      {"password='abc", "control: password: unterminated quoted value"},
      {"port=abc", "control: port: 'abc' is not a port number"},
      {"port=70000", "control: port: '70000' is not a port number"},
      {"port=", "control: port: '' is not a port number"},
      {"user=app password='it''s'", "control: expected key=value, found ''s''"},  // no '' escape, as in libpq
      {"mysql://h:x/db", "control: port: 'x' is not a port number"},
      {"mysql://h/db?ssl=1", "control: the URI's path is one database name, without parameters: 'db?ssl=1'"},
      {"mysql://u:%zz@h", "control: bad %-escape in '%zz'"},
      {"postgresql://h/db", "control: a URI must start mysql:// or mariadb://"},
  };
  for (const auto& c : cases) {
    std::string error;
    EXPECT_FALSE(parse_mysql_control(c.text, error)) << c.text;
    EXPECT_EQ(error, c.error) << c.text;
  }
}

}  // namespace
}  // namespace switchyard::catalog
