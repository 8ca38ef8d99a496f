// The MySQL tokenizer, rule by rule: each case is (settings, text, the tokens it must give).
#include "rewrite/mysql/lexer.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/rewrite/mysql/corpus.h"

namespace switchyard::rewrite::mysql {
namespace {

// "kind:text" per token, space-separated; kinds: w (word), k (keyword), q (quoted identifier),
// s (string), n (national), d (number), x (hex), b (bit), p (?), u (@user), v (@@system), o (op).
std::string tokens(std::string_view sql, const LexicalSettings& settings = {}) {
  std::vector<Token> out;
  std::string error;
  uint32_t at = 0;
  const bool ok = tokenize(sql, settings, out, error, at);
  std::string s;
  for (const Token& t : out) {
    static const char kKinds[] = "EwqsndxbpuvoX";
    char kind = kKinds[static_cast<int>(t.type)];
    if (t.type == Tok::kWord && t.kw != Kw::kNone) kind = 'k';
    if (!s.empty()) s += ' ';
    s += kind;
    s += ':';
    s += sql.substr(t.begin, t.end - t.begin);
  }
  if (!ok) s += (s.empty() ? "" : " ") + std::string("ERROR(") + error + "@" + std::to_string(at) + ")";
  return s;
}

LexicalSettings ansi() {
  LexicalSettings s;
  s.ansi_quotes = true;
  return s;
}
LexicalSettings no_backslash() {
  LexicalSettings s;
  s.no_backslash_escapes = true;
  return s;
}
LexicalSettings version(uint32_t v, bool mariadb) {
  LexicalSettings s;
  s.server_version = v;
  s.mariadb = mariadb;
  return s;
}
LexicalSettings charset(ClientCharset c) {
  LexicalSettings s;
  s.charset = c;
  return s;
}

struct LexCase {
  const char* name;
  LexicalSettings settings;
  std::string sql;
  std::string want;
};

void PrintTo(const LexCase& c, std::ostream* os) { *os << c.name; }

class LexerRules : public ::testing::TestWithParam<LexCase> {};

TEST_P(LexerRules, GivesTheTokens) {
  const LexCase& c = GetParam();
  EXPECT_EQ(tokens(c.sql, c.settings), c.want) << c.name << ": " << c.sql;
}

const LexCase kLexCases[] = {
    {"words and keywords", {}, "select a FROM t1", "k:select w:a k:FROM w:t1"},
    {"backtick identifier, doubled backtick", {}, "`a``b` `select`", "q:`a``b` q:`select`"},
    {"single-quoted string, doubled quote", {}, "'it''s'", "s:'it''s'"},
    {"double-quoted string without ANSI_QUOTES", {}, "\"x\"", "s:\"x\""},
    {"double quotes are an identifier under ANSI_QUOTES", ansi(), "\"x\"\"y\"", "q:\"x\"\"y\""},
    {"backslash escapes a quote", {}, "'a\\'b' x", "s:'a\\'b' w:x"},
    {"NO_BACKSLASH_ESCAPES: the backslash ends nothing", no_backslash(), "'a\\' x", "s:'a\\' w:x"},
    {"backslash inside double quotes", {}, "\"a\\\"b\"", "s:\"a\\\"b\""},
    {"# comment", {}, "a # c\nb", "w:a w:b"},
    {"-- comment needs a space", {}, "a -- c\nb", "w:a w:b"},
    {"-- at the end of the text", {}, "a --", "w:a"},
    {"--1 is two minuses", {}, "a--1", "w:a o:- o:- d:1"},
    {"block comment", {}, "a /* x */ b", "w:a w:b"},
    {"optimizer hint is a comment", {}, "SELECT /*+ BKA(t) */ a", "k:SELECT w:a"},
    {"versioned comment applies", version(80036, false), "/*!50700 a */ b", "w:a w:b"},
    {"versioned comment too new", version(50600, false), "/*!50700 a */ b", "w:b"},
    {"versioned comment without version", {}, "/*! a */ b", "w:a w:b"},
    {"MariaDB six-digit version", version(101106, true), "/*M!100301 a */ b", "w:a w:b"},
    {"MariaDB-only comment on MySQL", version(80036, false), "/*M!100301 a */ b", "w:b"},
    {"MariaDB comment too new", version(100600, true), "/*M!101100 a */ b", "w:b"},
    {"placeholder", {}, "a=?", "w:a o:= p:?"},
    {"introducer is a word before the string", {}, "_utf8mb4'x'", "w:_utf8mb4 s:'x'"},
    {"hex literals", {}, "X'0F' x'ab' 0x1F", "x:X'0F' x:x'ab' x:0x1F"},
    {"bit literals", {}, "B'01' b'1' 0b101", "b:B'01' b:b'1' b:0b101"},
    {"0x with a non-hex digit is a word", {}, "0x1G", "w:0x1G"},
    {"national string", {}, "N'x'", "n:N'x'"},
    {"numbers", {}, "1 1.5 .5 1e3 1.5E-3 2.", "d:1 d:1.5 d:.5 d:1e3 d:1.5E-3 d:2."},
    {"digits then letters are a word", {}, "1abc 123e", "w:1abc w:123e"},
    {"t.5 is a qualified name", {}, "t.5", "w:t o:. w:5"},
    {"user and system variables", {}, "@a @'q v' @`b` @@x @@session.sql_mode",
     "u:@a u:@'q v' u:@`b` v:@@x v:@@session.sql_mode"},
    {"operators", {}, ":= <=> -> ->> || && <= >= <> != << >>", "o::= o:<=> o:-> o:->> o:|| o:&& o:<= o:>= o:<> o:!= o:<< o:>>"},
    {"single-character operators", {}, "(a,b);", "o:( w:a o:, w:b o:) o:;"},
    {"unterminated string", {}, "a 'x", "w:a ERROR(unterminated string@2)"},
    {"unterminated identifier", {}, "`x", "ERROR(unterminated quoted identifier@0)"},
    {"unterminated comment", {}, "a /* x", "w:a ERROR(unterminated /* comment@2)"},
    {"unterminated versioned comment", {}, "/*!50000 a", "w:a ERROR(unterminated /*! comment@10)"},
    {"malformed hex", {}, "X'0G'", "ERROR(malformed hexadecimal or bit literal@0)"},
    // In GBK, 0x95 0x5C is one character: its second byte is not an escape.
    {"gbk: a trailing 0x5c byte is not a backslash", charset(ClientCharset::kGbk), "'\x95\\' a",
     "s:'\x95\\' w:a"},
    {"utf8: the same bytes are a byte and an escape", {}, "'\x95\\' a'", "s:'\x95\\' a'"},
    {"sjis: a trailing 0x5c byte", charset(ClientCharset::kSjis), "'\x81\\' a", "s:'\x81\\' w:a"},
    {"big5: a trailing 0x5c byte", charset(ClientCharset::kBig5), "'\xA4\\' a", "s:'\xA4\\' w:a"},
};

INSTANTIATE_TEST_SUITE_P(Mysql, LexerRules, ::testing::ValuesIn(kLexCases));

TEST(MysqlSplitStatements, SplitsAtTopLevelSemicolonsOnly) {
  const std::string sql = "SELECT ';' ; /* ; */ UPDATE t SET a = 1 -- ;\n;; INSERT INTO `a;b` VALUES (1)";
  std::vector<StatementRange> out;
  std::string error;
  ASSERT_TRUE(split_statements(sql, {}, out, error)) << error;
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(sql.substr(out[0].begin, out[0].end - out[0].begin), "SELECT ';'");
  EXPECT_EQ(sql.substr(out[1].begin, out[1].end - out[1].begin), "UPDATE t SET a = 1");
  EXPECT_EQ(sql.substr(out[2].begin, out[2].end - out[2].begin), "INSERT INTO `a;b` VALUES (1)");
}

TEST(MysqlSplitStatements, ReportsMalformedText) {
  std::vector<StatementRange> out;
  std::string error;
  EXPECT_FALSE(split_statements("SELECT 1; SELECT 'x", {}, out, error));
  EXPECT_EQ(error, "unterminated string");
}

TEST(MysqlSplitStatements, AStatementInsideAVersionedComment) {
  const std::string sql = "/*!40101 SET NAMES utf8 */; SELECT 1";
  std::vector<StatementRange> out;
  std::string error;
  ASSERT_TRUE(split_statements(sql, {}, out, error));
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(sql.substr(out[0].begin, out[0].end - out[0].begin), "SET NAMES utf8");
}

// The shortcut split_statements is skipped for: where it answers, the split gives that one
// statement, over the corpus and variants of it with trailing space, comments and semicolons.
TEST(MysqlSplitStatements, TheSingleStatementShortcutAgreesWithTheSplit) {
  std::vector<std::string> texts = {"SELECT 1", "UPDATE t SET a = '--' WHERE b = \"#\"", "x", " SELECT 1", "SELECT 1 \n\t",
                                    "SELECT 'a;b'", "SELECT 1 # c", "SELECT 1 -- c", "SELECT /* c */ 1", "/*!40101 SET x=1 */",
                                    "SELECT 'unterminated", "SELECT `a``b` FROM t", ""};
  for (const auto& c : testing::read_corpus(std::string(SWITCHYARD_SOURCE_DIR) + "/tests/rewrite/mysql/corpus")) {
    texts.push_back(c.sql);
    texts.push_back(c.sql + "  \n");
    texts.push_back(c.sql + " -- trailing");
    texts.push_back(c.sql + ";");
  }
  int shortcuts = 0;
  for (const std::string& sql : texts) {
    StatementRange one;
    if (!single_statement(sql, one)) continue;
    ++shortcuts;
    std::vector<StatementRange> split;
    std::string error;
    if (!split_statements(sql, {}, split, error)) continue;  // malformed: the parse reports it instead
    ASSERT_EQ(split.size(), 1u) << sql;
    EXPECT_EQ(split[0].begin, one.begin) << sql;
    EXPECT_EQ(split[0].end, one.end) << sql;
  }
  EXPECT_GT(shortcuts, 100);
  StatementRange one;
  for (const char* sql : {" SELECT 1", "SELECT 1 # c", "SELECT 1 -- c", "SELECT /* c */ 1", "SELECT 1;", "", "`t`"})
    EXPECT_FALSE(single_statement(sql, one)) << sql;
}

TEST(MysqlKeywords, LookupIgnoresCaseAndKnowsReservedWords) {
  EXPECT_EQ(lookup_keyword("select"), Kw::kSELECT);
  EXPECT_EQ(lookup_keyword("SeLeCt"), Kw::kSELECT);
  EXPECT_EQ(lookup_keyword("selects"), Kw::kNone);
  EXPECT_TRUE(is_reserved(Kw::kFROM));
  EXPECT_FALSE(is_reserved(Kw::kDATE));
  EXPECT_EQ(keyword_text(Kw::kNULL), "NULL");
}

TEST(MysqlKeywords, EveryKeywordIsFoundByItsSpellingInAnyCase) {
  const Kw all[] = {
#define SWITCHYARD_KW_LIST(name, reserved) Kw::k##name,
      SWITCHYARD_MYSQL_KEYWORDS(SWITCHYARD_KW_LIST)
#undef SWITCHYARD_KW_LIST
  };
  for (const Kw kw : all) {
    const std::string_view name = keyword_text(kw);
    std::string lower(name);
    for (char& c : lower)
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
    EXPECT_EQ(lookup_keyword(name), kw) << name;
    EXPECT_EQ(lookup_keyword(lower), kw) << lower;
    EXPECT_EQ(lookup_keyword(lower + "x"), Kw::kNone) << lower;
    EXPECT_EQ(lookup_keyword(lower.substr(0, lower.size() - 1)) == kw, false) << lower;
  }
  EXPECT_EQ(lookup_keyword("SELEC1"), Kw::kNone);
  EXPECT_EQ(lookup_keyword("s"), Kw::kNone);
}

TEST(MysqlLexerOps, EachOperatorTokenNamesItsOperator) {
  const std::string sql = "<=> ->> <= >= <> != << >> := -> || && = < > ! ~ + - * / % ^ & | ( ) , . ; { } a 1 'x'";
  const Op want[] = {Op::kNullSafeEq, Op::kJsonUnquote, Op::kLe, Op::kGe, Op::kNe, Op::kBangEq, Op::kShl,
                     Op::kShr, Op::kAssign, Op::kJson, Op::kPipes, Op::kAmps, Op::kEq, Op::kLt, Op::kGt,
                     Op::kBang, Op::kTilde, Op::kPlus, Op::kMinus, Op::kStar, Op::kSlash, Op::kPercent,
                     Op::kCaret, Op::kAmp, Op::kPipe, Op::kLParen, Op::kRParen, Op::kComma, Op::kDot,
                     Op::kSemicolon, Op::kLBrace, Op::kRBrace, Op::kNone, Op::kNone, Op::kNone};
  std::vector<Token> out;
  std::string error;
  uint32_t at = 0;
  ASSERT_TRUE(tokenize(sql, {}, out, error, at)) << error;
  ASSERT_EQ(out.size(), std::size(want));
  for (size_t i = 0; i < out.size(); ++i) {
    EXPECT_EQ(out[i].op, want[i]) << sql.substr(out[i].begin, out[i].end - out[i].begin);
    EXPECT_EQ(out[i].op != Op::kNone, out[i].type == Tok::kOp);
    if (static_cast<uint8_t>(want[i]) < 0x80 && want[i] != Op::kNone) {
      EXPECT_EQ(op_char(sql[out[i].begin]), want[i]);
    }
  }
}

}  // namespace
}  // namespace switchyard::rewrite::mysql
