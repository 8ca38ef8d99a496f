// A prepared text's ? placeholders replaced by literals (rewrite/mysql/placeholders.h): only
// the real ones, in order, each kept apart from its neighbours; the lexical settings decide what
// is a string.
#include "rewrite/mysql/placeholders.h"

#include <gtest/gtest.h>

namespace switchyard::rewrite::mysql {
namespace {

TEST(MysqlPlaceholders, OnlyRealPlaceholdersAreReplacedInOrder) {
  const LexicalSettings plain;
  EXPECT_EQ(with_parameters("SELECT a FROM t WHERE id = ? AND b = '?' AND `?` = ? -- ?\n", {"1", "_utf8mb4 X'41'"}, plain),
            std::optional<std::string>("SELECT a FROM t WHERE id =  1  AND b = '?' AND `?` =  _utf8mb4 X'41'  -- ?\n"));
  // Kept apart: a value after a minus is not a comment (not even after two), a literal after a
  // word not a longer word.
  EXPECT_EQ(with_parameters("SELECT 1-?, x LIKE?, 2--?", {"-5", "_utf8mb4 X'25'", "3"}, plain),
            std::optional<std::string>("SELECT 1-(-5), x LIKE _utf8mb4 X'25' , 2--(3)"));
  EXPECT_EQ(with_parameters("SELECT 1", {}, plain), std::optional<std::string>("SELECT 1"));
}

TEST(MysqlPlaceholders, AnotherNumberOfValuesOrAnUnlexableTextIsNothing) {
  const LexicalSettings plain;
  EXPECT_FALSE(with_parameters("SELECT ?, ?", {"1"}, plain));
  EXPECT_FALSE(with_parameters("SELECT ?", {"1", "2"}, plain));
  EXPECT_FALSE(with_parameters("SELECT 'unterminated ?", {"1"}, plain));
}

TEST(MysqlPlaceholders, TheSessionsQuotingDecidesWhatIsAString) {
  LexicalSettings ansi;
  ansi.ansi_quotes = true;
  // "?" is an identifier under ANSI_QUOTES, a string otherwise: in neither is it a placeholder.
  EXPECT_EQ(with_parameters("SELECT \"?\" FROM t WHERE id = ?", {"7"}, ansi),
            std::optional<std::string>("SELECT \"?\" FROM t WHERE id =  7 "));
  // Without backslash escapes 'a\' ends at the second quote, so the ? after it is real.
  LexicalSettings no_escapes;
  no_escapes.no_backslash_escapes = true;
  EXPECT_EQ(with_parameters("SELECT 'a\\', ?", {"1"}, no_escapes), std::optional<std::string>("SELECT 'a\\',  1 "));
  EXPECT_FALSE(with_parameters("SELECT 'a\\', ?", {"1"}, LexicalSettings{})) << "one string to the end: no placeholder";
}

}  // namespace
}  // namespace switchyard::rewrite::mysql
