// catalog::mysql_server_writers: the triggers and stored routines that write a migrated table.
#include <gtest/gtest.h>

#include "catalog/mysql_server_writers.h"

namespace switchyard::catalog {
namespace {

using rewrite::ServerWriter;

std::string describe(const std::vector<ServerWriter>& ws) {
  std::string out;
  for (const auto& w : ws)
    out += (out.empty() ? "" : "; ") + std::string(rewrite::to_string(w.kind)) + " " + w.object.to_string() + " [" +
           w.description + "] via " + w.via;
  return out;
}

TEST(MysqlServerWriters, FindsTriggersAndRoutinesThatWriteTheTable) {
  const config::TableName users{"public", "users"};
  const std::vector<MysqlRoutine> routines = {
      {"app", "touch_user", true, "BEGIN UPDATE `users` SET email = NULL WHERE id = p; END"},
      {"app", "count_users", false, "RETURN (SELECT count(*) FROM users)"},  // reads only
      {"app", "calls_touch", true, "BEGIN CALL touch_user(1); END"},         // through touch_user
      {"app", "hidden", true, std::nullopt},                                  // no privilege to see it
      {"app", "superusers", true, "BEGIN INSERT INTO superusers VALUES (1); END"},  // not the word users
      {"app", "replacer", false, "BEGIN REPLACE INTO Users VALUES (1); RETURN 1; END"},
  };
  const std::vector<MysqlTrigger> triggers = {
      {"users_bi", "app", "users", "SET NEW.display_name = NEW.full_name"},
      {"orders_ai", "app", "orders", "CALL calls_touch()"},
      {"orders_bu", "app", "orders", "SET NEW.total = 0"},
      {"other_db", "elsewhere", "users", "SET NEW.x = 1"},  // on a users table of another database
      {"users_ai", "app", "users", "INSERT INTO audit VALUES (NEW.id)", false},  // AFTER: cannot change the row
  };
  EXPECT_EQ(describe(mysql_server_writers(users, "app", routines, triggers)),
            "procedure app.touch_user [procedure app.touch_user] via app.users; "
            "procedure app.calls_touch [procedure app.calls_touch] via procedure app.touch_user; "
            "function app.replacer [function app.replacer] via app.users; "
            "trigger app.users [trigger users_bi on app.users] via app.users; "
            "trigger app.orders [trigger orders_ai on app.orders] via procedure app.calls_touch");
}

TEST(MysqlServerWriters, NoneWhenNothingNamesTheTable) {
  const std::vector<MysqlRoutine> routines = {{"app", "f", false, "RETURN 1"}};
  const std::vector<MysqlTrigger> triggers = {{"t", "app", "orders", "SET NEW.x = 1"}};
  EXPECT_TRUE(mysql_server_writers({"public", "users"}, "app", routines, triggers).empty());
}

}  // namespace
}  // namespace switchyard::catalog
