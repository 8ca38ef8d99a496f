// Password logins pass through switchyard: md5 and scram-sha-256 users get in with the right
// password; a wrong password is refused with SQLSTATE 28P01 and the proxy keeps serving others.
#include <gtest/gtest.h>

#include "tests/support/integration_environment.h"
#include "tests/support/pg_connection.h"
#include "tests/support/text_assertions.h"

namespace switchyard::test_support {
namespace {

PgConn login(const std::string& user, const std::string& password) {
  return connect(integration_env().proxied().conninfo(kAppDatabase, user, password));
}

TEST(Auth, Md5UserLogsInWithTheRightPassword) {
  PgConn conn = login(kMd5User, kMd5Password);
  ASSERT_EQ(PQstatus(conn.get()), CONNECTION_OK) << PQerrorMessage(conn.get());
  EXPECT_EQ(query_value(conn.get(), "SELECT current_user"), kMd5User);
}

TEST(Auth, ScramUserLogsInWithTheRightPassword) {
  PgConn conn = login(kScramUser, kScramPassword);
  ASSERT_EQ(PQstatus(conn.get()), CONNECTION_OK) << PQerrorMessage(conn.get());
  EXPECT_EQ(query_value(conn.get(), "SELECT current_user"), kScramUser);
}

TEST(Auth, WrongPasswordsAreRefusedAndOthersAreStillServed) {
  PgConn bystander = login(kScramUser, kScramPassword);
  ASSERT_EQ(PQstatus(bystander.get()), CONNECTION_OK) << PQerrorMessage(bystander.get());

  PgConn wrong_md5 = login(kMd5User, "not-the-password");
  PgConn wrong_scram = login(kScramUser, "not-the-password");

  EXPECT_EQ(PQstatus(wrong_md5.get()), CONNECTION_BAD);
  EXPECT_TRUE(Contains(PQerrorMessage(wrong_md5.get()), "28P01"));
  EXPECT_EQ(PQstatus(wrong_scram.get()), CONNECTION_BAD);
  EXPECT_TRUE(Contains(PQerrorMessage(wrong_scram.get()), "28P01"));
  EXPECT_EQ(query_value(bystander.get(), "SELECT 'still served'"), "still served");
  PgConn after = login(kMd5User, kMd5Password);
  ASSERT_EQ(PQstatus(after.get()), CONNECTION_OK) << PQerrorMessage(after.get());
  EXPECT_EQ(query_value(after.get(), "SELECT 1"), "1");
}

}  // namespace
}  // namespace switchyard::test_support
