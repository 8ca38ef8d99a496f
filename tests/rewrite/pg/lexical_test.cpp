// Reading string literals under standard_conforming_strings on and off: the text that `on`
// reads the same way, and whether the two settings read a text differently.
#include "rewrite/pg/lexical.h"

#include <gtest/gtest.h>

namespace switchyard::rewrite::pg {
namespace {

struct Case {
  const char* sql;
  const char* off_text;  // read_strings(sql, false).text
  bool plain_backslash;
};

TEST(Lexical, PlainLiteralsWithABackslashBecomeEscapeStringsUnderOff) {
  const Case kCases[] = {
      {"INSERT INTO t VALUES ('a\\b')", "INSERT INTO t VALUES (E'a\\b')", true},
      {"INSERT INTO t VALUES ('it\\'s', 'x')", "INSERT INTO t VALUES (E'it\\'s', 'x')", true},
      {"SELECT 'no backslash', E'a\\\\b'", "SELECT 'no backslash', E'a\\\\b'", false},
      {"SELECT date'2024-01-01', text'a\\b'", "SELECT date'2024-01-01', text E'a\\b'", true},
      {"SELECT N'a\\b'", "SELECT NCHAR E'a\\b'", true},
      {"SELECT 'a'\n  'b\\c'", "SELECT E'a'\n  'b\\c'", true},         // one literal, continued
      {"SELECT 'a' 'b\\c'", "SELECT 'a' E'b\\c'", true},               // no newline: two literals
      {"SELECT $$a\\b$$, $x$'\\'$x$, \"we\\ird\"", "SELECT $$a\\b$$, $x$'\\'$x$, \"we\\ird\"", false},
      {"SELECT 1 -- 'a\\b\n, /* 'c\\d' /* nested */ */ 2", "SELECT 1 -- 'a\\b\n, /* 'c\\d' /* nested */ */ 2", false},
      {"SELECT B'01', X'ff', U&'d\\0061t'", "SELECT B'01', X'ff', U&'d\\0061t'", false},
      {"SELECT $1, a$b'x\\y'", "SELECT $1, a$b E'x\\y'", true},
  };
  for (const Case& c : kCases) {
    const StringReading r = read_strings(c.sql, false);
    ASSERT_TRUE(r.ok) << c.sql;
    EXPECT_EQ(r.text, c.off_text) << c.sql;
    EXPECT_EQ(r.plain_backslash, c.plain_backslash) << c.sql;
  }
}

TEST(Lexical, OnReadsTheTextAsItIs) {
  const StringReading r = read_strings("UPDATE t SET a = 'a\\' WHERE b = E'x\\'y'", true);
  ASSERT_TRUE(r.ok);
  EXPECT_EQ(r.text, "UPDATE t SET a = 'a\\' WHERE b = E'x\\'y'");
  EXPECT_TRUE(r.plain_backslash);
}

TEST(Lexical, TextThatDoesNotEndIsNotRead) {
  EXPECT_FALSE(read_strings("SELECT 'a\\'", false).ok);  // under off the quote is escaped
  EXPECT_TRUE(read_strings("SELECT 'a\\'", true).ok);
  EXPECT_FALSE(read_strings("SELECT /* open", true).ok);
  EXPECT_FALSE(read_strings("SELECT $q$ open", true).ok);
  EXPECT_FALSE(read_strings("SELECT \"open", true).ok);
}

TEST(Lexical, FollowsTheReportedSettings) {
  Lexical l;
  EXPECT_TRUE(l.standard_strings);
  l.follow("standard_conforming_strings", "off");
  EXPECT_FALSE(l.standard_strings);
  l.follow("standard_conforming_strings", "on");
  EXPECT_TRUE(l.standard_strings);
  EXPECT_FALSE(l.unsafe_encoding());
  l.follow("client_encoding", "sjis");
  EXPECT_TRUE(l.unsafe_encoding());
  l.follow("client_encoding", "LATIN1");
  EXPECT_FALSE(l.unsafe_encoding());
  l.follow("application_name", "off");
  EXPECT_TRUE(l.standard_strings);
}

}  // namespace
}  // namespace switchyard::rewrite::pg
