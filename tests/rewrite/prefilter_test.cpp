// The pre-filter: every way of naming a migrated table passes; other statements do not.
#include "rewrite/prefilter.h"

#include <gtest/gtest.h>

namespace switchyard::rewrite {
namespace {

TEST(Prefilter, MatchesTheNameHoweverItIsWritten) {
  const Prefilter f({"users", "Inovices"});
  for (const char* sql : {"SELECT * FROM users", "select * from USERS u", "INSERT INTO public.users VALUES (1)",
                          "UPDATE \"users\" SET a=1", "delete from inovices", "SELECT 1;UPDATE users SET x=2",
                          "WITH x AS (SELECT 1) INSERT INTO Users SELECT * FROM x", "users", "(users)"}) {
    EXPECT_TRUE(f.may_touch(sql)) << sql;
  }
}

// Names that need quoting: a quoted spelling always passes (an unquoted spelling in another case
// passes too; it names another relation, which costs only a parse). A quote in a name is
// written doubled inside the quoted identifier.
TEST(Prefilter, MatchesNamesThatNeedQuoting) {
  const Prefilter f({"Order Items", "createdAt", "we\"ird", "user", "a\"\"b"});
  for (const char* sql : {"SELECT * FROM \"Order Items\"", "UPDATE public.\"Order Items\" SET x = 1",
                          "SELECT \"createdAt\" FROM t", "SELECT createdat FROM t", "SELECT CREATEDAT FROM t",
                          "INSERT INTO \"we\"\"ird\" VALUES (1)", "INSERT INTO \"user\" VALUES (1)",
                          "SELECT * FROM \"a\"\"\"\"b\""}) {
    EXPECT_TRUE(f.may_touch(sql)) << sql;
  }
  for (const char* sql : {"SELECT * FROM \"Order Itemsx\"", "SELECT created_at FROM t", "SELECT * FROM weird",
                          "SELECT * FROM users"}) {
    EXPECT_FALSE(f.may_touch(sql)) << sql;
  }
  EXPECT_TRUE(Prefilter::contains_word("SELECT \"we\"\"ird\" FROM t", "we\"ird"));
  EXPECT_TRUE(Prefilter::contains_word("SELECT \"plainNew\" FROM t", "plainnew"));
}

TEST(Prefilter, IgnoresOtherIdentifiersThatContainTheName) {
  const Prefilter f({"users"});
  for (const char* sql : {"SELECT * FROM users_archive", "SELECT * FROM all_users", "SELECT 1", "SELECT users2 FROM t",
                          "SELECT $users FROM t", "", "user"}) {
    EXPECT_FALSE(f.may_touch(sql)) << sql;
  }
}

TEST(Prefilter, WriteKeywordsAreFoundAsWholeWordsInAnyCase) {
  for (const char* sql : {"INSERT INTO t VALUES (1)", "update t set a = 1", "WITH d AS (Delete FROM t) SELECT 1",
                          "MERGE INTO t USING s ON true WHEN MATCHED THEN DELETE", "COPY t FROM STDIN",
                          "SELECT * FROM t FOR UPDATE", "TRUNCATE t", "truncate table t CASCADE"}) {
    EXPECT_TRUE(Prefilter::may_write(sql)) << sql;
  }
  for (const char* sql : {"SELECT * FROM t", "SELECT updated_at, inserted FROM t", "SELECT copy_of FROM t", ""}) {
    EXPECT_FALSE(Prefilter::may_write(sql)) << sql;
  }
}

// A table whose TRUNCATE may empty a migrated one matches only in a TRUNCATE.
TEST(Prefilter, TruncateNamesMatchOnlyInATruncate) {
  const Prefilter f({"inovices"}, {"customers"});
  EXPECT_TRUE(f.may_touch("TRUNCATE customers CASCADE"));
  EXPECT_TRUE(f.may_touch("truncate TABLE Customers"));
  EXPECT_TRUE(f.may_touch("SELECT * FROM inovices"));
  EXPECT_FALSE(f.may_touch("SELECT * FROM customers"));
  EXPECT_FALSE(f.may_touch("TRUNCATE other"));
}

// A function that writes a migrated table, or a table whose trigger does: named without a write
// keyword, the text still goes to the parser.
TEST(Prefilter, ServerCodeNamesMatchAnywhere) {
  const Prefilter f({"users"}, {}, {"touch_user", "Orders"});
  for (const char* sql : {"SELECT touch_user(1)", "CALL public.TOUCH_USER(2)", "INSERT INTO orders VALUES (1)"}) {
    EXPECT_TRUE(f.may_touch(sql)) << sql;
    EXPECT_TRUE(f.may_run_server_code(sql)) << sql;
  }
  EXPECT_FALSE(f.may_run_server_code("SELECT touch_users(1)"));
  EXPECT_FALSE(f.may_run_server_code("SELECT * FROM users"));
  EXPECT_FALSE(f.empty());
  EXPECT_FALSE(Prefilter({}, {}, {"f"}).empty());
}

TEST(Prefilter, AnEmptyFilterMatchesNothing) {
  EXPECT_FALSE(Prefilter().may_touch("SELECT * FROM users"));
  EXPECT_TRUE(Prefilter().empty());
}

}  // namespace
}  // namespace switchyard::rewrite
