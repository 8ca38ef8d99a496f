// rewrite/mysql/session_settings.h: the greeting's version, sql_mode and character_set_client
// as the server reports them, and which statements may change them.
#include "rewrite/mysql/session_settings.h"

#include <gtest/gtest.h>

namespace switchyard::rewrite::mysql {
namespace {

TEST(MysqlSessionSettings, TheGreetingVersionSaysWhichServerAndWhichVersionedCommentsAreCode) {
  LexicalSettings s;
  follow_server_version(s, "5.5.5-10.11.19-MariaDB-0+deb12u1");
  EXPECT_TRUE(s.mariadb);
  EXPECT_EQ(s.server_version, 101119u);
  follow_server_version(s, "8.0.36");
  EXPECT_FALSE(s.mariadb);
  EXPECT_EQ(s.server_version, 80036u);
  follow_server_version(s, "11.4.2-MariaDB");
  EXPECT_TRUE(s.mariadb);
  EXPECT_EQ(s.server_version, 110402u);
  follow_server_version(s, "garbage");  // keeps the number it had
  EXPECT_EQ(s.server_version, 110402u);
}

TEST(MysqlSessionSettings, SqlModeFlagsAreReadFromTheServersList) {
  LexicalSettings s;
  EXPECT_EQ(follow_session(s, "STRICT_TRANS_TABLES,ERROR_FOR_DIVISION_BY_ZERO,NO_AUTO_CREATE_USER", "utf8mb4"), std::nullopt);
  EXPECT_FALSE(s.ansi_quotes);
  EXPECT_FALSE(s.no_backslash_escapes);
  EXPECT_EQ(s.charset, ClientCharset::kAsciiCompatible);
  // ANSI as MariaDB reports it: expanded into its parts.
  EXPECT_EQ(follow_session(s, "REAL_AS_FLOAT,PIPES_AS_CONCAT,ANSI_QUOTES,IGNORE_SPACE,ANSI", "gbk"), std::nullopt);
  EXPECT_TRUE(s.ansi_quotes);
  EXPECT_TRUE(s.pipes_as_concat);
  EXPECT_EQ(s.charset, ClientCharset::kGbk);
  EXPECT_EQ(follow_session(s, "NO_BACKSLASH_ESCAPES,SIMULTANEOUS_ASSIGNMENT", "SJIS"), std::nullopt);
  EXPECT_FALSE(s.ansi_quotes);
  EXPECT_TRUE(s.no_backslash_escapes);
  EXPECT_TRUE(s.simultaneous_assignment);
  EXPECT_EQ(s.charset, ClientCharset::kSjis);
  // A flag is a whole list item, not a substring of another.
  EXPECT_EQ(follow_session(s, "NO_ANSI_QUOTES_X", ""), std::nullopt);
  EXPECT_FALSE(s.ansi_quotes);
  EXPECT_EQ(follow_session(s, "", ""), std::nullopt);
}

TEST(MysqlSessionSettings, ModesThatChangeTheGrammarAreNamed) {
  LexicalSettings s;
  const auto oracle = follow_session(s, "PIPES_AS_CONCAT,ANSI_QUOTES,IGNORE_SPACE,ORACLE,SIMULTANEOUS_ASSIGNMENT", "utf8mb4");
  ASSERT_TRUE(oracle.has_value());
  EXPECT_NE(oracle->find("ORACLE"), std::string::npos) << *oracle;
  const auto high_not = follow_session(s, "HIGH_NOT_PRECEDENCE", "utf8mb4");
  ASSERT_TRUE(high_not.has_value());
  EXPECT_NE(high_not->find("HIGH_NOT_PRECEDENCE"), std::string::npos);
}

TEST(MysqlSessionSettings, StatementsThatMayChangeThemAreTheSetsNamingThem) {
  for (const char* sql : {"SET sql_mode = 'ANSI_QUOTES'", "set @@SESSION.sql_mode = CONCAT(@@sql_mode, ',ANSI')",
                          "SET NAMES gbk", "SET CHARACTER SET sjis", "SET CHARSET big5", "SET character_set_client = gbk",
                          "SET autocommit=1, sql_mode = concat(@@sql_mode,',STRICT_TRANS_TABLES')",
                          "/* x */ SET SESSION sql_mode=DEFAULT"})
    EXPECT_TRUE(may_change_settings(sql)) << sql;
  // USE changes the current database: the first word, or anywhere in a text of several statements.
  for (const char* sql : {"USE app", "  /* pool */ use `other`", "-- c\nUSE x", "SELECT 1; USE app"})
    EXPECT_TRUE(may_change_settings(sql)) << sql;
  for (const char* sql : {"SELECT * FROM t USE INDEX (i) WHERE a = 1", "SELECT use_count FROM t", "/*!40101 USE app */"})
    EXPECT_FALSE(may_change_settings(sql)) << sql;
  for (const char* sql : {"SELECT @@sql_mode", "SET autocommit = 1", "SET @x = 1", "UPDATE t SET names = 1 WHERE id = 2x",
                          "INSERT INTO t (a) VALUES (1)", "SET time_zone = '+00:00'"})
    EXPECT_EQ(may_change_settings(sql), std::string(sql).find("names") != std::string::npos) << sql;
}

}  // namespace
}  // namespace switchyard::rewrite::mysql
